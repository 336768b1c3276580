"""Tests of the search shell shared by the skhp searches.

A test-only search replays a fixed list of candidates, so the shell is checked
apart from any strategy.
"""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_iris
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import GridSearchCV, KFold, ParameterGrid
from sklearn.svm import SVC

from skhp.model_selection._search import BaseOptimizerSearchCV
from skhp.optimize import BaseOptimizer

X, y = load_iris(return_X_y=True)


class _ListOptimizer(BaseOptimizer):
    def __init__(self, space, candidates, random_state=None):
        super().__init__(space, random_state=random_state)
        self.candidates = list(candidates)

    def _propose(self, n):
        return self._new_unique(self.candidates, n)


class ListSearchCV(BaseOptimizerSearchCV):
    """Evaluates a fixed list of candidates, ``batch`` at a time."""

    _parameter_constraints = {
        **BaseOptimizerSearchCV._parameter_constraints,
        "candidates": [list],
        "batch": [int],
        "budget": [int, None],
    }

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        candidates=None,
        batch=2,
        budget=None,
        cv=None,
        error_score=np.nan,
        refit=True,
        scoring=None,
        verbose=0,
        random_state=None,
        max_time=None,
        callbacks=None,
        checkpoint=None,
        initial_results=None,
    ):
        super().__init__(
            estimator,
            param_distributions,
            cv=cv,
            error_score=error_score,
            refit=refit,
            scoring=scoring,
            verbose=verbose,
            random_state=random_state,
            max_time=max_time,
            callbacks=callbacks,
            checkpoint=checkpoint,
            initial_results=initial_results,
        )
        self.candidates = candidates
        self.batch = batch
        self.budget = budget

    def _make_optimizer(self, space, random_state):
        return _ListOptimizer(space, self.candidates, random_state=random_state)

    def _budget(self):
        return len(self.candidates) if self.budget is None else self.budget

    def _batch_size(self, round_index):
        return self.batch


class FlakyClassifier(ClassifierMixin, BaseEstimator):
    """Fails to fit when ``fail`` is True; counts its fits on the class."""

    n_fits = 0

    def __init__(self, fail=False, strategy="prior"):
        self.fail = fail
        self.strategy = strategy

    def fit(self, X, y):
        type(self).n_fits += 1
        if self.fail:
            raise RuntimeError("this candidate always fails")
        self.model_ = DummyClassifier(strategy=self.strategy).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)


def test_fixed_candidates_match_grid_search():
    """Fed GridSearchCV's candidates, the shell gives its cv_results_ exactly."""
    grid = {"C": [0.1, 1.0, 10.0], "kernel": ["linear", "rbf"]}
    candidates = list(ParameterGrid(grid))
    search = ListSearchCV(SVC(), grid, candidates=candidates, batch=4).fit(X, y)
    oracle = GridSearchCV(SVC(), grid).fit(X, y)

    extra = {"round", "proposal_time"}
    assert set(search.cv_results_) == set(oracle.cv_results_) | extra
    for key, expected in oracle.cv_results_.items():
        if "time" in key:
            continue
        if key == "params":
            assert search.cv_results_[key] == expected
        else:
            np.testing.assert_array_equal(search.cv_results_[key], expected)
    assert search.best_params_ == oracle.best_params_
    assert search.best_index_ == oracle.best_index_
    assert search.cv_results_["round"].tolist() == [0, 0, 0, 0, 1, 1]
    assert search.n_rounds_ == 2


def test_multimetric_refit_metric_is_the_objective():
    """With several metrics the shell tells the optimizer the refit metric."""
    told = []

    class Recording(_ListOptimizer):
        def _observe(self, params, scores):
            told.extend(scores)

    class RecordingSearch(ListSearchCV):
        def _make_optimizer(self, space, random_state):
            return Recording(space, self.candidates, random_state=random_state)

    grid = {"C": [0.01, 1.0]}
    search = RecordingSearch(
        SVC(),
        grid,
        candidates=list(ParameterGrid(grid)),
        scoring={"acc": "accuracy", "f1": "f1_macro"},
        refit="f1",
    ).fit(X, y)
    np.testing.assert_allclose(told, search.cv_results_["mean_test_f1"])


