"""The search shell shared by BayesianSearchCV and EvolutionarySearchCV.

The searches are thin: ``_run_search`` asks the strategy (an ask/tell optimizer
of :mod:`skhp.optimize`) for a batch, hands it to scikit-learn's
``evaluate_candidates`` and tells the scores back. Cross-validation,
parallelism, ``error_score``, ``cv_results_``, ranking, refit and delegation
are inherited from scikit-learn's ``BaseSearchCV``.
"""

import time
import warnings
from abc import abstractmethod

import numpy as np
from sklearn.base import is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils.validation import indexable

from skhp._compat import (
    RUN_SEARCH_TAKES_CALLBACK_CTX,
    BaseSearchCV,
    _check_method_params,
    _fit_context,
)
from skhp.space import SearchSpace

_SHARED_PARAMETERS = """\
    estimator : estimator object
        An object of that type is instantiated for each candidate. This is
        assumed to implement the scikit-learn estimator interface. It is never
        modified.

    param_distributions : dict, list of dict or SearchSpace
        The search space: parameter names (nested names such as ``svc__C``
        included) mapped to :class:`~skhp.space.Real`,
        :class:`~skhp.space.Integer`, :class:`~skhp.space.Categorical`, plain
        lists (categorical) or frozen ``scipy.stats`` ``uniform``,
        ``loguniform`` or ``randint`` distributions. A list of dicts searches
        disjoint sub-spaces, like a list of grids in
        :class:`~sklearn.model_selection.GridSearchCV`. It is checked against
        the estimator's parameters before any model is fitted, and never
        modified.
"""

_SHARED_EVALUATION_PARAMETERS = """\
    scoring : str, callable, list, tuple or dict, default=None
        Strategy to evaluate the performance of the cross-validated model, as
        in :class:`~sklearn.model_selection.RandomizedSearchCV`. With several
        metrics, the search optimizes the one named by ``refit`` (the first
        one listed when ``refit`` is a callable or False).

    n_jobs : int, default=None
        Number of jobs to run in parallel: the candidates of a round times the
        folds are fitted together. ``None`` means 1 unless in a
        :obj:`joblib.parallel_backend` context; ``-1`` means all processors.
        Results do not depend on it.

    refit : bool, str, or callable, default=True
        Refit an estimator with the best found parameters on the whole dataset,
        as in :class:`~sklearn.model_selection.RandomizedSearchCV`.

    cv : int, cross-validation generator or an iterable, default=None
        The cross-validation splitting strategy, as in
        :class:`~sklearn.model_selection.RandomizedSearchCV`. The folds are
        resolved once per fit and every candidate is evaluated on the same
        folds; a splitter whose folds change between calls (such as
        ``KFold(shuffle=True)`` without a ``random_state``) is an error.

    verbose : int, default=0
        Controls the verbosity: the higher, the more messages.

    pre_dispatch : int or str, default="2*n_jobs"
        Controls the number of jobs dispatched during parallel execution, as in
        :class:`~sklearn.model_selection.RandomizedSearchCV`.

    random_state : int, RandomState instance or None, default=None
        Seed of every random choice of the search (the candidates proposed).
        Resolved once per fit; the same seed gives the same candidates and
        results whatever ``n_jobs`` or the joblib backend.

    error_score : 'raise' or numeric, default=np.nan
        Value to assign to the score if an error occurs in estimator fitting.
        A candidate whose fits fail gets a NaN mean score, ranks last and is
        never proposed again; the search goes on. With ``"raise"`` the error is
        raised.

    return_train_score : bool, default=False
        Whether ``cv_results_`` includes training scores.
"""


def fill_shared_doc(cls):
    """Insert the parameter descriptions shared by the searches in a docstring."""
    cls.__doc__ = cls.__doc__.format(
        shared_parameters=_SHARED_PARAMETERS,
        shared_evaluation_parameters=_SHARED_EVALUATION_PARAMETERS,
    )
    return cls


class _FixedFolds:
    """A splitter that replays folds resolved once, at the start of fit."""

    def __init__(self, folds):
        self.folds = folds

    def split(self, X=None, y=None, groups=None):
        yield from self.folds

    def get_n_splits(self, X=None, y=None, groups=None):
        return len(self.folds)


def _all_fits_failed(exc):
    # scikit-learn raises this ValueError from evaluate_candidates when every fit
    # of one call failed; a search must survive a round of broken candidates.
    return "fits failed" in str(exc) and str(exc).lstrip().startswith("All the")


