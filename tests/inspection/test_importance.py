"""Tests of hyperparameter importance (functional ANOVA and Spearman)."""

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import loguniform, norm, randint, uniform
from sklearn.base import BaseEstimator
from sklearn.exceptions import FitFailedWarning, NotFittedError
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.tree import DecisionTreeRegressor

from skhp._compat import InvalidParameterError
from skhp.inspection import HyperparameterImportance, hyperparameter_importance
from skhp.inspection._importance import _candidates, _encode, _Feature, _TreeANOVA
from skhp.model_selection import BayesianSearchCV, EvolutionarySearchCV
from skhp.optimize import BaseOptimizer
from skhp.space import LayerSizes, Real, SearchSpace

X_DUMMY = np.zeros((6, 1))


class KnownScore(BaseEstimator):
    """An estimator whose score is a known function of its parameters."""

    def __init__(self, u=0.5, flat=0.5, kind="a", C=1.0, gamma=1.0):
        self.u = u
        self.flat = flat
        self.kind = kind
        self.C = C
        self.gamma = gamma

    def fit(self, X, y=None):
        if self.kind == "broken":
            raise ValueError("this kind always fails")
        return self

    def score(self, X, y=None):
        # U-shaped in u, nothing from flat, a jump between kinds, a step in log C.
        value = -4 * (self.u - 0.5) ** 2
        value += {"a": 0.0, "b": 0.5, "c": 0.25, "broken": 0.0}[self.kind]
        value += 0.5 * (self.C > 1e-2)
        return value


def _dict_results(params, scores):
    return {"params": params, "mean_test_score": np.asarray(scores, dtype=float)}


def _u_shaped(n=120, seed=0, noise=0.02):
    rng = np.random.RandomState(seed)
    P = rng.uniform(size=(n, 3))
    params = [{"u": a, "flat": b, "lin": c} for a, b, c in P]
    scores = -4 * (P[:, 0] - 0.5) ** 2 + 0.3 * P[:, 2] + noise * rng.normal(size=n)
    return _dict_results(params, scores)


def _by_name(result):
    return dict(zip(result.names, result.importances_mean, strict=True))


def test_fanova_finds_u_shape_that_spearman_misses():
    """A U-shaped effect dominates under fANOVA and is near 0 under Spearman."""
    results = _u_shaped()
    fanova = _by_name(hyperparameter_importance(results, random_state=0))
    spearman = _by_name(hyperparameter_importance(results, method="spearman"))

    # The truth: u explains 0.089 / (0.089 + 0.0075) = 92 % of the variance.
    assert fanova["u"] > 0.8
    assert fanova["flat"] < 0.02
    assert spearman["u"] < 0.2
    assert spearman["lin"] > 0.25
    assert spearman["lin"] > 2 * spearman["u"]


def test_no_effect_parameter_near_zero_in_randomized_search():
    """On a real RandomizedSearchCV, a parameter without effect gets ~0."""
    search = RandomizedSearchCV(
        KnownScore(),
        {"u": uniform(0, 1), "flat": uniform(0, 1)},
        n_iter=60,
        cv=[(np.arange(3), np.arange(3, 6))],
        random_state=0,
    ).fit(X_DUMMY)
    result = hyperparameter_importance(search, random_state=0)
    importance = _by_name(result)
    assert result.names == ["u", "flat"]
    assert importance["u"] > 0.95
    assert importance["flat"] < 0.02
    assert result.importances.shape == (2, 64)
    assert np.all(result.importances_std >= 0)


@pytest.mark.parametrize("search_class", [BayesianSearchCV, EvolutionarySearchCV])
def test_skhp_searches(search_class):
    """skhp's searches (with a round or generation column) are read too."""
    budget = {"n_iter": 30} if search_class is BayesianSearchCV else {}
    if search_class is EvolutionarySearchCV:
        budget = {"population_size": 10, "n_generations": 3}
    search = search_class(
        KnownScore(),
        SearchSpace({"u": uniform(0, 1), "flat": uniform(0, 1)}),
        cv=[(np.arange(3), np.arange(3, 6))],
        random_state=0,
        **budget,
    ).fit(X_DUMMY)
    result = hyperparameter_importance(search, random_state=0)
    importance = _by_name(result)
    assert result.names == ["u", "flat"]
    assert importance["u"] > 0.8
    assert importance["flat"] < 0.1


