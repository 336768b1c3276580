"""Tests of EvolutionarySearchCV."""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC

from skhp import EvolutionarySearchCV
from skhp._compat import InvalidParameterError, parametrize_with_checks
from skhp.space import Integer, LayerSizes, Real, SearchSpace

X, y = load_iris(return_X_y=True)
SVC_SPACE = {"C": Real(1e-2, 1e2, log=True), "gamma": Real(1e-3, 1e1, log=True)}


def small_search(estimator=None, space=None, **kwargs):
    params = {"population_size": 5, "n_generations": 3, "cv": 3, "random_state": 0}
    return EvolutionarySearchCV(
        SVC() if estimator is None else estimator,
        SVC_SPACE if space is None else space,
        **{**params, **kwargs},
    )


def test_budget_is_exact_and_candidates_distinct():
    """population_size x n_generations distinct candidates, by generation."""
    search = small_search().fit(X, y)
    results = search.cv_results_
    assert len(results["params"]) == 15
    keys = {SearchSpace(SVC_SPACE).key(p) for p in results["params"]}
    assert len(keys) == 15
    assert results["generation"].tolist() == [0] * 5 + [1] * 5 + [2] * 5
    assert search.n_rounds_ == 3
    assert "proposal_time" in results
    assert search.best_params_ == results["params"][search.best_index_]


def test_history_has_one_entry_per_generation():
    """history_ holds the best, mean, spread and diversity of each generation."""
    search = small_search(n_generations=4).fit(X, y)
    history = search.history_
    assert history["generation"].tolist() == [0, 1, 2, 3]
    scores = search.cv_results_["mean_test_score"]
    gens = search.cv_results_["generation"]
    for g in range(4):
        assert history["best_score"][g] == pytest.approx(scores[gens == g].max())
        assert history["mean_score"][g] == pytest.approx(scores[gens == g].mean())
        assert history["std_score"][g] == pytest.approx(scores[gens == g].std())
    assert (history["n_failed"] == 0).all()
    assert ((history["diversity"] > 0) & (history["diversity"] < 1.5)).all()
    assert (history["mutation_scale"] > 0).all()
    # Children are bred around the best candidates: the population contracts.
    assert history["diversity"][-1] < history["diversity"][0]


