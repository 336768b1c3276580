"""Callbacks that end a search early."""

import math
import numbers
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SearchState:
    """What a search callback sees after each round.

    The search builds one after every round and passes it to each of its
    ``callbacks``; a callback returns True to end the search. The fields are
    also the attributes of the state, which is immutable.

    Parameters
    ----------
    n_rounds : int
        Rounds completed (generations for an evolutionary search).
    n_evaluated : int
        Candidates evaluated so far.
    elapsed : float
        Seconds since the search started.
    scores : ndarray of shape (n_evaluated,)
        The optimized score of each candidate in evaluation order; NaN for
        failures.
    rounds : ndarray of shape (n_evaluated,)
        The round in which each candidate was proposed.
    params : list of dict
        The candidates, in evaluation order.

    Examples
    --------
    A callback is any callable taking the state, here one that stops once
    two rounds have passed without a score above 0.9:

    >>> import numpy as np
    >>> from skhp.callbacks import SearchState
    >>> def stop_when_stuck(state):
    ...     best = state.best_after_each_round()
    ...     return len(best) >= 2 and bool(np.all(best[-2:] <= 0.9))
    >>> state = SearchState(n_rounds=3, n_evaluated=6, elapsed=2.5,
    ...                     scores=np.array([0.7, 0.8, 0.85, np.nan, 0.9, 0.6]),
    ...                     rounds=np.array([0, 0, 1, 1, 2, 2]), params=[{}] * 6)
    >>> state.best_score
    0.9
    >>> state.best_after_each_round().tolist()
    [0.8, 0.85, 0.9]
    >>> stop_when_stuck(state)
    True
    """

    n_rounds: int
    n_evaluated: int
    elapsed: float
    scores: np.ndarray
    rounds: np.ndarray
    params: list

    @property
    def best_score(self):
        """The best finite score so far (NaN when there is none)."""
        finite = self.scores[np.isfinite(self.scores)]
        return float(finite.max()) if len(finite) else math.nan

    def best_after_each_round(self):
        """Best finite score after each completed round.

        Returns
        -------
        best : ndarray of shape (n_rounds,)
            The best finite score of the rounds up to each one; NaN while no
            candidate has a finite score.
        """
        best, out = -np.inf, []
        for r in range(self.n_rounds):
            in_round = self.scores[(self.rounds == r) & np.isfinite(self.scores)]
            if len(in_round):
                best = max(best, float(in_round.max()))
            out.append(best if np.isfinite(best) else math.nan)
        return np.array(out)


def _check_number(owner, name, value, *, low=None, strict=False, integer=False):
    kind = numbers.Integral if integer else numbers.Real
    if not isinstance(value, kind) or isinstance(value, bool):
        what = "an integer" if integer else "a number"
        raise TypeError(
            f"{owner}: {name} must be {what}; got {value!r} of type "
            f"{type(value).__name__} instead."
        )
    if low is not None and (value <= low if strict else value < low):
        rule = f"> {low}" if strict else f">= {low}"
        raise ValueError(f"{owner}: {name} must be {rule}; got {value!r} instead.")


class NoImprovementStopper:
    """Stop when the best score has not improved for ``patience`` rounds.

    Parameters
    ----------
    patience : int, default=5
        Rounds (generations for an evolutionary search) without improvement
        before the search stops.
    min_delta : float, default=0.0
        Smallest increase of the best score that counts as an improvement.

    Examples
    --------
    >>> import numpy as np
    >>> from skhp.callbacks import NoImprovementStopper, SearchState
    >>> state = SearchState(n_rounds=4, n_evaluated=4, elapsed=1.0,
    ...                     scores=np.array([0.8, 0.9, 0.85, 0.9]),
    ...                     rounds=np.arange(4), params=[{}] * 4)
    >>> NoImprovementStopper(patience=2)(state)
    True
    >>> NoImprovementStopper(patience=3)(state)
    False
    """

    def __init__(self, patience=5, min_delta=0.0):
        self.patience = patience
        self.min_delta = min_delta

    def __repr__(self):
        return (
            f"NoImprovementStopper(patience={self.patience}, "
            f"min_delta={self.min_delta})"
        )

    def __call__(self, state):
        """Whether the search should stop; see the class docstring."""
        _check_number(
            type(self).__name__, "patience", self.patience, low=1, integer=True
        )
        _check_number(type(self).__name__, "min_delta", self.min_delta, low=0)
        best = state.best_after_each_round()
        if len(best) <= self.patience or np.isnan(best[-1]):
            return False
        before = best[-self.patience - 1]
        if np.isnan(before):
            return False
        return bool(best[-1] - before <= self.min_delta)


class ScoreThresholdStopper:
    """Stop as soon as the best score reaches ``threshold``.

    Parameters
    ----------
    threshold : float
        The score that is good enough (scores are maximized: use a negative
        threshold with ``neg_*`` scorers).

    Examples
    --------
    >>> import numpy as np
    >>> from skhp.callbacks import ScoreThresholdStopper, SearchState
    >>> state = SearchState(2, 2, 1.0, np.array([0.7, 0.95]), np.arange(2), [{}] * 2)
    >>> ScoreThresholdStopper(0.9)(state)
    True
    """

    def __init__(self, threshold=1.0):
        self.threshold = threshold

    def __repr__(self):
        return f"ScoreThresholdStopper(threshold={self.threshold})"

    def __call__(self, state):
        """Whether the best score has reached the threshold."""
        _check_number(type(self).__name__, "threshold", self.threshold)
        return bool(state.best_score >= self.threshold)


class DeadlineStopper:
    """Stop once ``seconds`` have passed since the search started.

    The round under way finishes; no new round starts. The ``max_time``
    parameter of the searches does the same without a callback.

    Parameters
    ----------
    seconds : float, default=3600.0
        Wall-clock budget in seconds.

    Examples
    --------
    >>> import numpy as np
    >>> from skhp.callbacks import DeadlineStopper, SearchState
    >>> state = SearchState(1, 1, 12.5, np.array([0.7]), np.arange(1), [{}])
    >>> DeadlineStopper(10)(state)
    True
    """

    def __init__(self, seconds=3600.0):
        self.seconds = seconds

    def __repr__(self):
        return f"DeadlineStopper(seconds={self.seconds})"

    def __call__(self, state):
        """Whether the deadline has passed."""
        _check_number(type(self).__name__, "seconds", self.seconds, low=0, strict=True)
        return bool(state.elapsed >= self.seconds)


def check_callbacks(callbacks):
    """Raise a TypeError unless every callback is callable."""
    for callback in callbacks or ():
        if not callable(callback):
            raise TypeError(
                f"callbacks must be callables taking a SearchState; got "
                f"{callback!r} instead. See skhp.callbacks."
            )


def stop_reason(state, max_time, callbacks):
    """Why a search should end after this round, or None.

    ``max_time`` is checked first, then the callbacks in order; shared by the
    searches and :func:`skhp.optimize.minimize`.
    """
    if max_time is not None and state.elapsed >= max_time:
        return f"max_time: {max_time} s elapsed"
    for callback in callbacks or ():
        if callback(state):
            return f"callback: {callback!r}"
    return None
