"""Tests of the plotting functions: what each one draws, checked on Agg."""

import itertools
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import loguniform, uniform
from sklearn.base import BaseEstimator
from sklearn.model_selection import GridSearchCV, KFold, RandomizedSearchCV

from skhp._compat import InvalidParameterError
from skhp.inspection import hyperparameter_importance
from skhp.model_selection import EvolutionarySearchCV, TimeSeriesGapSplit
from skhp.optimize import BaseOptimizer
from skhp.plot import (
    plot_convergence,
    plot_evolution,
    plot_importance,
    plot_objective,
    plot_schedule,
    plot_splits,
)
from skhp.plot._splits import _GAP, _TEST, _TRAIN, _UNUSED, _fold_roles
from skhp.schedules import GeometricBatchSize, ReduceOnPlateau, StepDecay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402

X_DUMMY = np.zeros((6, 1))
ONE_FOLD = [(np.arange(3), np.arange(3, 6))]


class KnownScore(BaseEstimator):
    """An estimator whose score is a known function of its parameters."""

    def __init__(self, u=0.5, flat=0.5, C=1.0, kind="a"):
        self.u = u
        self.flat = flat
        self.C = C
        self.kind = kind

    def fit(self, X, y=None):
        return self

    def score(self, X, y=None):
        value = -4 * (self.u - 0.5) ** 2 + 0.3 * np.log10(self.C) / 4
        return value + {"a": 0.0, "b": 0.2}[self.kind]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def random_search():
    return RandomizedSearchCV(
        KnownScore(),
        {"u": uniform(0, 1), "C": loguniform(1e-2, 1e2), "kind": ["a", "b"]},
        n_iter=30,
        cv=ONE_FOLD,
        random_state=0,
    ).fit(X_DUMMY)


@pytest.fixture(scope="module")
def evolution_search():
    return EvolutionarySearchCV(
        KnownScore(),
        {"u": uniform(0, 1), "C": loguniform(1e-2, 1e2)},
        population_size=6,
        n_generations=4,
        cv=ONE_FOLD,
        random_state=0,
    ).fit(X_DUMMY)


def _results(scores, **columns):
    return {"params": [{}] * len(scores), "mean_test_score": scores, **columns}


