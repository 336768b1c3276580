"""Tests of BayesianSearchCV as a drop-in for RandomizedSearchCV."""

import copy
import pickle
import warnings

import numpy as np
import pytest
import sklearn
from joblib import parallel_backend
from scipy.stats import loguniform
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import (
    GroupKFold,
    RandomizedSearchCV,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skhp import BayesianSearchCV
from skhp._compat import HAS_CALLBACKS, ProgressBar, parametrize_with_checks
from skhp.space import Integer, LayerSizes, Real

X_CLF, Y_CLF = make_classification(
    n_samples=90, n_features=5, n_informative=3, random_state=0
)
X_REG, Y_REG = make_regression(n_samples=60, n_features=4, noise=5.0, random_state=0)
LOGREG_SPACE = {"C": Real(1e-3, 1e2, log=True), "fit_intercept": [True, False]}


def small_search(**kwargs):
    params = {
        "n_iter": 6,
        "n_initial_points": 3,
        "cv": 3,
        "random_state": 0,
    }
    params.update(kwargs)
    estimator = params.pop("estimator", LogisticRegression())
    space = params.pop("space", LOGREG_SPACE)
    return BayesianSearchCV(estimator, space, **params)


class FailingClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression that raises for ``mode="fail"``.

    With ``mode="fail_some"`` it raises only when the training data hold the
    first sample of X_CLF, i.e. on some folds only.
    """

    def __init__(self, mode="ok", C=1.0):
        self.mode = mode
        self.C = C

    def fit(self, X, y):
        if self.mode == "fail":
            raise ValueError("this candidate always fails")
        if self.mode == "fail_some" and np.any(np.all(X == X_CLF[0], axis=1)):
            raise ValueError("this candidate fails on some folds")
        self.model_ = LogisticRegression(C=self.C).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)


def test_cv_results_keys_are_randomized_search_cv_keys_plus_extras():
    """cv_results_ has RandomizedSearchCV's keys plus round and proposal_time."""
    kwargs = {"cv": 3, "return_train_score": True, "scoring": ["accuracy", "f1"]}
    kwargs["refit"] = "f1"
    search = small_search(**kwargs).fit(X_CLF, Y_CLF)
    reference = RandomizedSearchCV(
        LogisticRegression(),
        {"C": loguniform(1e-3, 1e2)},
        n_iter=3,
        random_state=0,
        **kwargs,
    ).fit(X_CLF, Y_CLF)
    extra = {"param_fit_intercept"}
    assert set(search.cv_results_) == set(reference.cv_results_) | extra | {
        "round",
        "proposal_time",
    }
    assert len(search.cv_results_["params"]) == 6
    assert search.cv_results_["round"].tolist() == [0, 0, 0, 1, 2, 3]
    assert np.all(search.cv_results_["proposal_time"] >= 0)


def test_best_attributes_and_delegation():
    """best_* attributes, predict, score and classes_ behave as in sklearn."""
    search = small_search().fit(X_CLF, Y_CLF)
    results = search.cv_results_
    assert search.best_score_ == np.nanmax(results["mean_test_score"])
    assert search.best_params_ == results["params"][search.best_index_]
    assert search.best_estimator_.get_params()["C"] == search.best_params_["C"]
    assert np.array_equal(search.classes_, np.unique(Y_CLF))
    assert np.array_equal(search.predict(X_CLF), search.best_estimator_.predict(X_CLF))
    assert np.allclose(
        search.predict_proba(X_CLF), search.best_estimator_.predict_proba(X_CLF)
    )
    assert search.score(X_CLF, Y_CLF) == search.best_estimator_.score(X_CLF, Y_CLF)
    assert search.n_rounds_ == 4


class _Spy(BayesianSearchCV):
    """BayesianSearchCV that keeps its optimizer, to see what it was told."""

    def _make_optimizer(self, space, random_state):
        self.optimizer_ = super()._make_optimizer(space, random_state)
        return self.optimizer_


@pytest.mark.parametrize("refit", ["neg_mse", "r2"])
def test_multimetric_optimizes_the_refit_metric(refit):
    """With several metrics, the optimizer is told the refit metric's means."""
    search = _Spy(
        Ridge(),
        {"alpha": Real(1e-3, 1e3, log=True)},
        scoring={"r2": "r2", "neg_mse": "neg_mean_squared_error"},
        refit=refit,
        n_iter=6,
        n_initial_points=3,
        cv=3,
        random_state=0,
    ).fit(X_REG, Y_REG)
    told = search.optimizer_.scores_history
    assert np.allclose(told, search.cv_results_[f"mean_test_{refit}"])
    assert search.best_index_ == np.argmax(search.cv_results_[f"mean_test_{refit}"])


def test_refit_callable_picks_the_index():
    """A callable refit chooses best_index_, as in RandomizedSearchCV."""

    def worst(cv_results):
        return int(np.argmin(cv_results["mean_test_score"]))

    search = small_search(refit=worst).fit(X_CLF, Y_CLF)
    assert search.best_index_ == worst(search.cv_results_)
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    assert not hasattr(search, "best_score_")


def test_groups_reach_the_splitter():
    """groups go to GroupKFold; split scores match cross_val_score's."""
    groups = np.arange(len(Y_CLF)) % 5
    search = small_search(cv=GroupKFold(3)).fit(X_CLF, Y_CLF, groups=groups)
    for i in (0, 4):
        params = search.cv_results_["params"][i]
        expected = cross_val_score(
            LogisticRegression(**params), X_CLF, Y_CLF, groups=groups, cv=GroupKFold(3)
        )
        got = [search.cv_results_[f"split{k}_test_score"][i] for k in range(3)]
        assert np.allclose(got, expected)


class WeightedLogisticRegression(LogisticRegression):
    """Refuses to fit without sample_weight, to prove the routing works."""

    def fit(self, X, y, sample_weight=None):
        if sample_weight is None:
            raise ValueError("sample_weight was not routed")
        return super().fit(X, y, sample_weight=sample_weight)


def test_metadata_routing_of_sample_weight():
    """sample_weight is routed to fit and to the scorer when requested."""
    weights = np.linspace(0.5, 2.0, len(Y_CLF))
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = WeightedLogisticRegression().set_fit_request(sample_weight=True)
        scorer = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        search = small_search(
            estimator=estimator, scoring=scorer, error_score="raise"
        ).fit(X_CLF, Y_CLF, sample_weight=weights)
        params = search.cv_results_["params"][0]
    train, test = next(StratifiedKFold(3).split(X_CLF, Y_CLF))
    model = LogisticRegression(**params).fit(
        X_CLF[train], Y_CLF[train], sample_weight=weights[train]
    )
    expected = accuracy_score(
        Y_CLF[test], model.predict(X_CLF[test]), sample_weight=weights[test]
    )
    assert np.isclose(search.cv_results_["split0_test_score"][0], expected)


def test_conditional_space_is_searched_as_one():
    """A list of dicts yields candidates of every sub-space, nested names kept."""
    space = [
        {"scale": [StandardScaler()], "clf__C": Real(1e-2, 1e2, log=True)},
        {
            "scale": [MinMaxScaler(), "passthrough"],
            "clf__C": Real(1e-2, 1e2, log=True),
            "clf__fit_intercept": [True, False],
        },
    ]
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    search = small_search(estimator=pipe, space=space, n_iter=10, n_initial_points=4)
    search.fit(X_CLF, Y_CLF)
    params = search.cv_results_["params"]
    assert {len(p) for p in params} == {2, 3}
    assert all(set(p) <= {"scale", "clf__C", "clf__fit_intercept"} for p in params)
    best = search.best_estimator_
    assert best.named_steps["clf"].C == search.best_params_["clf__C"]
    # Estimator choices are cloned per candidate: none of them was fitted.
    assert not hasattr(space[0]["scale"][0], "mean_")


def test_layer_sizes_dimension_is_searched():
    """A structured dimension works through the space's encoding only."""
    search = BayesianSearchCV(
        _LayerScorer(),
        {"hidden_layer_sizes": LayerSizes(n_layers=(1, 3), units=(4, 64))},
        n_iter=10,
        n_initial_points=4,
        cv=2,
        random_state=0,
    ).fit(X_REG, Y_REG)
    sizes = search.cv_results_["params"]
    assert len({p["hidden_layer_sizes"] for p in sizes}) == 10
    assert all(isinstance(p["hidden_layer_sizes"], tuple) for p in sizes)


class _LayerScorer(RegressorMixin, BaseEstimator):
    """Scores an architecture by how close it is to (32, 32), ignoring the data."""

    def __init__(self, hidden_layer_sizes=(8,)):
        self.hidden_layer_sizes = hidden_layer_sizes

    def fit(self, X, y):
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y, sample_weight=None):
        sizes = np.array(self.hidden_layer_sizes, dtype=float)
        return -abs(len(sizes) - 2) - np.abs(np.log2(sizes / 32)).sum()