def test_splitter_with_changing_folds_is_refused_before_fitting():
    """Folds must be the same for every candidate; a reshuffling cv is an error."""
    FlakyClassifier.n_fits = 0
    search = ListSearchCV(
        FlakyClassifier(),
        {"fail": [False]},
        candidates=[{"fail": False}],
        cv=KFold(3, shuffle=True),
    )
    with pytest.raises(ValueError, match=r"yields different folds.*random_state"):
        search.fit(X, y)
    assert FlakyClassifier.n_fits == 0


def test_folds_are_resolved_once_per_fit():
    """The splitter is called at the start of fit only, not once per round."""
    calls = []

    class CountingKFold(KFold):
        def split(self, X, y=None, groups=None):
            calls.append(1)
            return super().split(X, y, groups)

    candidates = [{"C": c} for c in (0.1, 1.0, 10.0)]
    ListSearchCV(
        SVC(),
        {"C": [0.1, 1.0, 10.0]},
        candidates=candidates,
        batch=1,
        cv=CountingKFold(3),
    ).fit(X, y)
    assert len(calls) == 2  # one split, one check that it repeats


def test_unknown_parameter_is_refused_before_fitting():
    """A bad space fails before any model is fitted."""
    FlakyClassifier.n_fits = 0
    search = ListSearchCV(FlakyClassifier(), {"C": [1.0]}, candidates=[{"C": 1.0}])
    with pytest.raises(ValueError, match=r"'C'.*not a parameter of FlakyClassifier"):
        search.fit(X, y)
    assert FlakyClassifier.n_fits == 0


def test_round_whose_fits_all_fail_does_not_end_the_search():
    """A lone failing candidate is recorded with NaN and the search goes on."""
    candidates = [
        {"fail": False, "strategy": "prior"},
        {"fail": True, "strategy": "prior"},
        {"fail": False, "strategy": "most_frequent"},
    ]
    search = ListSearchCV(
        FlakyClassifier(),
        {"fail": [False, True], "strategy": ["prior", "most_frequent"]},
        candidates=candidates,
        batch=1,
        cv=3,
    )
    with pytest.warns(FitFailedWarning):
        search.fit(X, y)
    results = search.cv_results_
    listed = [(p["fail"], p["strategy"]) for p in results["params"]]
    assert sorted(listed) == sorted((c["fail"], c["strategy"]) for c in candidates)
    failed = listed.index((True, "prior"))
    assert np.isnan(results["mean_test_score"][failed])
    assert results["rank_test_score"][failed] == results["rank_test_score"].max()
    # The failed candidate keeps the round in which it was proposed.
    assert results["round"][failed] == 1
    assert not search.best_params_["fail"]


def test_failed_rounds_are_never_fitted_again():
    """Candidates of rounds whose fits all failed are listed, not refitted."""
    candidates = [
        {"fail": True, "strategy": "prior"},
        {"fail": True, "strategy": "most_frequent"},
        {"fail": False, "strategy": "prior"},
        {"fail": True, "strategy": "uniform"},
    ]
    FlakyClassifier.n_fits = 0
    search = ListSearchCV(
        FlakyClassifier(),
        {"fail": [False, True], "strategy": ["prior", "most_frequent", "uniform"]},
        candidates=candidates,
        batch=1,
        cv=3,
        refit=False,
    )
    with pytest.warns(FitFailedWarning, match=r"Every fit of round 3 failed"):
        search.fit(X, y)

    assert FlakyClassifier.n_fits == 4 * 3
    results = search.cv_results_
    assert results["params"] == candidates  # the last round's failure included
    assert results["round"].tolist() == [0, 1, 2, 3]
    failed = np.array([c["fail"] for c in candidates])
    assert np.isnan(results["mean_test_score"][failed]).all()
    assert np.isfinite(results["mean_test_score"][~failed]).all()
    assert results["rank_test_score"].tolist() == [2, 2, 1, 2]