class KnownNetwork(BaseEstimator):
    """An estimator whose score grows with its number of layers."""

    def __init__(self, hidden_layer_sizes=(100,), alpha=1.0):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.alpha = alpha

    def fit(self, X, y=None):
        return self

    def score(self, X, y=None):
        return float(len(self.hidden_layer_sizes))


def test_layer_sizes_are_ordered_by_depth():
    """Architectures (tuples of layer sizes) are coded by depth, then size."""
    search = EvolutionarySearchCV(
        KnownNetwork(),
        {"hidden_layer_sizes": LayerSizes(n_layers=(1, 3)), "alpha": uniform(0, 1)},
        population_size=12,
        n_generations=3,
        cv=[(np.arange(3), np.arange(3, 6))],
        random_state=0,
    ).fit(X_DUMMY)
    result = hyperparameter_importance(search, random_state=0)
    params, _, names, spec = _candidates(search, None, "drop", None)
    features, _ = _encode(params, names, spec)
    layers = features[names.index("hidden_layer_sizes")]
    depths = [len(v) for v in layers.values]
    assert depths == sorted(depths)
    assert result.names[0] == "hidden_layer_sizes"
    assert result.importances_mean[0] > 0.9


def test_tree_anova_matches_brute_force():
    """The exact per-tree ANOVA equals a brute-force sum over a product grid."""
    rng = np.random.RandomState(0)
    features = [
        _Feature("x", low=0.0, high=1.0),
        _Feature("k", values=["p", "q", "r"]),
        _Feature("z", low=np.log(1e-3), high=np.log(10.0), log=True),
    ]
    features[1].absent_weight = 0.25
    n = 200
    X = np.column_stack(
        [
            rng.uniform(size=n),
            rng.choice([-1.0, 0.0, 1.0, 2.0], size=n),
            rng.uniform(np.log(1e-3), np.log(10.0), size=n),
        ]
    )
    y = np.sin(6 * X[:, 0]) + X[:, 1] ** 2 + 0.3 * X[:, 0] * X[:, 2]
    tree = DecisionTreeRegressor(max_leaf_nodes=25, random_state=0).fit(X, y)
    anova = _TreeANOVA(tree, features)

    # Brute force: every combination of cells of a fine grid refined at the
    # tree's thresholds, so that the tree is constant on each cell.
    t = tree.tree_
    grids = []
    for j, f in enumerate(features):
        if f.continuous:
            edges = np.unique(
                np.r_[np.linspace(f.low, f.high, 50), t.threshold[t.feature == j]]
            )
            edges = edges[(edges >= f.low) & (edges <= f.high)]
            points = (edges[:-1] + edges[1:]) / 2
            weights = np.diff(edges) / (f.high - f.low)
        else:
            points = np.array([-1.0, 0.0, 1.0, 2.0])
            weights = np.array([0.25, 0.25, 0.25, 0.25])
        grids.append((points, weights))
    mesh = np.meshgrid(*[g[0] for g in grids], indexing="ij")
    weight = np.einsum("i,j,k->ijk", *[g[1] for g in grids])
    pred = tree.predict(np.column_stack([m.ravel() for m in mesh])).reshape(
        weight.shape
    )
    mean = np.sum(weight * pred)
    assert anova.mean == pytest.approx(mean)
    assert anova.variance == pytest.approx(np.sum(weight * (pred - mean) ** 2))
    for j in range(3):
        axes = tuple(a for a in range(3) if a != j)
        marginal = np.sum(weight * pred, axis=axes) / np.sum(weight, axis=axes)
        expected = grids[j][1] @ (marginal - mean) ** 2
        assert anova.main_effect(j) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_categorical_parameter():
    """Categorical choices (strings) with an effect are found; codes are not ranks."""
    search = RandomizedSearchCV(
        KnownScore(),
        {"kind": ["a", "b", "c"], "flat": uniform(0, 1)},
        n_iter=40,
        cv=[(np.arange(3), np.arange(3, 6))],
        random_state=0,
    ).fit(X_DUMMY)
    importance = _by_name(hyperparameter_importance(search, random_state=0))
    assert importance["kind"] > 0.95
    assert importance["flat"] < 0.02
    spearman = _by_name(hyperparameter_importance(search, method="spearman"))
    assert spearman["kind"] > 0.8


