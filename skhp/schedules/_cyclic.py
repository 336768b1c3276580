"""Schedules shaped over the whole run: cosine with restarts, cyclic, one-cycle."""

import math

from skhp.schedules._base import (
    BaseSchedule,
    _check_int,
    _check_options,
    _check_real,
    _ClosedFormState,
    _param_error,
)


def _cosine(from_value, to_value, fraction):
    """Go from ``from_value`` (fraction 0) to ``to_value`` (1) on a half cosine."""
    return to_value + (from_value - to_value) * (1.0 + math.cos(math.pi * fraction)) / 2


def _linear(from_value, to_value, fraction):
    """Go from ``from_value`` (fraction 0) to ``to_value`` (1) on a line."""
    return from_value + (to_value - from_value) * fraction


class CosineAnnealing(BaseSchedule):
    """Cosine annealing, with warm restarts if a ``period`` is given (SGDR).

    Within a cycle of ``T`` epochs the value of the cycle's epoch ``t`` is
    ``min_value + (max_value - min_value) * (1 + cos(pi * t / T)) / 2``: it
    starts at ``max_value`` and falls towards ``min_value`` along a half
    cosine. At the end of a cycle the value jumps back to ``max_value`` (a warm
    restart) and the next cycle is ``period_mult`` times longer [1]_.

    Parameters
    ----------
    max_value : float, default=0.001
        The value at the start of every cycle; finite and >= ``min_value``.
    min_value : float, default=0.0
        The value the cosine falls towards; finite and >= 0.
    period : int, default=None
        The length of the first cycle in epochs, >= 1. ``None`` means one
        cycle spanning the epoch budget ``n_epochs`` and no restart: the value
        then reaches ``min_value`` at epoch ``n_epochs`` and stays there.
    period_mult : int, default=1
        The factor by which each cycle is longer than the previous one; >= 1.
        Cycles start at epochs ``0, T, T + T * m, ...`` with ``T = period``
        and ``m = period_mult``.

    See Also
    --------
    OneCycle : One warm-up and one annealing phase over the whole budget.
    CyclicTriangular : Linear cycles between two values.

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent with
       Warm Restarts", ICLR, 2017.

    Examples
    --------
    >>> from skhp.schedules import CosineAnnealing
    >>> CosineAnnealing(max_value=1.0, period=2, period_mult=2).preview(7).round(3)
    array([1.   , 0.5  , 1.   , 0.854, 0.5  , 0.146, 1.   ])
    >>> CosineAnnealing(max_value=1.0).preview(3)
    array([1.  , 0.75, 0.25])
    """

    _schedule_kind = "value"

    def __init__(self, max_value=0.001, min_value=0.0, period=None, period_mult=1):
        self.max_value = max_value
        self.min_value = min_value
        self.period = period
        self.period_mult = period_mult

    def _validate(self, context):
        min_value = _check_real(self, "min_value", low=0)
        max_value = _check_real(self, "max_value", low=0)
        if max_value < min_value:
            raise _param_error(
                self,
                "max_value",
                f">= min_value ({min_value!r})",
                max_value,
                fix="Raise max_value or lower min_value.",
            )
        _check_int(self, "period", low=1, allow_none=True)
        _check_int(self, "period_mult", low=1)

    def _make_state(self, context):
        return _ClosedFormState(context, self)

    def _value_at(self, epoch, context):
        if self.period is None:
            position, length = min(epoch, context.n_epochs), context.n_epochs
        else:
            position, length = epoch, self.period
            while position >= length:
                position -= length
                length *= self.period_mult
        return float(_cosine(self.max_value, self.min_value, position / length))


