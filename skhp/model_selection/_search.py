"""The search shell shared by BayesianSearchCV and EvolutionarySearchCV.

The searches are thin: ``_run_search`` asks the strategy (an ask/tell optimizer
of :mod:`skhp.optimize`) for a batch, hands it to scikit-learn's
``evaluate_candidates`` and tells the scores back. Cross-validation,
parallelism, ``error_score``, ``cv_results_``, ranking, refit and delegation
are inherited from scikit-learn's ``BaseSearchCV``.
"""

import os
import sys
import time
import warnings
from abc import abstractmethod
from numbers import Real

import numpy as np
from sklearn.base import is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils.validation import indexable

from skhp._compat import (
    RUN_SEARCH_TAKES_CALLBACK_CTX,
    BaseSearchCV,
    Interval,
    _check_method_params,
    _fit_context,
)
from skhp.callbacks import SearchState
from skhp.callbacks._stoppers import check_callbacks, stop_reason
from skhp.model_selection import _checkpoint
from skhp.space import SearchSpace

#: Lowest ``verbose`` level that prints one line per round.
VERBOSE_ROUND = 1
#: Lowest ``verbose`` level handed over to scikit-learn's per-fit messages.
VERBOSE_FITS = 2

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
        Controls the verbosity. 0 prints nothing; 1 prints one line per round
        (its number, the candidates evaluated so far, the best score and the
        time elapsed); 2 adds scikit-learn's messages (the fits of each round,
        then one line per fit) and 3 each fit's scores, as in
        :class:`~sklearn.model_selection.RandomizedSearchCV`.

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

    max_time : float, default=None
        Wall-clock budget in seconds: no new round starts once it has passed,
        and the search ends normally with what it has (``stop_reason_`` says
        so). None means no limit.

    callbacks : list of callable, default=None
        Called in order after every round with a
        :class:`~skhp.callbacks.SearchState`; the first that returns True ends
        the search. See :mod:`skhp.callbacks` for ready-made stoppers.

    checkpoint : str or path-like, default=None
        A JSON file the search writes atomically after every round. Fitting
        again with the same path, data and settings resumes: nothing evaluated
        is fitted again and the result is the same as an uninterrupted run. A
        search that had finished fits its best candidate again (keeping the
        recorded scores), since scikit-learn reports only a search that
        fitted something. A checkpoint of another search, estimator, space or
        data is refused.

    initial_results : dict, default=None
        The ``cv_results_`` of an earlier search (GridSearchCV,
        RandomizedSearchCV or skhp's) on the same folds and scoring. Its
        candidates count as evaluated, are not fitted again, and are listed
        first in ``cv_results_`` with round ``-1``.
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


def _user_stacklevel():
    """The ``stacklevel`` of a warning that points at the caller of ``fit``.

    The call goes through skhp's and scikit-learn's frames (decorators
    included), whose number varies between scikit-learn releases.
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] in (
        "skhp",
        "sklearn",
    ):
        frame, level = frame.f_back, level + 1
    return level


# Recorded candidates fitted again, at most, when a call of fit fitted nothing.
_MAX_REPORT_TRIES = 3


class _Row:
    """One candidate of the search, in the order of ``cv_results_``.

    ``records`` holds its cross-validation records when they come from
    elsewhere than this call of ``fit`` (``initial_results``, a checkpoint);
    they are None while scikit-learn holds them. ``error`` is set when every
    one of its fits failed, in which case scikit-learn kept no record of it.
    """

    __slots__ = ("error", "key", "params", "proposal_time", "records", "round")

    def __init__(self, params, round_index, proposal_time, key, records=None):
        self.params = params
        self.round = round_index
        self.proposal_time = proposal_time
        self.key = key
        self.records = records
        self.error = None


class BaseOptimizerSearchCV(BaseSearchCV):
    """Base class of the searches driven by an ask/tell optimizer.

    Subclasses implement ``_make_optimizer(space, random_state)``,
    ``_budget()`` (number of candidates) and ``_batch_size(round_index)``; they
    may check their own parameters against the space in ``_check_search`` and
    name the parameters that only set the budget in ``_budget_params`` (free to
    grow when a checkpoint is resumed).
    """

    _parameter_constraints: dict = {
        **BaseSearchCV._parameter_constraints,
        "param_distributions": [dict, list, SearchSpace],
        "random_state": ["random_state"],
        "max_time": [Interval(Real, 0, None, closed="neither"), None],
        "callbacks": [list, tuple, None],
        "checkpoint": [str, os.PathLike, None],
        "initial_results": [dict, None],
    }

    #: Name of the cv_results_ column holding the round of each candidate.
    _round_column = "round"
    #: Parameters that only set the budget.
    _budget_params: tuple = ()

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
        max_time=None,
        callbacks=None,
        checkpoint=None,
        initial_results=None,
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
        self.max_time = max_time
        self.callbacks = callbacks
        self.checkpoint = checkpoint
        self.initial_results = initial_results

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

    def _after_round(self, optimizer, n_rounds):
        """Hook called after each round (history, progress)."""

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
        check_callbacks(self.callbacks)
        X, y = indexable(X, y)
        folds = self._resolve_folds(X, y, _check_method_params(X, params=params))
        seeds = self._seed_rows(space, folds)
        stored = None
        if self.checkpoint is not None:
            self._fingerprint = _checkpoint.fingerprint(
                self, space, X, y, folds, self._budget_params
            )
            stored = _checkpoint.load(self.checkpoint, self._fingerprint)

        self._space, self._fixed_cv = space, _FixedFolds(folds)
        self._seeds, self._stored = seeds, stored
        try:
            return super().fit(X, y, **params)
        finally:
            for name in (
                "_space",
                "_fixed_cv",
                "_seeds",
                "_stored",
                "_fingerprint",
                "_rows",
                "_live_slots",
                "_new_slots",
                "_live_out",
                "_formatted",
                "_format_args",
                "_results",
            ):
                self.__dict__.pop(name, None)

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

    # -- seeding with earlier results ------------------------------------------------

    def _seed_rows(self, space, folds):
        """Rows and records rebuilt from ``initial_results`` (another cv_results_)."""
        if self.initial_results is None:
            return []
        results = self.initial_results
        names = self._metric_names()
        n_splits = len(folds)
        missing = [
            f"split{k}_test_{m}"
            for m in names
            for k in range(n_splits)
            if f"split{k}_test_{m}" not in results
        ]
        if "params" not in results or missing:
            raise ValueError(
                "initial_results must be the cv_results_ of a search with the same "
                f"scoring and {n_splits} cross-validation splits; it lacks "
                f"{(['params'] if 'params' not in results else []) + missing[:3]}."
            )
        if f"split{n_splits}_test_{names[0]}" in results:
            raise ValueError(
                f"initial_results has more than the {n_splits} splits of this "
                "search's cv; seed it with results of the same folds."
            )
        rows, keys = [], set()
        for i, params in enumerate(results["params"]):
            if params not in space:
                raise ValueError(
                    f"initial_results: candidate {params!r} is not in the search "
                    "space; remove it or widen param_distributions."
                )
            key = space.key(params)
            if key in keys:
                continue
            keys.add(key)
            records = []
            for k, (_, test) in enumerate(folds):
                scores = {m: float(results[f"split{k}_test_{m}"][i]) for m in names}
                record = {
                    "test_scores": scores if len(names) > 1 else scores[names[0]],
                    "n_test_samples": len(test),
                    "fit_time": float(results.get("mean_fit_time", [0.0] * (i + 1))[i]),
                    "score_time": float(
                        results.get("mean_score_time", [0.0] * (i + 1))[i]
                    ),
                    "fit_error": None,
                }
                if self.return_train_score:
                    train = {
                        m: float(
                            results.get(f"split{k}_train_{m}", [np.nan] * (i + 1))[i]
                        )
                        for m in names
                    }
                    record["train_scores"] = (
                        train if len(names) > 1 else train[names[0]]
                    )
                records.append(record)
            rows.append(_Row(params, -1, 0.0, key, records))
        return rows

    def _metric_names(self):
        if (
            self.scoring is None
            or isinstance(self.scoring, str)
            or (callable(self.scoring))
        ):
            return ["score"]
        return list(self.scoring)

    # -- the loop --------------------------------------------------------------------

    def _objective(self, records):
        """Mean test score over the folds of the metric the optimizer maximizes."""
        first = records[0]["test_scores"]
        if isinstance(first, dict):
            metric = self.refit if isinstance(self.refit, str) else next(iter(first))
        else:
            metric = None
        return _checkpoint.mean_score(records, metric)

    def _run_search(self, evaluate_candidates, callback_ctx=None):
        """Ask the optimizer for rounds of candidates until a stop rule fires."""
        start = time.perf_counter()
        stored = self._stored
        rng = check_random_state(self.random_state)
        if stored is not None:
            rng = np.random.RandomState()
            rng.set_state(_checkpoint.rng_state_from_json(stored["rng_state"]))
        rng_state = rng.get_state()
        optimizer = self._make_optimizer(self._space, rng)

        # Every candidate in the order of cv_results_; the records of those
        # fitted in this call come from scikit-learn (see _format_results).
        self._rows, self._live_slots, self._new_slots = list(self._seeds), [], []
        self._live_out, self._formatted = [], None
        if self._seeds:
            optimizer.tell(
                [row.params for row in self._seeds],
                [self._objective(row.records) for row in self._seeds],
            )
        replay = list(stored["rounds"]) if stored is not None else []

        search_ctx = None
        if RUN_SEARCH_TAKES_CALLBACK_CTX and callback_ctx is not None:
            search_ctx = callback_ctx.subcontext(
                task_name="search", max_subtasks=None
            ).call_on_fit_task_begin(estimator=self)

        log, history = [], []  # checkpoint entries; (row, score) in order
        budget, n_evaluated, round_index = self._budget(), 0, 0
        self.stop_reason_ = "budget"
        while n_evaluated < budget:
            wanted = min(self._batch_size(round_index), budget - n_evaluated)
            tic = time.perf_counter()
            batch = optimizer.ask(wanted)
            elapsed = time.perf_counter() - tic
            if len(batch) < wanted:
                warnings.warn(
                    f"The search space has only {n_evaluated + len(batch)} distinct "
                    f"candidates, fewer than the {budget} the search was asked for; "
                    "the search ends after evaluating all of them.",
                    UserWarning,
                    stacklevel=_user_stacklevel(),
                )
                budget = n_evaluated + len(batch)
                self.stop_reason_ = "exhausted"
            if not batch:
                break
            rows = [
                _Row(p, round_index, elapsed / len(batch), self._space.key(p))
                for p in batch
            ]
            self._rows += rows
            if replay:
                error = self._replay(replay.pop(0), rows, round_index)
            else:
                error = self._evaluate_live(evaluate_candidates, rows, search_ctx)

            records = None if error is not None else self._records_of(rows)
            scores = self._scores_of(rows, records)
            optimizer.tell(batch, scores)
            history += zip(rows, scores, strict=True)
            log.append(
                {
                    "round": round_index,
                    "keys": [_checkpoint.key_to_json(row.key) for row in rows],
                    "records": records,
                    "error": error,
                }
            )
            n_evaluated += len(batch)
            round_index += 1
            self._after_round(optimizer, round_index)
            if self.checkpoint is not None:
                self._save_checkpoint(rng_state, log, finished=False)
            if not replay and self._should_stop(history, round_index, start):
                break

        self._report(evaluate_candidates, search_ctx)
        if search_ctx is not None:
            search_ctx.call_on_fit_task_end(estimator=self)
        self.n_rounds_ = round_index
        if self.checkpoint is not None:
            self._save_checkpoint(rng_state, log, finished=True)

    def _scores_of(self, rows, records):
        """The scores the optimizer is told for a round (NaN when it failed)."""
        if records is None:
            return [np.nan] * len(rows)
        n_splits = len(self._fixed_cv.folds)
        chunks = [records[i * n_splits : (i + 1) * n_splits] for i in range(len(rows))]
        return [self._objective(chunk) for chunk in chunks]

    def _records_of(self, rows):
        """The cross-validation records of rows that have some, in order."""
        n_splits = len(self._fixed_cv.folds)
        live = self._live_records(self._live_out, n_splits)
        out = []
        for row in rows:
            out += row.records if row.records is not None else live[id(row)]
        return out

    def _replay(self, entry, rows, round_index):
        """Read a round from the checkpoint, after checking its candidates.

        Returns the error message of a round whose fits all failed, else None.
        """
        if entry["keys"] != [row.key for row in rows]:
            raise ValueError(
                f"The checkpoint {self.checkpoint!r} does not replay: round "
                f"{round_index} proposed other candidates than the recorded ones. "
                "Was it written by another version of skhp? Delete it to start "
                "afresh."
            )
        records, n_splits = entry["records"], len(self._fixed_cv.folds)
        if records is None:
            for row in rows:
                row.error = entry.get("error") or "every fit failed"
            return rows[0].error
        if len(records) != len(rows) * n_splits:
            raise ValueError(
                f"The checkpoint {self.checkpoint!r} is corrupted: round "
                f"{round_index} holds {len(records)} records for {len(rows)} "
                f"candidates on {n_splits} folds. Delete it to start afresh."
            )
        for i, row in enumerate(rows):
            row.records = records[i * n_splits : (i + 1) * n_splits]
        return None

    def _evaluate_live(self, evaluate_candidates, rows, search_ctx, *, again=False):
        """Fit and score ``rows`` with scikit-learn's ``evaluate_candidates``.

        Returns None, or the error when every fit failed: scikit-learn then
        keeps no record of the round, and its candidates are listed with
        ``error_score`` without being fitted again. With ``again``, the rows
        already have records, which are kept (see :meth:`_report`).
        """
        kwargs = {"cv": self._fixed_cv}
        round_ctx = None
        if search_ctx is not None:
            round_ctx = search_ctx.subcontext(
                task_name="round",
                max_subtasks=len(rows) * len(self._fixed_cv.folds),
                sequential_subtasks=False,
            ).call_on_fit_task_begin(estimator=self)
            kwargs["callback_ctx"] = round_ctx
        self._new_slots = [None if again else row for row in rows]
        verbose = self.verbose
        try:
            # Level 1 prints one line per round (see _should_stop); scikit-learn's
            # own messages start at level 2.
            self.verbose = verbose if verbose >= VERBOSE_FITS else 0
            results = evaluate_candidates([row.params for row in rows], **kwargs)
        except ValueError as exc:
            if self.error_score == "raise" or not _all_fits_failed(exc):
                raise
            if not again:
                for row in rows:
                    row.error = str(exc)
                warnings.warn(
                    f"Every fit of {self._round_column} {rows[0].round} failed; "
                    f"its candidates {[row.params for row in rows]} are listed in "
                    f"cv_results_ with error_score={self.error_score!r} and rank "
                    f"last.\n{exc}",
                    FitFailedWarning,
                    stacklevel=_user_stacklevel(),
                )
            return str(exc)
        finally:
            self.verbose = verbose
            self._new_slots = []
            if round_ctx is not None:
                round_ctx.call_on_fit_task_end(estimator=self)
        self._live_slots += [None if again else row for row in rows]
        self._results = results
        return None

    def _report(self, evaluate_candidates, search_ctx):
        """Make sure scikit-learn reports every row, whatever was fitted live.

        scikit-learn builds ``cv_results_`` when ``evaluate_candidates``
        succeeds, and fails after the search if it never did. Rows added after
        the last success (a round whose fits all failed) are written into the
        results it returned, which it keeps as ``cv_results_``. When nothing
        was fitted in this call (a finished checkpoint, a stop during its
        replay), the best recorded candidate is fitted again so that
        scikit-learn has a result to report; its recorded scores are kept.
        """
        if self._live_slots:
            if self._formatted != len(self._rows):
                # XXX: relies on BaseSearchCV.fit storing the dict that
                # evaluate_candidates returned as cv_results_ (1.6 to 1.9 do);
                # test_failed_rounds_are_never_fitted_again checks it.
                fresh = self._format_results(*self._format_args)
                self._results.clear()
                self._results.update(fresh)
            return
        recorded = [row for row in self._rows if row.records is not None]
        # The best first; NaN (some folds failed) last.
        recorded.sort(
            key=lambda row: -np.nan_to_num(self._objective(row.records), nan=-np.inf)
        )
        for row in recorded[:_MAX_REPORT_TRIES]:
            if self._evaluate_live(evaluate_candidates, [row], search_ctx, again=True):
                continue
            return
        failed = [row for row in self._rows if row.error is not None]
        if not recorded:
            # The fits' errors are quoted, as scikit-learn's "All the fits
            # failed" message does, so that the cause shows without a rerun.
            raise ValueError(
                f"Every candidate failed on every fold ({len(failed)} candidates); "
                "the estimator is probably misconfigured. Set error_score='raise' "
                "to see the first error. The last round's failures:\n"
                f"{failed[-1].error if failed else ''}"
            )
        raise ValueError(
            f"The search fitted nothing in this call and its {len(recorded)} "
            "recorded candidates now fail on every fold when fitted again, so "
            "scikit-learn cannot report it. Check the estimator and the data, or "
            "delete the checkpoint to start afresh."
        )

    def _live_records(self, out, n_splits):
        """Map each row fitted in this call to its slice of scikit-learn's records.

        ``out`` holds n_splits records per slot, slots in the order of the
        successful calls to ``evaluate_candidates`` (the one under way last).
        """
        live = {}
        for i, row in enumerate(self._live_slots + self._new_slots):
            if row is not None:
                live[id(row)] = list(out[i * n_splits : (i + 1) * n_splits])
        return live

    def _failure_records(self, row, template):
        """``error_score`` records for a row whose fits all failed.

        ``template`` is a record of a successful fit (or empty), so that
        several metrics and train scores take the same form as scikit-learn's.
        """

        def fill(field):
            scores = template.get(field)
            if isinstance(scores, dict):
                return {name: self.error_score for name in scores}
            return self.error_score

        records = []
        for _, test in self._fixed_cv.folds:
            record = {
                "test_scores": fill("test_scores"),
                "n_test_samples": len(test),
                "fit_time": np.nan,
                "score_time": np.nan,
                "fit_error": row.error,
            }
            if self.return_train_score:
                record["train_scores"] = fill("train_scores")
            records.append(record)
        return records

    def _format_results(self, candidate_params, n_splits, out, more_results=None):
        # cv_results_ lists every row in order: records seeded from
        # initial_results or replayed from a checkpoint, records of the fits of
        # this call (scikit-learn's out, in the order of its calls), and
        # error_score records for rows whose fits all failed.
        self._live_out, self._format_args = out, (candidate_params, n_splits, out)
        self._formatted = len(self._rows)
        live = self._live_records(out, n_splits)
        recorded = (r for row in self._rows for r in row.records or ())
        template = next(
            (rec for rec in [*out, *recorded] if rec.get("fit_error") is None), {}
        )
        rows, records = [], []
        for row in self._rows:
            if row.error is not None:
                records += self._failure_records(row, template)
            elif row.records is not None:
                records += row.records
            elif id(row) in live:
                records += live[id(row)]
            else:
                continue  # pragma: no cover - a row is listed once fitted
            rows.append(row)
        more_results = {
            self._round_column: [row.round for row in rows],
            "proposal_time": [row.proposal_time for row in rows],
        }
        return super()._format_results(
            [row.params for row in rows], n_splits, records, more_results
        )

    def _save_checkpoint(self, rng_state, log, *, finished):
        _checkpoint.save(
            self.checkpoint,
            {
                "format": _checkpoint.FORMAT,
                "version": _checkpoint.VERSION,
                "fingerprint": self._fingerprint,
                "rng_state": _checkpoint.rng_state_to_json(rng_state),
                "finished": finished,
                "rounds": log,
            },
        )

    def _should_stop(self, history, n_rounds, start):
        """Progress line, then the stop rules: max_time, then the callbacks."""
        elapsed = time.perf_counter() - start
        scores = np.array([score for _, score in history], dtype=float)
        state = SearchState(
            n_rounds=n_rounds,
            n_evaluated=len(history),
            elapsed=elapsed,
            scores=scores,
            rounds=np.array([row.round for row, _ in history], dtype=int),
            params=[row.params for row, _ in history],
        )
        if self.verbose >= VERBOSE_ROUND:
            print(
                f"[{type(self).__name__}] {self._round_column} {n_rounds}: "
                f"{len(history)} candidates evaluated, best score "
                f"{state.best_score:.4g}, {elapsed:.1f}s elapsed"
            )
        reason = stop_reason(state, self.max_time, self.callbacks)
        if reason is not None:
            self.stop_reason_ = reason
        return reason is not None
