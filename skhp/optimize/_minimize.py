"""Minimize any black-box function with an ask/tell optimizer."""

import math
import numbers
import time

import numpy as np
from scipy.optimize import OptimizeResult

from skhp.callbacks import SearchState


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
        ``"exhausted"``, ``"max_time"`` or the callback that ended it) and
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
    for callback in callbacks or ():
        if not callable(callback):
            raise TypeError(
                f"callbacks must be callables taking a SearchState; got "
                f"{callback!r} instead. See skhp.callbacks."
            )
    optimizer = _optimizer_class(method)(space, random_state=random_state, **options)
    if batch_size is None:
        batch_size = getattr(optimizer, "population_size", 1)

    start, x_iters, func_vals, rounds = time.perf_counter(), [], [], []
    stop_reason = "budget"
    while len(x_iters) < n_calls:
        batch = optimizer.ask(min(batch_size, n_calls - len(x_iters)))
        if not batch:
            stop_reason = "exhausted"
            break
        values = [float(func(params)) for params in batch]
        optimizer.tell(batch, [-v if math.isfinite(v) else math.nan for v in values])
        x_iters += batch
        func_vals += values
        rounds += [rounds[-1] + 1 if rounds else 0] * len(batch)
        stop_reason = _stop_reason(
            start, max_time, callbacks, x_iters, func_vals, rounds
        )
        if stop_reason is not None:
            break
    else:
        stop_reason = "budget"

    func_vals = np.array(func_vals, dtype=float)
    finite = np.isfinite(func_vals)
    best = int(np.argmin(np.where(finite, func_vals, np.inf))) if finite.any() else None
    return OptimizeResult(
        x=None if best is None else x_iters[best],
        fun=math.nan if best is None else func_vals[best],
        x_iters=x_iters,
        func_vals=func_vals,
        nfev=len(x_iters),
        stop_reason=stop_reason,
        success=best is not None,
        message="" if best is not None else "every evaluation failed",
        optimizer=optimizer,
    )


def _stop_reason(start, max_time, callbacks, x_iters, func_vals, rounds):
    """Why the minimization should end after this batch, or None."""
    elapsed = time.perf_counter() - start
    if max_time is not None and elapsed >= max_time:
        return "max_time"
    if not callbacks:
        return None
    values = np.array(func_vals, dtype=float)
    state = SearchState(
        n_rounds=rounds[-1] + 1,
        n_evaluated=len(x_iters),
        elapsed=elapsed,
        scores=np.where(np.isfinite(values), -values, np.nan),
        rounds=np.array(rounds, dtype=int),
        params=list(x_iters),
    )
    for callback in callbacks:
        if callback(state):
            return f"callback: {callback!r}"
    return None