def test_import_does_not_load_matplotlib():
    """Importing skhp.plot neither imports matplotlib nor picks a backend."""
    code = "import sys, skhp.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_missing_matplotlib_names_the_extra(monkeypatch):
    """Without matplotlib, a plot raises ImportError naming the plot extra."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "skhp\[plot\]"'):
        plot_convergence(_results([0.1, 0.2]))


def test_plot_convergence_overlays_best_so_far(random_search, evolution_search):
    """Each search draws its running best as a step line and its scores as dots."""
    ax = plot_convergence(random_search, evolution_search, _results([0.5, np.nan]))
    steps = [line for line in ax.lines if line.get_drawstyle() == "steps-post"]
    assert [line.get_label() for line in steps] == [
        "RandomizedSearchCV",
        "EvolutionarySearchCV",
        "cv_results_",
    ]
    assert len(ax.lines) == 6
    scores = random_search.cv_results_["mean_test_score"]
    np.testing.assert_allclose(steps[0].get_ydata(), np.maximum.accumulate(scores))
    np.testing.assert_array_equal(steps[0].get_xdata(), np.arange(1, 31))
    assert steps[1].get_xdata()[-1] == 24
    np.testing.assert_array_equal(steps[2].get_ydata(), [0.5, 0.5])
    assert ax.get_xlabel() == "evaluations"
    assert ax.get_ylabel() == "best mean_test_score so far"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [line.get_label() for line in steps]


def test_plot_convergence_labels_and_ax():
    """Labels are used as given, repeated class names numbered, ax reused."""
    _, ax = plt.subplots()
    out = plot_convergence(_results([1.0]), _results([2.0]), ax=ax)
    assert out is ax
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "cv_results_ 1",
        "cv_results_ 2",
    ]
    ax = plot_convergence(_results([1.0]), labels=["mine"])
    assert ax.lines[0].get_label() == "mine"
    with pytest.raises(ValueError, match=r"one label per search: 1 here; got 2"):
        plot_convergence(_results([1.0]), labels=["a", "b"])
    with pytest.raises(ValueError, match=r"at least one fitted search"):
        plot_convergence()


def _bars(ax):
    return next(c for c in ax.containers if isinstance(c, BarContainer))


def test_plot_importance_bars(random_search):
    """One bar per parameter, widths the importances, most important on top."""
    result = hyperparameter_importance(random_search, random_state=0)
    ax = plot_importance(result)
    bars = _bars(ax)
    assert len(bars) == 3
    widths = [bar.get_width() for bar in bars]
    np.testing.assert_allclose(widths, result.importances_mean)
    tops = [bar.get_y() for bar in bars]
    assert tops == sorted(tops, reverse=True)
    assert [t.get_text() for t in ax.get_yticklabels()] == result.names
    assert bars.errorbar is not None
    assert ax.get_xlabel() == "share of score variance (main effect)"
    assert ax.get_xlim()[0] == 0
    assert "30 candidates" in ax.get_title()

    ax = plot_importance(random_search.cv_results_)
    assert len(_bars(ax)) == 3
    spearman = hyperparameter_importance(random_search, method="spearman")
    ax = plot_importance(spearman)
    assert ax.get_xlabel() == "|Spearman correlation| with the score"


def test_plot_evolution_reads_history(evolution_search):
    """The evolution plot draws the history's mean, best and diversity."""
    ax = plot_evolution(evolution_search)
    history = evolution_search.history_
    lines = {line.get_label(): line for line in ax.lines}
    assert set(lines) == {"mean", "best so far", "best of generation"}
    np.testing.assert_allclose(lines["mean"].get_ydata(), history["mean_score"])
    np.testing.assert_allclose(
        lines["best of generation"].get_ydata(), history["best_score"]
    )
    np.testing.assert_array_equal(lines["mean"].get_xdata(), [0, 1, 2, 3])
    assert len(ax.collections) == 1  # the mean ± std band
    twin = ax.figure.axes[-1]
    assert twin is not ax
    assert twin.get_ylabel() == "diversity"
    np.testing.assert_allclose(twin.lines[0].get_ydata(), history["diversity"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-1] == "diversity"
    assert ax.get_xlabel() == "generation"

    ax = plot_evolution(evolution_search, show_diversity=False)
    assert len(ax.figure.axes) == 1


def test_plot_evolution_from_cv_results_columns():
    """Without history_, generations (or rounds) come from cv_results_."""
    results = _results(
        np.array([0.1, 0.3, np.nan, 0.6, 0.2, 0.4]), round=np.array([0, 0, 1, 1, 2, 2])
    )
    ax = plot_evolution(results)
    lines = {line.get_label(): line for line in ax.lines}
    np.testing.assert_allclose(lines["best of generation"].get_ydata(), [0.3, 0.6, 0.4])
    np.testing.assert_allclose(lines["mean"].get_ydata(), [0.2, 0.6, 0.3])
    np.testing.assert_allclose(lines["best so far"].get_ydata(), [0.3, 0.6, 0.6])
    band = ax.collections[0].get_paths()[0].vertices
    # mean + std is clipped at the best: generation 0 spans [0.1, 0.3].
    assert band[:, 1].max() == pytest.approx(0.6)
    assert band[:, 1].min() == pytest.approx(0.1)
    with pytest.raises(ValueError, match=r"records generations.*GridSearchCV"):
        search = GridSearchCV(KnownScore(), {"u": [0.1, 0.5]}, cv=ONE_FOLD)
        plot_evolution(search.fit(X_DUMMY))


def test_plot_objective_panels(random_search):
    """One panel per top parameter: main effect, band and candidates."""
    axes = plot_objective(random_search, n_top=3, random_state=0)
    assert isinstance(axes, np.ndarray)
    assert axes.shape == (3,)
    by_name = {ax.get_xlabel(): ax for ax in axes}
    assert set(by_name) == {"u", "C", "kind"}
    assert axes[0].get_xlabel() == "u"  # the most important
    assert by_name["C"].get_xscale() == "log"
    assert by_name["u"].get_xscale() == "linear"
    effect = next(ln for ln in by_name["u"].lines if ln.get_label() == "main effect")
    x, y = effect.get_xdata(), effect.get_ydata()
    # The U shape: highest near u = 0.5, lower at both ends.
    assert 0.3 < x[np.argmax(y)] < 0.7
    assert y.max() - y[0] > 0.3 and y.max() - y[-1] > 0.3
    dots = next(ln for ln in by_name["u"].lines if ln.get_label() == "candidates")
    assert len(dots.get_xdata()) == 30
    assert [t.get_text() for t in by_name["kind"].get_xticklabels()] == ["a", "b"]
    assert "importance" in axes[0].get_title()
    assert axes[0].get_ylabel() == "mean_test_score"


def test_plot_objective_params_and_ax(random_search):
    """Named parameters are plotted in the given axes; bad names are errors."""
    _, ax = plt.subplots()
    axes = plot_objective(random_search, params="C", ax=ax, n_trees=8)
    assert axes.tolist() == [ax]
    axes = plot_objective(random_search, n_top=10, n_trees=8)
    assert len(axes) == 3
    with pytest.raises(ValueError, match=r"got \['gamma'\]. Choose among"):
        plot_objective(random_search, params=["gamma"])
    with pytest.raises(ValueError, match=r"one Axes per panel: 2 here; got 1"):
        plot_objective(random_search, ax=[ax])
    with pytest.raises(InvalidParameterError, match=r"'n_top' parameter.*Got 0"):
        plot_objective(random_search, n_top=0)


def test_plot_objective_conditional_parameter():
    """A parameter absent from a sub-space shows its 'absent' prediction."""
    space = [
        {"kind": ["a"], "u": uniform(0, 1)},
        {"kind": ["b"], "u": uniform(0, 1), "C": loguniform(1e-2, 1e2)},
    ]
    search = RandomizedSearchCV(
        KnownScore(), space, n_iter=30, cv=ONE_FOLD, random_state=0
    ).fit(X_DUMMY)
    axes = plot_objective(search, params=["C", "kind"], n_trees=16, random_state=0)
    labels = [line.get_label() for line in axes[0].lines]
    assert "when absent" in labels
    assert [t.get_text() for t in axes[1].get_xticklabels()] == ["a", "b"]
    axes = plot_objective(search, params=["kind", "C"], n_trees=16, random_state=0)
    assert "when absent" in [t.get_text() for t in axes[1].get_legend().get_texts()]


def test_plot_objective_constant_scores():
    """Scores that do not vary leave nothing to plot: a clear error."""
    results = {
        "params": [{"u": float(u)} for u in range(5)],
        "mean_test_score": [1.0] * 5,
    }
    with pytest.raises(ValueError, match=r"surrogate is constant"):
        plot_objective(results)


def _spans(ax, color):
    """The (start, width) of every bar of one colour, row by row."""
    out = []
    for collection in ax.collections:
        if np.allclose(collection.get_facecolor()[0], to_rgba(color)):
            for path in collection.get_paths():
                xs, ys = path.vertices[:, 0], path.vertices[:, 1]
                out.append((round(ys.mean()), xs.min(), xs.max() - xs.min()))
    return sorted(out)


def test_plot_splits_time_series_gap():
    """Each fold is a row of train, gap and test spans where the splitter says."""
    cv = TimeSeriesGapSplit(n_splits=3, test_size=5, gap=2, max_train_size=10)
    ax = plot_splits(cv, np.zeros((40, 1)))
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "fold 0",
        "fold 1",
        "fold 2",
    ]
    assert _spans(ax, "tab:red") == [(0, 25, 5), (1, 30, 5), (2, 35, 5)]
    assert _spans(ax, "tab:orange") == [(0, 23, 2), (1, 28, 2), (2, 33, 2)]
    assert _spans(ax, "tab:blue") == [(0, 13, 10), (1, 18, 10), (2, 23, 10)]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["train", "gap", "test", "unused"]
    assert ax.get_xlim() == (0, 40)
    assert ax.get_ylim() == (2.5, -0.5)  # fold 0 on top
    assert ax.get_title() == "TimeSeriesGapSplit"