def test_log_scale_from_space_and_from_data():
    """A log-uniform parameter is measured on its log scale, space or not."""
    search = RandomizedSearchCV(
        KnownScore(),
        {"C": loguniform(1e-4, 1e2), "u": uniform(0, 1)},
        n_iter=120,
        cv=[(np.arange(3), np.arange(3, 6))],
        random_state=0,
    ).fit(X_DUMMY)
    # Truth on the log scale: C > 1e-2 with probability 2/3, so the step's
    # variance is 0.25 * 2/9 = 0.056 against 0.089 for u: a share of 38 %.
    # On a linear scale the step would cover almost everything: share ~0.
    with_space = _by_name(hyperparameter_importance(search, random_state=0))
    from_data = _by_name(hyperparameter_importance(search.cv_results_, random_state=0))
    for importance in (with_space, from_data):
        assert 0.28 < importance["C"] < 0.48
        assert 0.45 < importance["u"] < 0.72


def test_conditional_parameters_in_list_of_dicts():
    """Parameters absent from some sub-spaces are handled and can matter."""
    space = [
        {"kind": ["a"], "u": uniform(0, 1)},
        {"kind": ["b"], "u": uniform(0, 1), "C": loguniform(1e-4, 1e2)},
    ]
    search = RandomizedSearchCV(
        KnownScore(C=1.0),
        space,
        n_iter=80,
        cv=[(np.arange(3), np.arange(3, 6))],
        random_state=0,
    ).fit(X_DUMMY)
    result = hyperparameter_importance(search, random_state=0)
    importance = _by_name(result)
    assert set(result.names) == {"kind", "u", "C"}
    assert np.all(np.isfinite(result.importances_mean))
    assert importance["u"] > 0.2
    assert importance["C"] + importance["kind"] > 0.2
    assert np.sum(result.importances_mean) <= 1 + 1e-9
    spearman = hyperparameter_importance(search, method="spearman")
    assert np.all(np.isfinite(spearman.importances_mean))


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
@pytest.mark.parametrize(
    ("failed", "expect_kind_important"), [("drop", False), ("worst", True)]
)
def test_failed_candidates(failed, expect_kind_important):
    """Failed candidates are dropped, or scored as the worst, on request."""
    search = RandomizedSearchCV(
        KnownScore(),
        {"kind": ["a", "broken"], "u": uniform(0, 1)},
        n_iter=40,
        cv=[(np.arange(3), np.arange(3, 6))],
        random_state=0,
        error_score=np.nan,
    )
    with pytest.warns(FitFailedWarning, match=r"fits failed"):
        search.fit(X_DUMMY)
    assert np.isnan(search.cv_results_["mean_test_score"]).any()
    result = hyperparameter_importance(search, failed=failed, random_state=0)
    importance = _by_name(result)
    n_ok = int(np.isfinite(search.cv_results_["mean_test_score"]).sum())
    assert result.n_candidates == (n_ok if failed == "drop" else 40)
    if expect_kind_important:
        assert importance["kind"] > 0.5
    else:
        assert importance["kind"] < 1e-12
        assert importance["u"] > 0.95


