"""Tests of minimize's stop rules, shared with the searches' callbacks."""

import numpy as np
import pytest

from skhp.callbacks import NoImprovementStopper, ScoreThresholdStopper
from skhp.optimize import minimize
from skhp.space import Real

SPACE = {"x": Real(-5.0, 5.0)}


def square(params):
    return (params["x"] - 1.0) ** 2


@pytest.mark.parametrize("method", ["bayes", "evolution"])
def test_callbacks_see_negated_values_and_stop(method):
    """A stopper ends minimize once the negated value passes its threshold."""
    seen = []

    def record(state):
        seen.append(state)
        return False

    res = minimize(
        square,
        SPACE,
        method=method,
        n_calls=60,
        batch_size=4,
        callbacks=[record, ScoreThresholdStopper(-0.5)],
        random_state=0,
    )
    assert res.stop_reason.startswith("callback: ScoreThresholdStopper")
    assert res.nfev < 60 and res.fun <= 0.5
    last = seen[-1]
    np.testing.assert_array_equal(last.scores, -res.func_vals)
    assert last.n_evaluated == res.nfev and last.n_rounds == res.nfev // 4
    assert last.rounds.tolist() == [i // 4 for i in range(res.nfev)]


def test_no_improvement_stopper_and_budget_reasons():
    """Without a stop rule firing, minimize spends n_calls and says so."""
    full = minimize(square, SPACE, n_calls=12, random_state=0)
    assert full.stop_reason == "budget" and full.nfev == 12
    stopped = minimize(
        lambda p: 1.0,
        SPACE,
        n_calls=30,
        callbacks=[NoImprovementStopper(patience=3)],
        random_state=0,
    )
    assert stopped.stop_reason.startswith("callback") and stopped.nfev < 30


def test_max_time_and_exhaustion():
    """A spent time budget ends after the first batch; a small space runs out."""
    res = minimize(square, SPACE, n_calls=20, batch_size=2, max_time=1e-9)
    assert res.stop_reason.startswith("max_time") and res.nfev == 2
    small = minimize(lambda p: p["k"], {"k": [1, 2, 3]}, n_calls=10, random_state=0)
    assert small.stop_reason == "exhausted" and small.nfev == 3 and small.fun == 1


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"max_time": 0}, ValueError, r"max_time must be a positive number"),
        ({"max_time": "1"}, ValueError, r"max_time must be .*; got '1'"),
        ({"callbacks": [3]}, TypeError, r"callbacks must be callables.*got 3"),
    ],
)
def test_bad_stop_rules_are_clear_errors(kwargs, error, match):
    """Bad stop rules fail before func is called."""
    calls = []
    with pytest.raises(error, match=match):
        minimize(lambda p: calls.append(p) or 0.0, SPACE, n_calls=5, **kwargs)
    assert calls == []