def test_plot_splits_kfold_and_groups():
    """Other splitters work; groups add a row of alternating shades."""
    ax = plot_splits(KFold(4), np.zeros((20, 1)))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "test"]
    assert _spans(ax, "tab:red") == [(0, 0, 5), (1, 5, 5), (2, 10, 5), (3, 15, 5)]

    groups = np.repeat(np.arange(10), 3)
    cv = TimeSeriesGapSplit(n_splits=2, test_size=2, gap=1)
    ax = plot_splits(cv, np.zeros((30, 1)), groups=groups)
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "groups"
    assert len(_spans(ax, "silver")) + len(_spans(ax, "dimgray")) == 10
    assert _spans(ax, "tab:orange") == [(0, 15, 3), (1, 21, 3)]


@settings(max_examples=40, deadline=None)
@given(
    n_splits=st.integers(2, 5),
    test_size=st.integers(1, 6),
    gap=st.integers(0, 4),
    extra=st.integers(1, 20),
)
def test_fold_roles_mark_exactly_the_gap(n_splits, test_size, gap, extra):
    """The gap found between train and test is exactly the splitter's gap."""
    n = n_splits * test_size + gap + extra
    cv = TimeSeriesGapSplit(n_splits=n_splits, test_size=test_size, gap=gap)
    for train, test in cv.split(np.zeros((n, 1))):
        roles = _fold_roles(n, train, test)
        assert np.sum(roles == _GAP) == gap
        assert np.sum(roles == _TRAIN) == len(train)
        assert np.sum(roles == _TEST) == len(test)
        assert np.sum(roles == _UNUSED) == n - len(train) - len(test) - gap


