"""Sphinx configuration of skhp's documentation.

Build it, with the gallery examples run and every warning an error, from the
repository root::

    python -m sphinx -W --keep-going -b html doc doc/_build/html

``make -C doc html`` does the same, and ``make -C doc html-noplot`` skips
running the examples.
"""

import re
from pathlib import Path

import skhp

project = "skhp"
author = "The skhp developers"
copyright = "The skhp developers, BSD-3-Clause"
release = skhp.__version__
version = re.match(r"\d+\.\d+", release).group(0)

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "_intersphinx", "Thumbs.db", ".DS_Store"]
source_suffix = {".rst": "restructuredtext"}
default_role = "literal"
# Unresolved Python cross-references (to objects of other projects when their
# inventories are unreachable) render as code without a warning; an undefined
# label or document is always a warning, hence an error under -W.
nitpicky = False

# -- API reference -----------------------------------------------------------

autosummary_generate = True
autodoc_typehints = "none"
autodoc_default_options = {"members": True, "inherited-members": True}
# The class template lists the members; numpydoc's own table would repeat them.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Docstrings are validated by tests/test_docstrings.py, not during the build.
numpydoc_validation_checks = set()

# -- Links to other projects ---------------------------------------------------

# Each project gets an empty local inventory as a fallback location. When the
# documentation sites cannot be reached (an offline machine, CI without
# network), Sphinx falls back to it with an informational message instead of a
# warning, and references to those projects render as plain code.
_OFFLINE = (None, "_intersphinx/empty.inv")
intersphinx_mapping = {
    "python": ("https://docs.python.org/3/", _OFFLINE),
    "sklearn": ("https://scikit-learn.org/stable/", _OFFLINE),
    "numpy": ("https://numpy.org/doc/stable/", _OFFLINE),
    "scipy": ("https://docs.scipy.org/doc/scipy/", _OFFLINE),
    "joblib": ("https://joblib.readthedocs.io/en/stable/", _OFFLINE),
    "matplotlib": ("https://matplotlib.org/stable/", _OFFLINE),
    "pandas": ("https://pandas.pydata.org/docs/", _OFFLINE),
}
intersphinx_timeout = 10

# -- Gallery -----------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Only plot_*.py scripts belong to the gallery; examples/quickstart.py is
    # the README's script.
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"(__init__|quickstart)\.py$",
    "doc_module": ("skhp",),
    "backreferences_dir": "generated/backreferences",
    "within_subsection_order": "FileNameSortKey",
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
}

# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skhp {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_sidebars = {"changelog": [], "install": [], "quickstart": []}
html_show_sourcelink = False

# -- Markdown (benchmarks/README.md is included as it is) -----------------------

myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
# The benchmark README links to the scripts beside it, which are not pages of
# this site; those links stay plain text instead of failing the build.
suppress_warnings = ["myst.xref_missing"]


# -- scikit-learn's inherited docstrings -----------------------------------------

_ROLE = re.compile(r":(ref|term):`([^`<]*?)\s*(?:<([^`>]+)>)?`")


def _label_known(app, role, target):
    inventory = getattr(app.env, "intersphinx_named_inventory", {}).get("sklearn")
    kind = "std:label" if role == "ref" else "std:term"
    return bool(inventory) and target.lower() in {
        name.lower() for name in inventory.get(kind, {})
    }


def _unlink_sklearn_labels(app, what, name, obj, options, lines):
    """Turn scikit-learn's own labels into plain text when they cannot resolve.

    Members inherited from scikit-learn (``predict``, ``score``,
    ``get_metadata_routing``...) keep their scikit-learn docstrings, which
    refer to labels of scikit-learn's user guide and terms of its glossary;
    numpydoc also copies the summary of an inherited property (``classes_``)
    into the Attributes of skhp's classes. These resolve through intersphinx
    when scikit-learn's inventory was fetched; offline they would be undefined,
    so they become their text. skhp has no glossary, so every ``:term:`` is
    scikit-learn's; a ``:ref:`` is rewritten only in scikit-learn's
    docstrings, and an undefined label of skhp's own stays an error.
    """
    owner = obj.fget if isinstance(obj, property) else obj
    inherited = (getattr(owner, "__module__", None) or "").startswith("sklearn")

    def replace(match):
        role, text, target = match.group(1), match.group(2), match.group(3)
        if (role == "ref" and not inherited) or _label_known(app, role, target or text):
            return match.group(0)
        # A glossary term is a name (``classes_``); a label's text is prose.
        return f"``{text}``" if role == "term" else (text or target)

    lines[:] = [_ROLE.sub(replace, line) for line in lines]


def setup(app):
    # After numpydoc (priority 500), which renders the sections first.
    app.connect("autodoc-process-docstring", _unlink_sklearn_labels, priority=900)
    # The API pages are regenerated on every build; stale ones would stay
    # documented under their old name.
    generated = Path(__file__).parent / "generated"
    for stale in generated.glob("*.rst"):
        stale.unlink()