def test_grid_search_and_mixed_choices():
    """GridSearchCV works; numbers mixed with None are categorical choices."""
    grid = {"u": [0.0, 0.25, 0.5, 0.75, 1.0], "gamma": [None, 0.1, 1.0, "auto"]}
    search = GridSearchCV(KnownScore(), grid, cv=[(np.arange(3), np.arange(3, 6))]).fit(
        X_DUMMY
    )
    importance = _by_name(hyperparameter_importance(search, random_state=0))
    assert importance["u"] > 0.95
    assert importance["gamma"] < 0.02
    params, _, names, spec = _candidates(search, None, "drop", None)
    features, _ = _encode(params, names, spec)
    gamma = features[names.index("gamma")]
    assert gamma.values == [0.1, 1.0, None, "auto"]  # numbers, then as listed
    assert not gamma.continuous


def test_encoding_of_unhashable_and_estimator_choices():
    """Estimators, lists and booleans are coded by value, True apart from 1."""
    params = [
        {"est": Ridge(alpha=1.0), "layers": [64, 32], "flag": True},
        {"est": LinearRegression(), "layers": [16], "flag": 1},
        {"est": Ridge(alpha=1.0), "layers": [64, 32], "flag": True},
        {"est": Ridge(alpha=2.0), "layers": [16], "flag": 1},
    ]
    features, X = _encode(params, ["est", "flag", "layers"], None)
    np.testing.assert_array_equal(X[:, 0], [0, 1, 0, 2])
    np.testing.assert_array_equal(X[:, 1], [1, 0, 1, 0])  # the number 1 first
    np.testing.assert_array_equal(X[:, 2], [1, 0, 1, 0])  # fewer layers first
    assert all(not f.continuous for f in features)


def test_unreadable_distribution_falls_back_to_data():
    """A distribution skhp cannot convert (normal) is read from the values."""
    search = RandomizedSearchCV(
        KnownScore(),
        {"u": norm(0.5, 0.2), "flat": randint(0, 10)},
        n_iter=60,
        cv=[(np.arange(3), np.arange(3, 6))],
        random_state=0,
    ).fit(X_DUMMY)
    importance = _by_name(hyperparameter_importance(search, random_state=0))
    assert importance["u"] > 0.9


def test_explicit_space_is_used():
    """A space given explicitly sets each numeric range and scale."""
    results = _u_shaped()
    space = {"u": Real(0, 1), "flat": Real(0, 1), "lin": Real(1e-3, 20, log=True)}
    params, _, names, spec = _candidates(results, None, "drop", space)
    features, _ = _encode(params, names, spec)
    lin = features[names.index("lin")]
    assert (lin.low, lin.high, lin.log) == (np.log(1e-3), np.log(20), True)

    # Outside the values tried, the trees extend their edge values: over a
    # wider range the jump across [0, 1] weighs more.
    narrow = _by_name(hyperparameter_importance(results, random_state=0))
    wide = _by_name(
        hyperparameter_importance(
            results, space={**space, "lin": Real(-20, 20)}, random_state=0
        )
    )
    assert wide["lin"] > narrow["lin"] + 0.02


def test_multi_metric_needs_a_metric():
    """Several metrics: the refit one is used, otherwise metric= is required."""
    results = _u_shaped()
    results = {
        "params": results["params"],
        "mean_test_a": results["mean_test_score"],
        "mean_test_b": -results["mean_test_score"],
    }
    with pytest.raises(ValueError, match=r"several metrics \(\['a', 'b'\]\).*metric="):
        hyperparameter_importance(results)
    with pytest.raises(ValueError, match=r"metric='c' is not a metric.*'a', 'b'"):
        hyperparameter_importance(results, metric="c")
    a = hyperparameter_importance(results, metric="a", random_state=0)
    b = hyperparameter_importance(results, metric="b", random_state=0)
    np.testing.assert_allclose(a.importances_mean, b.importances_mean)