class FailingClassifier(ClassifierMixin, BaseEstimator):
    """Fails to fit when ``C`` is above ``threshold``."""

    def __init__(self, C=1.0, threshold=1.0):
        self.C = C
        self.threshold = threshold

    def fit(self, X, y):
        if self.C > self.threshold:
            raise ValueError("C is too large")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_failed_fits_never_stop_the_search():
    """Candidates whose fits fail get NaN scores; the search goes on."""
    search = small_search(FailingClassifier(), {"C": Real(1e-2, 1e2, log=True)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == 15 and np.isnan(scores).any()
    assert search.best_params_["C"] <= 1.0
    assert search.history_["n_failed"].sum() == np.isnan(scores).sum()


def test_error_score_raise_raises():
    """With error_score='raise' the estimator's error comes out."""
    search = small_search(
        FailingClassifier(), {"C": Real(1e-2, 1e2, log=True)}, error_score="raise"
    )
    with pytest.raises(ValueError, match="C is too large"):
        search.fit(X, y)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_same_seed_same_results_whatever_n_jobs(n_jobs):
    """The same random_state gives identical candidates and scores."""
    reference = small_search().fit(X, y).cv_results_
    results = small_search(n_jobs=n_jobs).fit(X, y).cv_results_
    assert results["params"] == reference["params"]
    np.testing.assert_array_equal(
        results["mean_test_score"], reference["mean_test_score"]
    )


def test_multimetric_optimizes_the_refit_metric():
    """With several metrics, history_ and best_ follow the refit metric."""
    search = small_search(
        scoring={"acc": "accuracy", "f1": "f1_macro"}, refit="f1"
    ).fit(X, y)
    f1 = search.cv_results_["mean_test_f1"]
    assert search.best_index_ == int(np.argmax(f1))
    assert search.history_["best_score"].max() == pytest.approx(f1.max())
    assert hasattr(search, "best_estimator_")


def test_pipeline_with_nested_names_and_estimator_choices():
    """Nested names and estimator-valued choices are searched and refitted."""
    pipe = Pipeline([("scale", StandardScaler()), ("svc", SVC())])
    space = {
        "scale": [StandardScaler(), MinMaxScaler()],
        "svc__C": Real(1e-2, 1e2, log=True),
    }
    search = small_search(pipe, space).fit(X, y)
    kinds = {type(p["scale"]).__name__ for p in search.cv_results_["params"]}
    assert kinds == {"StandardScaler", "MinMaxScaler"}
    assert search.best_estimator_.named_steps["svc"].C == search.best_params_["svc__C"]
    assert search.score(X, y) > 0.9


def test_list_of_subspaces():
    """A list of dicts is searched as disjoint sub-spaces."""
    space = [
        {"kernel": ["linear"], "C": Real(1e-2, 1e2, log=True)},
        {"kernel": ["rbf"], "C": Real(1e-2, 1e2, log=True), "gamma": [0.1, 1.0]},
    ]
    search = small_search(space=space).fit(X, y)
    params = search.cv_results_["params"]
    assert {p["kernel"] for p in params} == {"linear", "rbf"}
    assert all(("gamma" in p) == (p["kernel"] == "rbf") for p in params)


def test_architecture_search_over_mlp_hidden_layer_sizes():
    """LayerSizes searches MLPClassifier architectures; the best is refitted."""
    Xd, yd = load_digits(return_X_y=True)
    Xd, yd = Xd[:300] / 16.0, yd[:300]
    layers = LayerSizes(n_layers=(1, 3), units=(8, 64))
    search = EvolutionarySearchCV(
        MLPClassifier(max_iter=30, random_state=0),
        {"hidden_layer_sizes": layers, "alpha": Real(1e-5, 1e-1, log=True)},
        population_size=4,
        n_generations=2,
        cv=2,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(Xd, yd)
    archs = [p["hidden_layer_sizes"] for p in search.cv_results_["params"]]
    assert len(archs) == 8 and all(a in layers for a in archs)
    best = search.best_params_["hidden_layer_sizes"]
    assert search.best_estimator_.hidden_layer_sizes == best
    assert [w.shape[1] for w in search.best_estimator_.coefs_[:-1]] == list(best)
    assert search.best_score_ > 0.5


def test_exhausted_space_warns_and_stops():
    """A space smaller than the budget is evaluated once, with a warning."""
    search = small_search(space={"C": [0.1, 1.0, 10.0], "kernel": ["rbf", "linear"]})
    with pytest.warns(UserWarning, match="only 6 distinct candidates"):
        search.fit(X, y)
    assert len(search.cv_results_["params"]) == 6


def test_too_many_elites_is_refused_before_fitting():
    """n_elites >= population_size is a clear error raised at the start of fit."""
    search = small_search(FailingClassifier(), {"C": [0.1, 0.2]}, n_elites=5)
    with pytest.raises(ValueError, match="'n_elites' parameter must be less than"):
        search.fit(X, y)


@pytest.mark.parametrize(
    "param, value",
    [
        ("population_size", 1),
        ("n_generations", 0),
        ("mutation_rate", 1.5),
        ("crossover_rate", -0.1),
        ("tournament_size", 0),
        ("n_elites", -1),
    ],
)
def test_invalid_parameters_are_rejected(param, value):
    """Constraint violations name the parameter and the value."""
    search = small_search(**{param: value})
    with pytest.raises(InvalidParameterError, match=f"'{param}' parameter"):
        search.fit(X, y)


def test_layer_sizes_work_in_bayesian_search():
    """BayesianSearchCV searches LayerSizes through its fixed-length encoding."""
    model_selection = pytest.importorskip("skhp.model_selection")
    if not hasattr(model_selection, "BayesianSearchCV"):
        pytest.skip("BayesianSearchCV is not available yet")
    Xd, yd = load_digits(return_X_y=True)
    Xd, yd = Xd[:200] / 16.0, yd[:200]
    layers = LayerSizes(n_layers=(1, 3), units=(4, 32))
    search = model_selection.BayesianSearchCV(
        MLPClassifier(max_iter=20, random_state=0),
        {"hidden_layer_sizes": layers, "alpha": Real(1e-5, 1e-1, log=True)},
        n_iter=8,
        n_initial_points=4,
        cv=2,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(Xd, yd)
    archs = [p["hidden_layer_sizes"] for p in search.cv_results_["params"]]
    # The last four come from the Gaussian process, decoded from its encoding.
    assert len(set(archs)) == 8 and all(a in layers for a in archs)


# scikit-learn's common checks.
# RandomizedSearchCV fails this check too: the warning is raised in the
# cross-validation fits and BaseSearchCV does not pass it on.
_Y_2D = "BaseSearchCV does not pass on the fits' DataConversionWarning"


def _expected_failed_checks(search):
    if isinstance(search.estimator, LogisticRegression):
        return {}
    return {"check_supervised_y_2d": _Y_2D}


_CHECKED = [
    EvolutionarySearchCV(
        Ridge(),
        {"alpha": Real(1e-3, 1e3, log=True)},
        population_size=2,
        n_generations=1,
        cv=2,
        random_state=0,
    ),
    EvolutionarySearchCV(
        LogisticRegression(),
        {"C": Real(1e-2, 1e2, log=True)},
        population_size=2,
        n_generations=1,
        cv=2,
        random_state=0,
    ),
    EvolutionarySearchCV(
        make_pipeline(StandardScaler(), Ridge()),
        {
            "ridge__alpha": Real(1e-3, 1e3, log=True),
            "ridge__fit_intercept": [True, False],
        },
        population_size=2,
        n_generations=1,
        cv=2,
        random_state=0,
    ),
]


# About 130 checks of a second or less each: slow as a whole.
@pytest.mark.slow
@parametrize_with_checks(_CHECKED, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    """EvolutionarySearchCV passes scikit-learn's estimator checks."""
    check(estimator)


def test_integer_and_categorical_space_finds_the_best_region():
    """On a mixed space the best candidate beats the initial design's best."""
    space = {"C": Real(1e-3, 1e3, log=True), "degree": Integer(1, 4)}
    search = small_search(
        SVC(kernel="poly"), space, population_size=6, n_generations=4
    ).fit(X, y)
    history = search.history_["best_score"]
    assert history.max() >= history[0]
    assert search.best_score_ > 0.95


def test_checkpoint_resumes_to_the_uninterrupted_search(tmp_path):
    """More generations from a checkpoint give the same search as one long run."""
    path = tmp_path / "search.json"
    full = small_search().fit(X, y)
    small_search(n_generations=2, checkpoint=path).fit(X, y)
    resumed = small_search(checkpoint=path).fit(X, y)
    assert resumed.cv_results_["params"] == full.cv_results_["params"]
    np.testing.assert_allclose(
        resumed.cv_results_["mean_test_score"], full.cv_results_["mean_test_score"]
    )
    np.testing.assert_allclose(
        resumed.history_["diversity"], full.history_["diversity"]
    )


def test_initial_results_seed_the_first_generation():
    """Earlier results are listed first and bred from, not fitted again."""
    earlier = small_search(n_generations=2).fit(X, y)
    search = small_search(n_generations=1, initial_results=earlier.cv_results_)
    search.fit(X, y)
    generations = search.cv_results_["generation"].tolist()
    assert generations == [-1] * 10 + [0] * 5
    assert search.history_["generation"].tolist() == [0]
    assert search.best_score_ >= earlier.best_score_
