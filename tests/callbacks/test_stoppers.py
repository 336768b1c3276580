"""Tests of the ready-made stoppers."""

import numpy as np
import pytest
from sklearn.base import clone

from skhp.callbacks import (
    DeadlineStopper,
    NoImprovementStopper,
    ScoreThresholdStopper,
    SearchState,
)


def _state(round_scores, elapsed=1.0):
    """A state with the given scores per round (one list per round)."""
    scores = np.array([s for r in round_scores for s in r], dtype=float)
    rounds = np.array([i for i, r in enumerate(round_scores) for _ in r])
    return SearchState(
        n_rounds=len(round_scores),
        n_evaluated=len(scores),
        elapsed=elapsed,
        scores=scores,
        rounds=rounds,
        params=[{}] * len(scores),
    )


def test_best_after_each_round_ignores_failures():
    """The running best skips NaN scores and starts as NaN."""
    state = _state([[np.nan], [0.5, np.nan], [0.4], [0.7]])
    np.testing.assert_array_equal(
        state.best_after_each_round(), [np.nan, 0.5, 0.5, 0.7]
    )
    assert state.best_score == 0.7


@pytest.mark.parametrize(
    "rounds, patience, min_delta, expected",
    [
        ([[0.5], [0.6], [0.6], [0.6]], 2, 0.0, True),
        ([[0.5], [0.6], [0.6], [0.6]], 3, 0.0, False),
        ([[0.5], [0.6], [0.6], [0.61]], 2, 0.0, False),
        ([[0.5], [0.6], [0.6], [0.61]], 2, 0.05, True),
        ([[0.5], [0.6]], 2, 0.0, False),
        ([[np.nan], [np.nan], [np.nan]], 1, 0.0, False),
    ],
)
def test_no_improvement_stopper_counts_rounds(rounds, patience, min_delta, expected):
    """It stops after exactly `patience` rounds without an improvement > min_delta."""
    stopper = NoImprovementStopper(patience=patience, min_delta=min_delta)
    assert stopper(_state(rounds)) is expected


def test_threshold_and_deadline_stoppers():
    """Thresholds compare the best score, deadlines the elapsed seconds."""
    state = _state([[0.2, 0.8]], elapsed=5.0)
    assert ScoreThresholdStopper(0.8)(state) is True
    assert ScoreThresholdStopper(0.81)(state) is False
    assert DeadlineStopper(5.0)(state) is True
    assert DeadlineStopper(5.1)(state) is False


def test_stoppers_clone_and_keep_no_state():
    """Stoppers store only their arguments, so searches can be cloned."""
    stopper = NoImprovementStopper(patience=3, min_delta=0.1)
    copy = clone(stopper, safe=False)
    assert vars(copy) == vars(stopper) == {"patience": 3, "min_delta": 0.1}
    stopper(_state([[0.1], [0.2], [0.3], [0.4]]))
    assert vars(stopper) == {"patience": 3, "min_delta": 0.1}


@pytest.mark.parametrize(
    "stopper, error, match",
    [
        (NoImprovementStopper(patience=0), ValueError, r"patience must be >= 1; got 0"),
        (NoImprovementStopper(patience=1.5), TypeError, r"patience must be an integer"),
        (NoImprovementStopper(min_delta=-1), ValueError, r"min_delta must be >= 0"),
        (ScoreThresholdStopper("high"), TypeError, r"threshold must be a number"),
        (DeadlineStopper(0), ValueError, r"seconds must be > 0; got 0"),
    ],
)
def test_invalid_stopper_arguments_are_named(stopper, error, match):
    """A bad argument raises an error naming the stopper and the argument."""
    with pytest.raises(error, match=match):
        stopper(_state([[0.1]]))