class BaseOptimizerSearchCV(BaseSearchCV):
    """Base class of the searches driven by an ask/tell optimizer.

    Subclasses implement ``_make_optimizer(space, random_state)``,
    ``_budget()`` (number of candidates) and ``_batch_size(round_index)``; they
    may check their own parameters against the space in ``_check_search``.
    """

    _parameter_constraints: dict = {
        **BaseSearchCV._parameter_constraints,
        "param_distributions": [dict, list, SearchSpace],
        "random_state": ["random_state"],
    }

    #: Name of the cv_results_ column holding the round of each candidate.
    _round_column = "round"

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        random_state=None,
        error_score=np.nan,
        return_train_score=False,
    ):
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )
        self.param_distributions = param_distributions
        self.random_state = random_state

    @abstractmethod
    def _make_optimizer(self, space, random_state):
        """The ask/tell optimizer that proposes the candidates."""

    @abstractmethod
    def _budget(self):
        """Total number of candidates to evaluate."""

    @abstractmethod
    def _batch_size(self, round_index):
        """Number of candidates evaluated together in round ``round_index``."""

    def _check_search(self, space):
        """Checks of the search's own parameters against the space."""

    @_fit_context(
        # The estimator is validated by its own fit.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y=None, **params):
        """Run the search: fit and score candidates proposed round by round.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), \
                default=None
            Target; None for unsupervised learning.
        **params : dict of str -> object
            Parameters passed to the estimator's ``fit``, the scorer and the
            cross-validation splitter (``groups``), as in
            :class:`~sklearn.model_selection.RandomizedSearchCV`.

        Returns
        -------
        self : object
            The fitted search.
        """
        # Everything that can be wrong is checked before the first model is fitted.
        space = SearchSpace(self.param_distributions)
        space.check_estimator(self.estimator)
        self._check_search(space)
        X, y = indexable(X, y)
        folds = self._resolve_folds(X, y, _check_method_params(X, params=params))

        self._space = space
        self._fixed_cv = _FixedFolds(folds)
        try:
            return super().fit(X, y, **params)
        finally:
            del self._space, self._fixed_cv

    def _resolve_folds(self, X, y, params):
        """Split once, and check that the splitter gives the same folds again."""
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        split_params = self._get_routed_params_for_fit(params).splitter.split
        folds = list(cv.split(X, y, **split_params))
        again = cv.split(X, y, **split_params)
        for (train, test), (train2, test2) in zip(folds, again, strict=True):
            if not (np.array_equal(train, train2) and np.array_equal(test, test2)):
                raise ValueError(
                    f"cv={self.cv!r} yields different folds each time it splits, but "
                    "every candidate must be evaluated on the same folds. Fix its "
                    "random_state (e.g. KFold(shuffle=True, random_state=0)) or "
                    "pass the folds as a list of (train, test) pairs."
                )
        return folds

    def _objective_key(self, results):
        """The ``cv_results_`` column the optimizer maximizes."""
        if "mean_test_score" in results:
            return "mean_test_score"
        if isinstance(self.refit, str):
            return f"mean_test_{self.refit}"
        return next(k for k in results if k.startswith("mean_test_"))

    def _run_search(self, evaluate_candidates, callback_ctx=None):
        """Ask the optimizer for rounds of candidates until the budget is spent."""
        optimizer = self._make_optimizer(
            self._space, check_random_state(self.random_state)
        )
        search_ctx = None
        if RUN_SEARCH_TAKES_CALLBACK_CTX and callback_ctx is not None:
            search_ctx = callback_ctx.subcontext(
                task_name="search", max_subtasks=None
            ).call_on_fit_task_begin(estimator=self)

        budget, n_evaluated, round_index = self._budget(), 0, 0
        retry, last_error, n_recorded = [], None, 0
        while n_evaluated < budget:
            wanted = min(self._batch_size(round_index), budget - n_evaluated)
            start = time.perf_counter()
            batch = optimizer.ask(wanted)
            elapsed = time.perf_counter() - start
            if len(batch) < wanted:
                warnings.warn(
                    f"The search space has only {n_evaluated + len(batch)} distinct "
                    f"candidates, fewer than the {budget} the search was asked for; "
                    "the search ends after evaluating all of them.",
                    UserWarning,
                    stacklevel=4,
                )
                budget = n_evaluated + len(batch)
            if not batch:
                break
            rows = retry + [
                (params, round_index, elapsed / len(batch)) for params in batch
            ]
            try:
                results = self._evaluate(evaluate_candidates, rows, search_ctx)
            except ValueError as exc:
                if self.error_score == "raise" or not _all_fits_failed(exc):
                    raise
                # Every fit of the round failed. The optimizer learns it, and the
                # candidates go again with the next round so that they are listed
                # in cv_results_ (scikit-learn drops a round whose fits all fail).
                optimizer.tell(batch, [np.nan] * len(batch))
                retry, last_error = rows, exc
            else:
                scores = np.asarray(results[self._objective_key(results)], float)
                optimizer.tell(batch, scores[-len(batch) :])
                retry, n_recorded = [], len(scores)
            n_evaluated += len(batch)
            round_index += 1
            self._after_round(optimizer, round_index)

        if search_ctx is not None:
            search_ctx.call_on_fit_task_end(estimator=self)
        self.n_rounds_ = round_index
        self._report_failures(retry, n_recorded, last_error)

    def _evaluate(self, evaluate_candidates, rows, search_ctx):
        more_results = {
            self._round_column: [r for _, r, _ in rows],
            "proposal_time": [t for _, _, t in rows],
        }
        params = [p for p, _, _ in rows]
        if search_ctx is None:
            return evaluate_candidates(
                params, cv=self._fixed_cv, more_results=more_results
            )
        round_ctx = search_ctx.subcontext(
            task_name="round",
            max_subtasks=len(params) * len(self._fixed_cv.folds),
            sequential_subtasks=False,
        ).call_on_fit_task_begin(estimator=self)
        results = evaluate_candidates(
            params, cv=self._fixed_cv, more_results=more_results, callback_ctx=round_ctx
        )
        round_ctx.call_on_fit_task_end(estimator=self)
        return results

    def _after_round(self, optimizer, n_rounds):
        """Hook called after each round (history, progress)."""

    def _report_failures(self, retry, n_recorded, last_error):
        if not retry:
            return
        if n_recorded == 0:
            raise ValueError(
                f"Every candidate failed on every fold ({len(retry)} candidates); "
                "the estimator is probably misconfigured. Set error_score='raise' "
                "to see the first error."
            ) from last_error
        warnings.warn(
            f"The {len(retry)} candidates of the last round failed on every fold "
            "and are not listed in cv_results_: "
            f"{[params for params, _, _ in retry]}.",
            FitFailedWarning,
            stacklevel=4,
        )