def test_errors():
    """Unfitted searches, missing or non-finite scores and bad options fail clearly."""
    search = RandomizedSearchCV(KnownScore(), {"u": uniform(0, 1)})
    with pytest.raises(NotFittedError, match=r"RandomizedSearchCV.*not fitted"):
        hyperparameter_importance(search)
    with pytest.raises(ValueError, match=r"no numeric scores"):
        hyperparameter_importance({"params": [{"u": 1}, {"u": 2}]})
    with pytest.raises(ValueError, match=r"at least 2 candidates.*got 1 of 3"):
        hyperparameter_importance(
            _dict_results([{"u": 1}, {"u": 2}, {"u": 3}], [np.nan, 1.0, np.nan])
        )
    with pytest.raises(ValueError, match=r"no 'params' entry"):
        hyperparameter_importance({"mean_test_score": [1.0, 2.0]})
    with pytest.raises(ValueError, match=r"varied no hyperparameter"):
        hyperparameter_importance(_dict_results([{}, {}], [1.0, 2.0]))
    with pytest.raises(InvalidParameterError, match=r"'method' parameter"):
        hyperparameter_importance(_u_shaped(), method="shap")
    with pytest.raises(InvalidParameterError, match=r"'n_trees' parameter"):
        hyperparameter_importance(_u_shaped(), n_trees=0)


def test_constant_scores_warn_and_give_zero():
    """When scores do not vary, every importance is 0, with a warning."""
    results = _dict_results([{"u": float(u)} for u in range(5)], [1.0] * 5)
    with pytest.warns(UserWarning, match=r"surrogate is constant"):
        result = hyperparameter_importance(results)
    assert result.importances_mean.tolist() == [0.0]


def test_same_seed_same_result():
    """The random_state fixes the forest, hence the result."""
    results = _u_shaped(n=40)
    a = hyperparameter_importance(results, n_trees=8, random_state=3)
    b = hyperparameter_importance(results, n_trees=8, random_state=3)
    np.testing.assert_array_equal(a.importances, b.importances)


def test_repr_and_to_frame(monkeypatch):
    """The result prints as a table and converts to a DataFrame with pandas."""
    result = hyperparameter_importance(_u_shaped(n=40), n_trees=8, random_state=0)
    text = repr(result)
    assert text.startswith("HyperparameterImportance(method='fanova', n_candidates=40)")
    assert text.splitlines()[2].split()[0] == "u"
    assert isinstance(result, HyperparameterImportance)

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"to_frame needs pandas.*pip install pandas"):
        result.to_frame()


def test_to_frame_with_pandas():
    """to_frame gives one row per parameter, most important first."""
    pd = pytest.importorskip("pandas")
    result = hyperparameter_importance(_u_shaped(n=40), n_trees=8, random_state=0)
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.index) == result.names
    assert list(frame.columns) == ["importance", "std"]


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(3, 30),
    n_params=st.integers(1, 4),
)
def test_shares_are_bounded(seed, n, n_params):
    """fANOVA shares lie in [0, 1] and add up to at most 1."""
    rng = np.random.RandomState(seed)
    values = rng.choice([0.1, 1.0, 10.0, 100.0], size=(n, n_params))
    params = [
        {f"p{j}": (row[j] if j % 2 else str(row[j])) for j in range(n_params)}
        for row in values
    ]
    results = _dict_results(params, rng.normal(size=n))
    result = hyperparameter_importance(results, n_trees=4, random_state=seed)
    assert np.all(result.importances >= -1e-12)
    assert np.all(result.importances.sum(axis=0) <= 1 + 1e-9)


class RandomOptimizer(BaseOptimizer):
    """Uniform random proposals: the simplest ask/tell optimizer."""

    def _propose(self, n):
        return self._fill_random([], n)


def test_ask_tell_optimizer_is_read_like_a_search():
    """An optimizer's told history is explained as a search's cv_results_ would be."""
    optimizer = RandomOptimizer(
        {"u": Real(0, 1), "flat": Real(1e-3, 1e3, log=True)}, random_state=0
    )
    params = optimizer.ask(80)
    optimizer.tell(params, [-4 * (p["u"] - 0.5) ** 2 for p in params])
    result = hyperparameter_importance(optimizer, random_state=0)
    importance = _by_name(result)
    assert result.names == ["u", "flat"] and result.n_candidates == 80
    assert importance["u"] > 0.9 and importance["flat"] < 0.05
