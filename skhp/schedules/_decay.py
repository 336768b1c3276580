"""Warm-up and decay schedules: linear warm-up, exponential and step decay."""

from skhp.schedules._base import (
    BaseSchedule,
    _check_int,
    _check_real,
    _ClosedFormState,
    _param_error,
)


def _check_min_value(schedule, initial_name):
    """Check ``min_value`` against the starting value ``initial_name``."""
    min_value = _check_real(schedule, "min_value", low=0)
    initial = getattr(schedule, initial_name)
    if min_value > initial:
        raise _param_error(
            schedule,
            "min_value",
            f"<= {initial_name} ({initial!r})",
            min_value,
            fix=f"Lower min_value or raise {initial_name}.",
        )


class LinearWarmup(BaseSchedule):
    """Move linearly from a start value to an end value, then hold it.

    The value of epoch ``e`` is ``start_value + (end_value - start_value) *
    min(e, warmup_epochs) / warmup_epochs``: ``start_value`` at epoch 0,
    ``end_value`` from epoch ``warmup_epochs`` on. A small learning rate at
    first keeps large early gradients from throwing the weights far away; chain
    the warm-up with a decay (see :class:`Chain`) to anneal afterwards.

    Parameters
    ----------
    start_value : float, default=0.0001
        The value of epoch 0; finite and >= 0.
    end_value : float, default=0.001
        The value reached at epoch ``warmup_epochs`` and held afterwards;
        finite and >= 0. It may be below ``start_value`` (a linear ramp down).
    warmup_epochs : int, default=5
        The number of epochs the ramp takes; >= 1.

    See Also
    --------
    Chain : Follow the warm-up with another schedule.

    References
    ----------
    .. [1] P. Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet
       in 1 Hour", arXiv:1706.02677, 2017.

    Examples
    --------
    >>> from skhp.schedules import LinearWarmup
    >>> LinearWarmup(start_value=0.0, end_value=0.1, warmup_epochs=4).preview(6)
    array([0.   , 0.025, 0.05 , 0.075, 0.1  , 0.1  ])
    """

    _schedule_kind = "value"

    def __init__(self, start_value=0.0001, end_value=0.001, warmup_epochs=5):
        self.start_value = start_value
        self.end_value = end_value
        self.warmup_epochs = warmup_epochs

    def _validate(self, context):
        _check_real(self, "start_value", low=0)
        _check_real(self, "end_value", low=0)
        _check_int(self, "warmup_epochs", low=1)

    def _make_state(self, context):
        return _ClosedFormState(context, self)

    def _value_at(self, epoch, context):
        fraction = min(epoch, self.warmup_epochs) / self.warmup_epochs
        return float(self.start_value + (self.end_value - self.start_value) * fraction)


class ExponentialDecay(BaseSchedule):
    """Multiply the value by ``decay`` every epoch, down to ``min_value``.

    The value of epoch ``e`` is ``max(initial_value * decay ** e, min_value)``.

    Parameters
    ----------
    initial_value : float, default=0.001
        The value of epoch 0; finite and >= 0.
    decay : float, default=0.95
        The factor applied every epoch, in (0, 1]; 1 keeps the value constant.
    min_value : float, default=0.0
        The floor of the value; >= 0 and <= ``initial_value``.

    See Also
    --------
    StepDecay : Decay by a factor every few epochs instead of every epoch.
    ReduceOnPlateau : Decay only when the monitored loss stops improving.

    Examples
    --------
    >>> from skhp.schedules import ExponentialDecay
    >>> ExponentialDecay(initial_value=1.0, decay=0.5, min_value=0.2).preview(4)
    array([1.  , 0.5 , 0.25, 0.2 ])
    """

    _schedule_kind = "value"

    def __init__(self, initial_value=0.001, decay=0.95, min_value=0.0):
        self.initial_value = initial_value
        self.decay = decay
        self.min_value = min_value

    def _validate(self, context):
        _check_real(self, "initial_value", low=0)
        _check_real(self, "decay", low=0, high=1, closed="right")
        _check_min_value(self, "initial_value")

    def _make_state(self, context):
        return _ClosedFormState(context, self)

    def _value_at(self, epoch, context):
        return float(max(self.initial_value * self.decay**epoch, self.min_value))


class StepDecay(BaseSchedule):
    """Multiply the value by ``factor`` every ``step_size`` epochs.

    The value of epoch ``e`` is ``max(initial_value * factor ** (e //
    step_size), min_value)``: a staircase, the classic schedule of image
    classification [1]_.

    Parameters
    ----------
    initial_value : float, default=0.001
        The value of the first ``step_size`` epochs; finite and >= 0.
    factor : float, default=0.1
        The factor applied at each step, in (0, 1].
    step_size : int, default=10
        The number of epochs between two steps; >= 1.
    min_value : float, default=0.0
        The floor of the value; >= 0 and <= ``initial_value``.

    See Also
    --------
    ExponentialDecay : Decay a little every epoch.
    GeometricBatchSize : Grow the batch size instead of decaying the rate.

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren and J. Sun, "Deep Residual Learning for
       Image Recognition", CVPR, 2016.

    Examples
    --------
    >>> from skhp.schedules import StepDecay
    >>> StepDecay(initial_value=1.0, factor=0.1, step_size=2).preview(5)
    array([1.  , 1.  , 0.1 , 0.1 , 0.01])
    """

    _schedule_kind = "value"

    def __init__(self, initial_value=0.001, factor=0.1, step_size=10, min_value=0.0):
        self.initial_value = initial_value
        self.factor = factor
        self.step_size = step_size
        self.min_value = min_value

    def _validate(self, context):
        _check_real(self, "initial_value", low=0)
        _check_real(self, "factor", low=0, high=1, closed="right")
        _check_int(self, "step_size", low=1)
        _check_min_value(self, "initial_value")

    def _make_state(self, context):
        return _ClosedFormState(context, self)

    def _value_at(self, epoch, context):
        value = self.initial_value * self.factor ** (epoch // self.step_size)
        return float(max(value, self.min_value))