class CyclicTriangular(BaseSchedule):
    """Cycle linearly between a base value and a peak value.

    The value rises linearly from ``base_value`` to ``peak_value`` over
    ``step_size`` epochs, falls back over the next ``step_size`` epochs, and
    repeats [1]_. With ``peak_value`` below ``base_value`` the cycle runs the
    other way, as momentum does when cycled inversely to the learning rate.

    Parameters
    ----------
    base_value : float, default=0.0001
        The value at the start and end of each cycle; finite and >= 0.
    peak_value : float, default=0.001
        The value in the middle of each cycle; finite and >= 0.
    step_size : int, default=4
        Half a cycle, in epochs; >= 1.
    mode : {"triangular", "triangular2", "exp_range"}, default="triangular"
        How the amplitude ``peak_value - base_value`` changes: kept
        (``"triangular"``), halved after every cycle (``"triangular2"``), or
        multiplied by ``gamma ** epoch`` (``"exp_range"``).
    gamma : float, default=0.95
        The per-epoch amplitude factor of ``mode="exp_range"``, in (0, 1].

    See Also
    --------
    CosineAnnealing : Cosine cycles with warm restarts.
    OneCycle : A single cycle over the whole budget.

    References
    ----------
    .. [1] L. N. Smith, "Cyclical Learning Rates for Training Neural
       Networks", WACV, 2017.

    Examples
    --------
    >>> from skhp.schedules import CyclicTriangular
    >>> CyclicTriangular(base_value=0.0, peak_value=1.0, step_size=2).preview(6)
    array([0. , 0.5, 1. , 0.5, 0. , 0.5])
    >>> CyclicTriangular(
    ...     base_value=0.0, peak_value=1.0, step_size=1, mode="triangular2"
    ... ).preview(6)
    array([0.  , 1.  , 0.  , 0.5 , 0.  , 0.25])
    """

    _schedule_kind = "value"

    def __init__(
        self,
        base_value=0.0001,
        peak_value=0.001,
        step_size=4,
        mode="triangular",
        gamma=0.95,
    ):
        self.base_value = base_value
        self.peak_value = peak_value
        self.step_size = step_size
        self.mode = mode
        self.gamma = gamma

    def _validate(self, context):
        _check_real(self, "base_value", low=0)
        _check_real(self, "peak_value", low=0)
        _check_int(self, "step_size", low=1)
        _check_options(self, "mode", ("triangular", "triangular2", "exp_range"))
        _check_real(self, "gamma", low=0, high=1, closed="right")

    def _make_state(self, context):
        return _ClosedFormState(context, self)

    def _value_at(self, epoch, context):
        cycle, position = divmod(epoch, 2 * self.step_size)
        fraction = 1.0 - abs(position - self.step_size) / self.step_size
        if self.mode == "triangular2":
            fraction /= 2.0**cycle
        elif self.mode == "exp_range":
            fraction *= self.gamma**epoch
        return float(_linear(self.base_value, self.peak_value, fraction))


class OneCycle(BaseSchedule):
    """Rise from a start value to a peak, then anneal to an end value.

    One cycle over the epoch budget ``n_epochs`` [1]_: the value goes from
    ``start_value`` at epoch 0 to ``peak_value`` at epoch ``up_fraction *
    (n_epochs - 1)``, then to ``end_value`` at the last epoch, and stays there
    if training runs longer. Giving a ``start_value`` above the
    ``peak_value`` cycles momentum inversely to the learning rate, as the
    method recommends (e.g. 0.95 down to 0.85 and back).

    Parameters
    ----------
    start_value : float, default=4e-05
        The value of epoch 0; finite and >= 0.
    peak_value : float, default=0.001
        The value at the end of the rising phase; finite and >= 0.
    end_value : float, default=4e-09
        The value of the last epoch; finite and >= 0.
    up_fraction : float, default=0.3
        The fraction of the budget spent going from ``start_value`` to
        ``peak_value``, in [0, 1]. With 0 the first epoch is the peak; with 1
        the last epoch is, and ``end_value`` only applies past the budget.
    anneal : {"cosine", "linear"}, default="cosine"
        The shape of both phases: a half cosine or a straight line.

    See Also
    --------
    CyclicTriangular : Repeated linear cycles.
    Chain : Any warm-up followed by any decay.

    References
    ----------
    .. [1] L. N. Smith and N. Topin, "Super-Convergence: Very Fast Training of
       Neural Networks Using Large Learning Rates", arXiv:1708.07120, 2019.

    Examples
    --------
    >>> from skhp.schedules import OneCycle
    >>> OneCycle(
    ...     start_value=0.1, peak_value=1.0, end_value=0.0, up_fraction=0.25,
    ...     anneal="linear",
    ... ).preview(5)
    array([0.1       , 1.        , 0.66666667, 0.33333333, 0.        ])
    >>> OneCycle(start_value=0.95, peak_value=0.85, end_value=0.95).preview(5).round(3)
    array([0.95 , 0.857, 0.869, 0.922, 0.95 ])
    """

    _schedule_kind = "value"

    def __init__(
        self,
        start_value=4e-5,
        peak_value=0.001,
        end_value=4e-9,
        up_fraction=0.3,
        anneal="cosine",
    ):
        self.start_value = start_value
        self.peak_value = peak_value
        self.end_value = end_value
        self.up_fraction = up_fraction
        self.anneal = anneal

    def _validate(self, context):
        _check_real(self, "start_value", low=0)
        _check_real(self, "peak_value", low=0)
        _check_real(self, "end_value", low=0)
        _check_real(self, "up_fraction", low=0, high=1)
        _check_options(self, "anneal", ("cosine", "linear"))

    def _make_state(self, context):
        return _ClosedFormState(context, self)

    def _value_at(self, epoch, context):
        shape = _cosine if self.anneal == "cosine" else _linear
        last = context.n_epochs - 1
        peak_epoch = self.up_fraction * last
        if epoch <= peak_epoch:
            if peak_epoch == 0:
                return float(self.peak_value)
            return float(shape(self.start_value, self.peak_value, epoch / peak_epoch))
        if epoch >= last:
            return float(self.end_value)
        fraction = (epoch - peak_epoch) / (last - peak_epoch)
        return float(shape(self.peak_value, self.end_value, fraction))