def test_failed_rounds_do_not_end_the_search():
    """Rounds whose only candidate fails on every fold are listed; search goes on."""
    space = {"mode": ["ok", "fail"], "C": Real(1e-2, 1e2, log=True)}
    search = small_search(
        estimator=FailingClassifier(), space=space, n_iter=12, n_initial_points=2
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        # scikit-learn also warns that some mean scores are NaN.
        warnings.simplefilter("ignore", UserWarning)
        search.fit(X_CLF, Y_CLF)
    results = search.cv_results_
    failed = np.array([p["mode"] == "fail" for p in results["params"]])
    assert len(results["params"]) == 12
    assert failed.any() and (~failed).any()
    assert np.all(np.isnan(results["mean_test_score"][failed]))
    assert search.best_params_["mode"] == "ok"
    # Some failing candidate was the only one of its round.
    rounds = results["round"]
    assert any(np.sum(rounds == rounds[i]) == 1 for i in np.flatnonzero(failed))


def test_every_candidate_failing_is_a_clear_error():
    """When every fit of every candidate fails the search ends with an error."""
    search = small_search(
        estimator=FailingClassifier(), space={"mode": ["fail"], "C": Real(0.1, 1.0)}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        # scikit-learn also warns that some mean scores are NaN.
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(ValueError, match="Every candidate failed on every fold"):
            search.fit(X_CLF, Y_CLF)


def test_error_score_raise_raises_the_fit_error():
    """error_score='raise' raises the estimator's own error."""
    search = small_search(
        estimator=FailingClassifier(),
        space={"mode": ["fail", "ok"], "C": Real(0.1, 1.0)},
        error_score="raise",
    )
    with pytest.raises(ValueError, match="this candidate always fails"):
        search.fit(X_CLF, Y_CLF)


def test_partially_failing_candidate_ranks_last():
    """A NaN mean (some folds failed) ranks last and is never the best."""
    space = {"mode": ["ok", "fail_some"], "C": Real(1e-2, 1e2, log=True)}
    search = small_search(
        estimator=FailingClassifier(), space=space, n_iter=8, n_initial_points=4
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        # scikit-learn also warns that some mean scores are NaN.
        warnings.simplefilter("ignore", UserWarning)
        search.fit(X_CLF, Y_CLF)
    results = search.cv_results_
    partial = np.array([p["mode"] == "fail_some" for p in results["params"]])
    assert partial.any()
    split0 = results["split0_test_score"][partial]
    assert np.all(np.isfinite(split0))  # sample 0 is in fold 0's test set
    assert np.all(np.isnan(results["mean_test_score"][partial]))
    ranks = results["rank_test_score"]
    assert ranks[partial].min() > ranks[~partial].max()
    assert search.best_params_["mode"] == "ok"


def test_pickled_search_predicts_the_same():
    """A fitted search survives pickling and predicts the same."""
    search = small_search().fit(X_CLF, Y_CLF)
    loaded = pickle.loads(pickle.dumps(search))
    assert np.array_equal(loaded.predict(X_CLF), search.predict(X_CLF))
    assert loaded.best_params_ == search.best_params_


def test_fit_mutates_neither_estimator_nor_space():
    """fit leaves the estimator and the space it was given untouched."""
    estimator = LogisticRegression(C=3.0)
    space = {"C": Real(1e-3, 1e2, log=True), "class_weight": [None, "balanced"]}
    before_space = copy.deepcopy(space)
    before_params = estimator.get_params()
    search = small_search(estimator=estimator, space=space).fit(X_CLF, Y_CLF)
    assert estimator.get_params() == before_params
    assert not hasattr(estimator, "coef_")
    assert space == before_space
    assert search.param_distributions is space


def _results(**kwargs):
    search = small_search(n_iter=7, batch_size=2, **kwargs).fit(X_CLF, Y_CLF)
    return search.cv_results_["params"], search.cv_results_["mean_test_score"]


def test_same_seed_same_results_whatever_n_jobs():
    """Candidates and scores depend on random_state only, not on n_jobs."""
    params, scores = _results(n_jobs=1)
    with parallel_backend("threading"):
        other_params, other_scores = _results(n_jobs=2)
    assert other_params == params
    assert np.array_equal(other_scores, scores)
    other_params, _ = _results(n_jobs=1, random_state=1)
    assert other_params != params


@pytest.mark.slow
def test_same_results_with_process_workers():
    """Worker processes (loky) give the same candidates and scores."""
    params, scores = _results(n_jobs=1)
    with parallel_backend("loky"):
        other_params, other_scores = _results(n_jobs=2)
    assert other_params == params
    assert np.array_equal(other_scores, scores)


def test_batches_follow_batch_size():
    """After the design, rounds hold batch_size candidates, all distinct."""
    search = small_search(n_iter=9, n_initial_points=3, batch_size=3)
    search.fit(X_CLF, Y_CLF)
    assert search.cv_results_["round"].tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    keys = [(p["C"], p["fit_intercept"]) for p in search.cv_results_["params"]]
    assert len(set(keys)) == 9


def test_n_initial_points_above_n_iter_is_clipped():
    """n_initial_points > n_iter makes the whole search one design round."""
    search = small_search(n_iter=4, n_initial_points=10).fit(X_CLF, Y_CLF)
    assert search.cv_results_["round"].tolist() == [0, 0, 0, 0]
    assert search.n_rounds_ == 1


def test_exhausted_small_space_warns_and_stops():
    """A categorical space smaller than n_iter is searched once, with a warning."""
    search = small_search(
        space={"C": [0.1, 1.0, 10.0], "fit_intercept": [True, False]}, n_iter=10
    )
    with pytest.warns(UserWarning, match="only 6 distinct candidates"):
        search.fit(X_CLF, Y_CLF)
    assert len(search.cv_results_["params"]) == 6
    assert search.stop_reason_ == "exhausted"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_iter": 0}, "'n_iter' parameter of BayesianSearchCV must be"),
        ({"n_initial_points": -1}, "'n_initial_points' parameter"),
        ({"acquisition": "lcb"}, "'acquisition' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
        ({"kappa": -1.0}, "'kappa' parameter"),
    ],
)
def test_invalid_parameters_are_rejected_at_fit(kwargs, match):
    """Bad parameters raise at fit with a message naming them."""
    search = small_search(**kwargs)
    with pytest.raises(ValueError, match=match):
        search.fit(X_CLF, Y_CLF)


@pytest.mark.skipif(not HAS_CALLBACKS, reason="needs scikit-learn's callbacks (1.9)")
def test_progress_bar_callback_runs():
    """set_callbacks(ProgressBar()) works as on GridSearchCV."""
    pytest.importorskip("rich")  # scikit-learn's ProgressBar draws with rich
    search = small_search().set_callbacks(ProgressBar())
    search.fit(X_CLF, Y_CLF)
    assert len(search.cv_results_["params"]) == 6


class _TaskRecorder:
    """A scikit-learn fit callback that records the tasks it is told of."""

    def __init__(self):
        self.events = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        self.events.append(("begin", context.task_name))

    def on_fit_task_end(self, estimator, context, **kwargs):
        self.events.append(("end", context.task_name))


@pytest.mark.skipif(not HAS_CALLBACKS, reason="needs scikit-learn's callbacks (1.9)")
def test_callbacks_see_every_round_and_fit():
    """A fit callback sees the search, each round and each candidate's fold fits."""
    recorder = _TaskRecorder()
    search = small_search(n_iter=6, n_initial_points=3, batch_size=1)
    search.set_callbacks(recorder).fit(X_CLF, Y_CLF)
    events = recorder.events
    n_rounds = search.n_rounds_
    assert n_rounds == 4  # the initial design, then one candidate per round
    assert events.count(("begin", "search")) == events.count(("end", "search")) == 1
    assert events.count(("begin", "round")) == events.count(("end", "round"))
    assert events.count(("begin", "round")) == n_rounds
    fits = ("begin", "candidate-split-evaluation")
    assert events.count(fits) == 6 * 3


# RandomizedSearchCV fails this check too: the DataConversionWarning is raised
# inside the cross-validation fits and BaseSearchCV does not pass it on.
_Y_2D = "BaseSearchCV does not pass on the fits' DataConversionWarning"


def _expected_failures(search):
    failures = {"check_supervised_y_2d": _Y_2D}
    if isinstance(search.estimator, DecisionTreeClassifier):
        # Trees fit data with missing values, but BaseSearchCV does not forward
        # the allow_nan tag, so the check expects an error; RandomizedSearchCV
        # wrapping the same tree fails it too.
        failures["check_estimators_nan_inf"] = (
            "the tree accepts NaN, but BaseSearchCV does not declare allow_nan"
        )
    return failures


# About 150 checks of a fraction of a second each: slow as a whole.
@pytest.mark.slow
@parametrize_with_checks(
    [
        BayesianSearchCV(
            Ridge(),
            {"alpha": Real(0.1, 10.0, log=True)},
            n_iter=3,
            n_initial_points=2,
            cv=2,
            random_state=0,
        ),
        BayesianSearchCV(
            DecisionTreeClassifier(random_state=0),
            {"max_depth": Integer(1, 4)},
            n_iter=3,
            n_initial_points=2,
            cv=2,
            random_state=0,
        ),
        BayesianSearchCV(
            Pipeline([("scale", StandardScaler()), ("ridge", Ridge())]),
            {"ridge__alpha": Real(0.1, 10.0, log=True)},
            n_iter=3,
            n_initial_points=2,
            cv=2,
            random_state=0,
        ),
    ],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_compatible(estimator, check):
    """BayesianSearchCV passes scikit-learn's estimator checks."""
    check(estimator)


def test_clone_and_params_round_trip():
    """get_params/set_params/clone see every constructor argument."""
    search = small_search(batch_size=2, acquisition="ucb", kappa=3.0)
    params, cloned = search.get_params(deep=False), clone(search).get_params(deep=False)
    assert type(cloned.pop("estimator")) is type(params.pop("estimator"))
    assert cloned == params
    assert params["batch_size"] == 2 and params["kappa"] == 3.0


class InterruptedLogisticRegression(LogisticRegression):
    """LogisticRegression that raises KeyboardInterrupt at a given fit."""

    n_fits = 0
    interrupt_at = None

    def fit(self, X, y, sample_weight=None):
        type(self).n_fits += 1
        if type(self).n_fits == type(self).interrupt_at:
            raise KeyboardInterrupt
        return super().fit(X, y, sample_weight)


def test_interrupted_search_resumes_to_the_uninterrupted_one(tmp_path):
    """A search stopped by Ctrl-C resumes from its checkpoint without refitting."""
    path = tmp_path / "search.json"
    make = InterruptedLogisticRegression
    reference = small_search(estimator=make(), n_iter=8, batch_size=2).fit(X_CLF, Y_CLF)

    # Round 0 is 3 candidates and round 1 is 2, on 3 folds: fit 20 is in round 2.
    make.n_fits, make.interrupt_at = 0, 20
    search = small_search(estimator=make(), n_iter=8, batch_size=2, checkpoint=path)
    with pytest.raises(KeyboardInterrupt):
        search.fit(X_CLF, Y_CLF)
    make.n_fits, make.interrupt_at = 0, None
    search.fit(X_CLF, Y_CLF)

    assert make.n_fits == (8 - 5) * 3 + 1  # the last rounds, then the refit
    assert search.cv_results_["params"] == reference.cv_results_["params"]
    np.testing.assert_array_equal(
        search.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"]
    )
    assert search.best_params_ == reference.best_params_


def test_initial_results_from_a_randomized_search():
    """A RandomizedSearchCV's candidates seed the model and are not refitted."""
    make = InterruptedLogisticRegression
    earlier = RandomizedSearchCV(
        LogisticRegression(),
        {"C": loguniform(1e-3, 1e2), "fit_intercept": [True, False]},
        n_iter=4,
        cv=3,
        random_state=0,
    ).fit(X_CLF, Y_CLF)
    make.n_fits = 0
    search = small_search(estimator=make(), initial_results=earlier.cv_results_)
    search.fit(X_CLF, Y_CLF)
    assert make.n_fits == 6 * 3 + 1
    assert search.cv_results_["round"].tolist()[:4] == [-1] * 4
    assert search.cv_results_["params"][:4] == earlier.cv_results_["params"]
