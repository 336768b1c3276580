"""The gallery examples: layout that sphinx-gallery expects, and each one runs."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sklearn

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*/plot_*.py"))
TOPICS = sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and p.name[0] not in "._")

# Each example must finish well under a minute on two cores; this limit only
# keeps a hung example from stalling the suite.
TIMEOUT = 300

_RULE = set("=-~^")

# XXX: scikit-learn passes the parent's warning filters to its joblib workers
# only from 1.7 on, so before it the ConvergenceWarning an example silences
# still reaches stderr from the fits it runs with n_jobs=2.
_SKLEARN_VERSION = tuple(int(v) for v in sklearn.__version__.split(".")[:2])
_WORKERS_IGNORE_FILTERS = _SKLEARN_VERSION < (1, 7)


def _script_id(path):
    return f"{path.parent.name}/{path.name}"


def _check_title(lines, where):
    """A title line underlined (and maybe overlined) by a rule at least as long."""
    lines = [line.rstrip() for line in lines if line.strip()]
    if set(lines[0]) <= _RULE:
        overline = lines.pop(0)
        assert len(overline) >= len(lines[0]), f"{where}: overline too short"
    title, rule = lines[0], lines[1]
    assert set(rule) <= _RULE, f"{where}: no rule under {title!r}"
    assert len(rule) >= len(title), f"{where}: rule shorter than {title!r}"


def test_gallery_has_every_topic():
    """The gallery holds the six required examples under topic folders."""
    names = {_script_id(p) for p in SCRIPTS}
    assert {
        "model_selection/plot_drop_in_replacement.py",
        "model_selection/plot_time_series_gap.py",
        "model_selection/plot_resume.py",
        "neural_network/plot_architecture_search.py",
        "neural_network/plot_schedules.py",
        "inspection/plot_importance.py",
    } <= names
    assert (EXAMPLES / "README.txt").is_file()
    for topic in TOPICS:
        assert (topic / "README.txt").is_file(), f"{topic.name} lacks README.txt"


@pytest.mark.parametrize(
    "readme",
    [EXAMPLES / "README.txt", *(t / "README.txt" for t in TOPICS)],
    ids=lambda p: p.parent.name,
)
def test_gallery_header_has_a_title(readme):
    """Each gallery header starts with an underlined title and some text."""
    lines = [
        line for line in readme.read_text().splitlines() if not line.startswith(".. _")
    ]
    _check_title(lines, readme)
    assert len([line for line in lines if line.strip()]) >= 3, readme


@pytest.mark.parametrize("script", SCRIPTS, ids=_script_id)
def test_example_layout(script):
    """Each example opens with a titled docstring, then ``# %%`` cells."""
    source = script.read_text()
    docstring = ast.get_docstring(ast.parse(source), clean=False)
    assert docstring, f"{script.name} has no module docstring"
    _check_title(docstring.splitlines(), script.name)
    assert source.count("\n# %%\n") >= 3, f"{script.name} has too few cells"
    # Examples leave the backend to whoever runs them, and seed locally.
    for forbidden in ("matplotlib.use(", "np.random.seed(", "random.seed("):
        assert forbidden not in source, f"{script.name} calls {forbidden}"


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=_script_id)
def test_example_runs(script, tmp_path):
    """The example runs to the end under Agg, quietly, writing no file."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    warned = [line for line in result.stderr.splitlines() if "Warning" in line]
    if _WORKERS_IGNORE_FILTERS:
        warned = [line for line in warned if "ConvergenceWarning" not in line]
    assert not warned, result.stderr[-4000:]
    assert result.stdout.strip(), "the example prints nothing to show"
    assert list(tmp_path.iterdir()) == [], "the example wrote to its directory"
