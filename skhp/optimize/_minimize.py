"""Minimize any black-box function with an ask/tell optimizer."""

import math
import numbers
import time

import numpy as np
from scipy.optimize import OptimizeResult

from skhp.callbacks import SearchState
from skhp.callbacks._stoppers import check_callbacks, stop_reason


def _optimizer_class(method):
    # Imported on demand: each strategy module imports this package's base.
    if method == "bayes":
        from skhp.optimize._bayes import BayesianOptimizer

        return BayesianOptimizer
    if method == "evolution":
        from skhp.optimize._evolution import EvolutionaryOptimizer

        return EvolutionaryOptimizer
    raise ValueError(f"method must be 'bayes' or 'evolution'; got {method!r} instead.")


def minimize(
    func,
    space,
    *,
    method="bayes",
    n_calls=50,
    batch_size=None,
    max_time=None,
    callbacks=None,
    random_state=None,
    **options,
):
    """Minimize a black-box function over a search space.

    Parameters
    ----------
    func : callable
        Called as ``func(params)`` with a dict of parameter values; returns a
        float. A non-finite value counts as a failure (worse than any finite one).
    space : dict, list of dict or SearchSpace
        Where to search, in any form :class:`~skhp.space.SearchSpace` accepts.
    method : {"bayes", "evolution"}, default="bayes"
        :class:`~skhp.optimize.BayesianOptimizer` or
        :class:`~skhp.optimize.EvolutionaryOptimizer`.
    n_calls : int, default=50
        Number of evaluations of ``func`` (fewer when the space is smaller).
    batch_size : int, default=None
        Candidates asked for at a time. None asks one at a time for ``"bayes"``
        and a whole population at a time for ``"evolution"``.
    max_time : float, default=None
        Wall-clock budget in seconds: no new batch is asked for once it has
        passed. None means no limit.
    callbacks : list of callable, default=None
        Called in order after every batch with a
        :class:`~skhp.callbacks.SearchState` whose scores are the negated
        function values (higher is better, as the optimizer is told), so that
        the stoppers of :mod:`skhp.callbacks` work unchanged; the first that
        returns True ends the minimization.
    random_state : int, RandomState instance or None, default=None
        Seed of the optimizer.
    **options
        Further arguments of the optimizer's constructor.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
        ``x`` the best parameters, ``fun`` their value, ``x_iters`` and
        ``func_vals`` the history in evaluation order, ``nfev`` the number of
        evaluations, ``stop_reason`` why it ended (``"budget"``,
        ``"exhausted"``, the ``max_time`` spent or the callback that ended it) and
        ``optimizer`` the optimizer, ready for more ``ask`` and ``tell``.

    Examples
    --------
    >>> from skhp.optimize import minimize
    >>> from skhp.space import Real
    >>> res = minimize(lambda p: (p["x"] - 2) ** 2, {"x": Real(-5, 5)},
    ...                n_calls=20, random_state=0)
    >>> abs(res.x["x"] - 2) < 0.1
    True
    """
    if not isinstance(n_calls, numbers.Integral) or n_calls < 1:
        raise ValueError(f"n_calls must be a positive integer; got {n_calls!r}.")
    if max_time is not None and not (
        isinstance(max_time, numbers.Real) and max_time > 0
    ):
        raise ValueError(
            f"max_time must be a positive number of seconds or None; got "
            f"{max_time!r} instead."
        )
    check_callbacks(callbacks)
    optimizer = _optimizer_class(method)(space, random_state=random_state, **options)
    if batch_size is None:
        batch_size = getattr(optimizer, "population_size", 1)

    start, x_iters, func_vals, rounds = time.perf_counter(), [], [], []
    reason = "budget"
    while len(x_iters) < n_calls:
        batch = optimizer.ask(min(batch_size, n_calls - len(x_iters)))
        if not batch:
            reason = "exhausted"
            break
        values = [float(func(params)) for params in batch]
        optimizer.tell(batch, [-v if math.isfinite(v) else math.nan for v in values])
        x_iters += batch
        func_vals += values
        rounds += [rounds[-1] + 1 if rounds else 0] * len(batch)
        state = SearchState(
            n_rounds=rounds[-1] + 1,
            n_evaluated=len(x_iters),
            elapsed=time.perf_counter() - start,
            scores=np.array([-v if math.isfinite(v) else np.nan for v in func_vals]),
            rounds=np.array(rounds, dtype=int),
            params=list(x_iters),
        )
        if (stopped := stop_reason(state, max_time, callbacks)) is not None:
            reason = stopped
            break

    func_vals = np.array(func_vals, dtype=float)
    finite = np.isfinite(func_vals)
    best = int(np.argmin(np.where(finite, func_vals, np.inf))) if finite.any() else None
    return OptimizeResult(
        x=None if best is None else x_iters[best],
        fun=math.nan if best is None else func_vals[best],
        x_iters=x_iters,
        func_vals=func_vals,
        nfev=len(x_iters),
        stop_reason=reason,
        success=best is not None,
        message="" if best is not None else "every evaluation failed",
        optimizer=optimizer,
    )
