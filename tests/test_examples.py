"""The gallery examples: layout that sphinx-gallery expects, and each one runs."""

import ast
import os
import re
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


# -- what the prose of each example says about its printed results ----------------
# The examples explain their numbers in words; these checks fail when a change
# to the library makes the words wrong, so that the prose is rewritten.


def _floats(pattern, text):
    match = re.search(pattern, text)
    assert match, f"no line matches {pattern!r} in:\n{text}"
    return [float(g) for g in match.groups()]


def _claims_drop_in(out):
    (grid,) = _floats(r"grid: 36 candidates, 108 fits.*best CV accuracy ([\d.]+)", out)
    (bayes,) = _floats(
        r"bayesian: 15 candidates, +45 fits.*best CV accuracy ([\d.]+)", out
    )
    assert bayes >= grid - 0.005, "no longer 'within a few thousandths of the grid'"
    assert "columns only the Bayesian search has: ['proposal_time', 'round']" in out
    assert "columns it lacks: []" in out


def _claims_time_series(out):
    k0, cv0, future0 = _floats(r"gap=0 +(\d+) +\w+ +([\d.]+) +([\d.]+)", out)
    k24, cv24, future24 = _floats(r"gap=24 +(\d+) +\w+ +([\d.]+) +([\d.]+)", out)
    assert k0 < k24, "the gap no longer leads to a smoother model"
    assert future0 > future24 + 0.02, "the gap's choice is no longer better"
    assert future0 - cv0 > 0.03, "gap=0 is no longer clearly optimistic"
    assert abs(cv24 - future24) < 0.02, "gap=24 no longer estimates the future"


def _claims_resume(out):
    for line in (
        "uninterrupted search: 61 fits",
        "no improvement for 4 rounds: 11 candidates",
        "accuracy of 0.9 reached: 6 candidates",
        "crashed after 10 candidates: 30 fits so far",
        "resumed search: 31 fits",
        "same scores as the uninterrupted search: True",
        "same best parameters: True",
        "extended search: 31 fits",
        "candidates: 30",
        "was written by a different search",
    ):
        assert line in out, f"{line!r} not printed"


def _claims_importance(out):
    fanova = dict(re.findall(r"(svc__\w+) +([\d.]+) ±", out.split("spearman:")[0]))
    spearman = dict(re.findall(r"(svc__\w+) +([\d.]+) ±", out.split("spearman:")[1]))
    fanova = {k: float(v) for k, v in fanova.items()}
    spearman = {k: float(v) for k, v in spearman.items()}
    assert max(fanova, key=fanova.get) == "svc__gamma" and fanova["svc__gamma"] > 0.5
    assert fanova["svc__tol"] < 0.05 and fanova["svc__shrinking"] < 0.05
    assert 0 < spearman["svc__gamma"] - spearman["svc__C"] < 0.2
    assert spearman["svc__tol"] < 0.2 and spearman["svc__shrinking"] < 0.2


def _claims_architecture(out):
    (best,) = _floats(r"best CV accuracy: ([\d.]+)", out)
    assert best > 0.95
    diversity = _floats(r"diversity: \[([\d.]+),.*, ([\d.]+)\]", out)
    assert diversity[1] < diversity[0], "the diversity no longer falls"


def _claims_schedules(out):
    runs = {
        name.strip(): (float(loss), int(updates))
        for name, loss, updates in re.findall(
            r"([\w +-]+): final loss ([\d.]+),.*?(\d+) updates", out
        )
    }
    constant = runs.pop("constant")
    assert all(constant[0] > 2 * loss for loss, _ in runs.values())
    assert runs["batch growth"][1] < runs["step decay"][1] / 2


def _claims_ask_tell(out):
    def per_seed(name):
        (values,) = re.findall(rf"{name}: best value .*?\[(.*)\]", out)
        return [float(v) for v in values.split(",")]

    assert max(per_seed("Bayesian")) < 0.40
    assert sorted(per_seed("evolutionary"))[2] < sorted(per_seed("random"))[2]
    (best,) = _floats(r"evaluations; best value ([\d.]+)", out)
    assert best < 0.397887 + 1e-3


_CLAIMS = {
    "plot_drop_in_replacement.py": _claims_drop_in,
    "plot_time_series_gap.py": _claims_time_series,
    "plot_resume.py": _claims_resume,
    "plot_importance.py": _claims_importance,
    "plot_architecture_search.py": _claims_architecture,
    "plot_schedules.py": _claims_schedules,
    "plot_ask_tell.py": _claims_ask_tell,
}


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
    """The gallery holds the required examples in topic folders, all checked."""
    names = {_script_id(p) for p in SCRIPTS}
    assert {
        "model_selection/plot_drop_in_replacement.py",
        "model_selection/plot_time_series_gap.py",
        "model_selection/plot_resume.py",
        "neural_network/plot_architecture_search.py",
        "neural_network/plot_schedules.py",
        "inspection/plot_importance.py",
    } <= names
    assert set(_CLAIMS) == {p.name for p in SCRIPTS}, "an example without checks"
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
    """The example runs under Agg, quietly, writing no file, as its prose says."""
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
    _CLAIMS[script.name](result.stdout)
    assert list(tmp_path.iterdir()) == [], "the example wrote to its directory"
