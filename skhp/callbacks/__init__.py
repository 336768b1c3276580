"""Callbacks for the searches: objects called after each round.

A callback is any callable that takes a :class:`SearchState` and returns True to
end the search. Give callbacks to a search's ``callbacks`` parameter; the
search calls them in order after every round and stops at the first that
returns True, recording it in ``stop_reason_``.

Writing one takes a few lines: store only constructor arguments (so that
``clone`` works) and compute everything from the state::

    class StopAfterRounds:
        def __init__(self, n_rounds=3):
            self.n_rounds = n_rounds

        def __call__(self, state):
            return state.n_rounds >= self.n_rounds
"""

from skhp.callbacks._stoppers import (
    DeadlineStopper,
    NoImprovementStopper,
    ScoreThresholdStopper,
    SearchState,
)

__all__ = [
    "DeadlineStopper",
    "NoImprovementStopper",
    "ScoreThresholdStopper",
    "SearchState",
]