def test_failed_round_takes_the_form_of_several_metrics():
    """A failed round gets error_score for every metric and the train scores."""
    candidates = [{"fail": True}, {"fail": False}]
    search = ListSearchCV(
        FlakyClassifier(),
        {"fail": [False, True]},
        candidates=candidates,
        batch=1,
        cv=3,
        scoring=["accuracy", "balanced_accuracy"],
        refit="accuracy",
        error_score=-1.0,
    )
    search.return_train_score = True
    with pytest.warns(FitFailedWarning):
        search.fit(X, y)
    results = search.cv_results_
    for name in ("accuracy", "balanced_accuracy"):
        assert results[f"mean_test_{name}"][0] == -1.0
        assert results[f"mean_train_{name}"][0] == -1.0
        assert results[f"mean_test_{name}"][1] > 0
    assert search.best_params_ == {"fail": False}


def test_every_candidate_failing_is_a_clear_error():
    """A search in which every candidate failed ends with an error saying so."""
    search = ListSearchCV(
        FlakyClassifier(), {"fail": [True]}, candidates=[{"fail": True}], cv=3
    )
    with pytest.raises(ValueError, match=r"Every candidate failed on every fold"):
        search.fit(X, y)


def test_error_score_raise_raises_the_estimators_error():
    """error_score='raise' lets the first fit error through."""
    search = ListSearchCV(
        FlakyClassifier(),
        {"fail": [True, False]},
        candidates=[{"fail": True}],
        cv=3,
        error_score="raise",
    )
    with pytest.raises(RuntimeError, match="always fails"):
        search.fit(X, y)


def test_exhausted_space_warns_and_stops():
    """When the strategy runs out of candidates the search ends with a warning."""
    search = ListSearchCV(
        SVC(), {"C": [0.1, 1.0]}, candidates=[{"C": 0.1}, {"C": 1.0}], budget=5
    )
    with pytest.warns(UserWarning, match=r"only 2 distinct candidates.*the 5"):
        search.fit(X, y)
    assert len(search.cv_results_["params"]) == 2


def test_fit_does_not_modify_the_estimator_or_the_space():
    """The estimator and the search space given by the user are left untouched."""
    estimator = SVC()
    space = {"C": [0.1, 1.0]}
    search = ListSearchCV(estimator, space, candidates=[{"C": 0.1}, {"C": 1.0}])
    search.fit(X, y)
    assert space == {"C": [0.1, 1.0]}
    assert estimator.get_params() == SVC().get_params()
    assert not hasattr(estimator, "support_")
    assert not hasattr(search, "_space") and not hasattr(search, "_fixed_cv")


def test_finished_checkpoint_whose_last_round_failed_is_read_back(tmp_path):
    """A finished search whose last round failed on every fold fits again cleanly."""
    path = tmp_path / "search.json"
    candidates = [{"fail": False, "strategy": "prior"}, {"fail": True}]
    search = ListSearchCV(
        FlakyClassifier(),
        [{"fail": [False], "strategy": ["prior"]}, {"fail": [True]}],
        candidates=candidates,
        batch=1,
        cv=3,
        checkpoint=path,
    )
    with pytest.warns(FitFailedWarning):
        search.fit(X, y)
    first = search.cv_results_

    FlakyClassifier.n_fits = 0
    search.fit(X, y)
    assert FlakyClassifier.n_fits == 3 + 1  # the best candidate again, the refit
    assert search.cv_results_["params"] == first["params"] == candidates
    np.testing.assert_array_equal(
        search.cv_results_["mean_test_score"], first["mean_test_score"]
    )


def test_stop_during_the_replay_of_a_checkpoint(tmp_path):
    """A resumed search stopped by a callback at the end of its replay is reported."""

    def interrupt_after_two_rounds(state):
        if state.n_rounds == 2:
            raise KeyboardInterrupt

    path = tmp_path / "search.json"
    candidates = [{"C": c} for c in (0.1, 1.0, 10.0, 100.0)]
    search = ListSearchCV(
        SVC(), {"C": [0.1, 1.0, 10.0, 100.0]}, candidates=candidates, batch=1
    )
    search.set_params(checkpoint=path, callbacks=[interrupt_after_two_rounds])
    with pytest.raises(KeyboardInterrupt):
        search.fit(X, y)

    search.set_params(callbacks=[lambda state: True])
    search.fit(X, y)
    assert search.cv_results_["params"] == candidates[:2]
    assert search.stop_reason_.startswith("callback")
    assert search.best_params_ in candidates[:2]