def test_plot_schedule_steps():
    """A schedule's preview is drawn as one step per epoch."""
    ax = plot_schedule(StepDecay(0.1, step_size=5, factor=0.5), 12)
    line = ax.lines[0]
    assert line.get_drawstyle() == "steps-post"
    np.testing.assert_array_equal(line.get_xdata(), np.arange(13))
    np.testing.assert_allclose(
        line.get_ydata()[[0, 4, 5, 10, 12]], [0.1, 0.1, 0.05, 0.025, 0.025]
    )
    assert ax.get_xlim() == (0, 12)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "value")

    plot_schedule(GeometricBatchSize(16, factor=2.0), 5, ax=ax, label="batch")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["StepDecay", "batch"]
    ax = plot_schedule(GeometricBatchSize(16, factor=2.0), 5, n_samples=100)
    assert ax.get_ylabel() == "batch size"
    assert ax.lines[0].get_ydata().tolist() == [16, 32, 64, 100, 100, 100]


def test_plot_schedule_monitored():
    """A plateau schedule reacts to the monitored loss passed through."""
    schedule = ReduceOnPlateau(0.1, factor=0.5, patience=2)
    ax = plot_schedule(schedule, 6, monitored=[1.0, 1.0, 1.0, 1.0, 1.0])
    assert ax.lines[0].get_ydata()[-1] < 0.1


def test_plot_objective_many_choices_thins_labels():
    """With many choices, every k-th is labelled so that labels stay legible."""
    params = [{"name": f"choice-{i:02d}", "u": i / 30} for i in range(30)]
    results = {"params": params, "mean_test_score": np.arange(30.0) % 7}
    axes = plot_objective(results, params=["name"], n_trees=4, random_state=0)
    labels = [t.get_text() for t in axes[0].get_xticklabels()]
    assert len(labels) == 10
    assert labels[:2] == ["choice-00", "choice-03"]
    assert axes[0].get_xticklabels()[0].get_rotation() == 30


def _long_named_results(n=40, seed=0):
    """Results of a pipeline-like search whose parameter names are long."""
    rng = np.random.RandomState(seed)
    names = [f"histgradientboostingregressor__{p}" for p in ("learning_rate", "l2")]
    names += ["histgradientboostingregressor__max_features"]
    P = rng.uniform(size=(n, 3))
    params = [dict(zip(names, row, strict=True)) for row in P]
    scores = -4 * (P[:, 0] - 0.5) ** 2 + P[:, 1] + 0.5 * P[:, 2]
    return {"params": params, "mean_test_score": scores}


def _inside(inner, outer):
    return (
        inner.x0 >= outer.x0 - 1
        and inner.x1 <= outer.x1 + 1
        and inner.y0 >= outer.y0 - 1
        and inner.y1 <= outer.y1 + 1
    )


def test_plot_objective_titles_of_long_names_do_not_collide():
    """Side-by-side panels of long parameter names have titles that do not overlap."""
    axes = plot_objective(_long_named_results(), n_top=3, n_trees=8, random_state=0)
    axes[0].figure.canvas.draw()
    boxes = [ax.title.get_window_extent() for ax in axes]
    for left, right in itertools.pairwise(boxes):
        assert left.x1 < right.x0
    assert all(ax.get_xlabel().startswith("histgradient") for ax in axes)


def test_plot_importance_title_fits_its_figure_with_long_names():
    """The figure plot_importance creates holds its title and its long names."""
    result = hyperparameter_importance(_long_named_results(), n_trees=8, random_state=0)
    ax = plot_importance(result)
    figure = ax.figure
    figure.canvas.draw()
    assert _inside(ax.title.get_window_extent(), figure.bbox)
    for label in ax.get_yticklabels():
        assert _inside(label.get_window_extent(), figure.bbox)


@pytest.mark.parametrize("layout", ["constrained", "tight"])
def test_plot_evolution_legend_clears_a_small_panel(evolution_search, layout):
    """In a panel of a user's grid the legend sits below the x label, in the figure."""
    figure, axes = plt.subplots(2, 2, figsize=(8, 6), layout=layout)
    ax = plot_evolution(evolution_search, ax=axes[0, 1])
    figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 < ax.xaxis.label.get_window_extent().y0
    assert _inside(legend, figure.bbox)


def test_plot_convergence_and_objective_of_an_optimizer():
    """An ask/tell optimizer is plotted from the scores it was told, in order."""

    class RandomOptimizer(BaseOptimizer):
        def _propose(self, n):
            return self._fill_random([], n)

    optimizer = RandomOptimizer({"u": uniform(0, 1)}, random_state=0)
    params = optimizer.ask(20)
    optimizer.tell(params, [-((p["u"] - 0.5) ** 2) for p in params])
    ax = plot_convergence(optimizer)
    np.testing.assert_allclose(
        ax.lines[0].get_ydata(), np.fmax.accumulate(optimizer.scores_history)
    )
    assert ax.get_legend().get_texts()[0].get_text() == "RandomOptimizer"
    axes = plot_objective(optimizer, n_trees=8, random_state=0)
    assert axes[0].get_xlabel() == "u"
