"""The package's foundations: declared dependencies, namespaces, compat module."""

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.linear_model import Ridge

import skhp
from skhp._compat import parametrize_with_checks

ROOT = Path(__file__).resolve().parents[1]

# Where each name the package root re-exports is defined publicly.
ROOT_EXPORTS = {
    "BayesianSearchCV": "skhp.model_selection",
    "EvolutionarySearchCV": "skhp.model_selection",
    "TimeSeriesGapSplit": "skhp.model_selection",
    "MLPWithSchedulesClassifier": "skhp.neural_network",
    "MLPWithSchedulesRegressor": "skhp.neural_network",
}

RUNTIME_DEPENDENCIES = {"scikit-learn", "numpy", "scipy", "joblib"}

README = ROOT / "README.md"
QUICKSTART = ROOT / "examples" / "quickstart.py"


def _pyproject():
    tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11")
    path = ROOT / "pyproject.toml"
    if not path.exists():
        pytest.skip("run from an installed copy, without pyproject.toml")
    return tomllib.loads(path.read_text())


def _minimum_constraints():
    """Name -> version pinned in ci/minimum-constraints.txt."""
    pins = {}
    for line in (ROOT / "ci" / "minimum-constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.strip()] = version.strip()
    return pins


def test_root_reexports_the_main_classes():
    """`from skhp import X` gives the class its public subpackage defines."""
    assert set(skhp.__all__) == {*ROOT_EXPORTS, "__version__"}
    for name, module in ROOT_EXPORTS.items():
        assert getattr(skhp, name) is getattr(importlib.import_module(module), name)
    from skhp import TimeSeriesGapSplit

    assert TimeSeriesGapSplit.__module__ == "skhp.model_selection._split"


def test_runtime_dependencies_are_four_with_tested_lower_bounds():
    """The dependencies are exactly four, each bounded below by the CI's pin."""
    project = _pyproject()["project"]
    pins = _minimum_constraints()
    declared = {}
    for requirement in project["dependencies"]:
        name, spec = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", requirement).groups()
        declared[name] = spec
    assert set(declared) == RUNTIME_DEPENDENCIES == set(pins)
    for name, spec in declared.items():
        lower = re.search(r">=\s*([0-9][^,\s]*)", spec)
        assert lower, f"{name} has no lower bound"
        assert lower.group(1) == pins[name], f"{name}: {spec} but CI pins {pins[name]}"
    # A bounded scikit-learn range: the closest prior art broke on new releases.
    assert "<" in declared["scikit-learn"]
    assert {"plot", "test", "doc", "bench"} <= set(project["optional-dependencies"])


def test_ruff_is_configured_at_88_columns():
    """ruff formats and checks lines of 88 columns."""
    assert _pyproject()["tool"]["ruff"]["line-length"] == 88


def _private_sklearn_uses(tree):
    """Yield ``(line, name)`` for each private scikit-learn name in ``tree``."""

    def private(dotted):
        return any(part.startswith("_") for part in dotted.split("."))

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "sklearn"
        ):
            if private(node.module):
                yield node.lineno, node.module
            for alias in node.names:
                if alias.name.startswith("_"):
                    yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sklearn") and private(alias.name):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.Attribute):
            dotted = ast.unparse(node)
            if dotted.startswith("sklearn.") and private(dotted):
                yield node.lineno, dotted


def test_private_scikit_learn_names_come_only_through_compat():
    """No module but skhp/_compat.py imports a private scikit-learn name."""
    package = ROOT / "skhp"
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in sorted(package.rglob("*.py"))
        if path != package / "_compat.py"
        for line, name in _private_sklearn_uses(ast.parse(path.read_text()))
    ]
    assert offenders == []


def test_private_name_detection_catches_every_form():
    """The scan above sees private modules, names and attribute chains."""
    source = (
        "from sklearn.utils._tags import get_tags\n"
        "from sklearn.utils.validation import _num_samples\n"
        "import sklearn.model_selection._search\n"
        "x = sklearn.utils._param_validation.Interval\n"
        "from sklearn.utils import check_array\n"
    )
    lines = [line for line, _ in _private_sklearn_uses(ast.parse(source))]
    assert sorted(set(lines)) == [1, 2, 3, 4]


def test_parametrize_with_checks_gives_pytest_a_list():
    """The estimator checks reach pytest as a list, as pytest 10 requires."""
    decorator = parametrize_with_checks([Ridge()])
    argnames, argvalues = decorator.args
    assert argnames == "estimator, check"
    assert isinstance(argvalues, list) and len(argvalues) > 10


def _readme_blocks(section, language):
    """The ``language`` code blocks of the README section titled ``section``."""
    if not README.exists():
        pytest.skip("run from an installed copy, without README.md")
    text = README.read_text().split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_readme_has_two_setup_commands_and_ci_runs_the_test_one():
    """Set up is one command for the quick start, one for the suite, as CI runs."""
    quick, suite = (block.strip() for block in _readme_blocks("Set up", "bash"))
    for command in (quick, suite):
        assert command.startswith("python3 -m venv .venv && ")
    assert "pip install . &&" in quick
    assert quick.endswith("python examples/quickstart.py")
    assert 'pip install -e ".[test]" &&' in suite
    assert suite.endswith("python -m pytest")

    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^\s*python -m pytest$", ci, flags=re.M)
    assert re.search(r'^run_suite oldest -e "\.\[test\]" -c ci/minimum', ci, flags=re.M)


def test_readme_example_is_the_quickstart():
    """The README's example is the quick-start script's search, line for line."""
    (example,) = _readme_blocks("Example", "python")
    script = [line for line in QUICKSTART.read_text().splitlines() if line]
    for line in example.splitlines():
        if line and not line.startswith("print("):
            assert line in script, f"the quick start lacks {line!r}"


@pytest.mark.slow
def test_quickstart_prints_the_best_parameters_and_score():
    """The quick start runs a real search and prints what it found."""
    result = subprocess.run(
        [sys.executable, str(QUICKSTART)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert re.search(r"best parameters: \{'svc__C': .*'svc__kernel'", result.stdout)
    (score,) = re.findall(r"best cross-validated accuracy: ([\d.]+)", result.stdout)
    assert 0.9 < float(score) <= 1.0
