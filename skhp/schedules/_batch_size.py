"""Batch-size schedules: constant, grown on a plateau, grown geometrically."""

import math

from skhp.schedules._base import (
    BaseSchedule,
    _check_int,
    _check_real,
    _ClosedFormState,
    _ScheduleState,
)


def _batch_size_cap(schedule, context, max_batch_size=None, memory_budget=None):
    """The largest batch allowed by ``max_batch_size``, memory and the data.

    The memory cap is ``floor(memory_budget / bytes_per_sample)``. Returns
    ``None`` when nothing caps the batch size.
    """
    caps = []
    if max_batch_size is not None:
        caps.append(max_batch_size)
    if context.n_samples is not None:
        caps.append(context.n_samples)
    if memory_budget is not None:
        cls = type(schedule).__name__
        if context.bytes_per_sample is None:
            raise ValueError(
                f"The 'memory_budget' parameter of {cls} needs the memory cost of "
                f"one sample; got memory_budget={memory_budget!r} and "
                "bytes_per_sample=None instead. Pass bytes_per_sample to start "
                "(or preview), or set memory_budget=None."
            )
        memory_cap = math.floor(memory_budget / context.bytes_per_sample)
        if memory_cap < 1:
            raise ValueError(
                f"The 'memory_budget' parameter of {cls} must hold at least one "
                f"sample of {context.bytes_per_sample!r} bytes; got "
                f"memory_budget={memory_budget!r} instead. Raise memory_budget "
                "or set it to None."
            )
        caps.append(memory_cap)
    return min(caps) if caps else None


class ConstantBatchSize(BaseSchedule):
    """Keep the same batch size for every epoch.

    This is what a plain int passed as ``batch_size`` becomes. The batch never
    exceeds the number of training samples.

    Parameters
    ----------
    batch_size : int, default=200
        The number of samples per batch; must be >= 1.

    See Also
    --------
    Constant : The same for the learning rate or the momentum.

    Examples
    --------
    >>> from skhp.schedules import ConstantBatchSize
    >>> ConstantBatchSize(batch_size=64).preview(3, n_samples=50)
    array([50, 50, 50])
    """

    _schedule_kind = "batch_size"

    def __init__(self, batch_size=200):
        self.batch_size = batch_size

    def _validate(self, context):
        _check_int(self, "batch_size", low=1)

    def _make_state(self, context):
        return _ClosedFormState(context, self)

    def _value_at(self, epoch, context):
        cap = _batch_size_cap(self, context)
        return int(self.batch_size if cap is None else min(self.batch_size, cap))


def _check_caps(schedule):
    """Check ``max_batch_size`` and ``memory_budget`` of a growth schedule."""
    _check_int(schedule, "max_batch_size", low=1, allow_none=True)
    if schedule.memory_budget is not None:
        _check_real(schedule, "memory_budget", low=0, closed="neither")


def _grow(batch_size, factor, cap):
    """Multiply by ``factor``, rounding to nearest but growing by at least 1."""
    grown = max(batch_size + 1, int(batch_size * factor + 0.5))
    return grown if cap is None else min(grown, cap)


class GrowBatchSizeOnPlateau(BaseSchedule):
    """Grow the batch size by ``factor`` when the monitored loss stabilizes.

    An epoch is stable when its monitored loss differs from the previous
    epoch's by less than ``threshold`` relative to the previous loss. After
    ``patience`` stable epochs in a row the batch size is multiplied by
    ``factor`` (rounded to the nearest int, and at least one larger) and the
    count starts again from zero. A larger batch lowers the gradient noise as
    a smaller learning rate would, while taking fewer, cheaper updates [1]_.

    The batch size never decreases and never exceeds ``max_batch_size``,
    ``floor(memory_budget / bytes_per_sample)`` or the number of samples;
    an ``initial_batch_size`` above these caps starts at the cap.

    Parameters
    ----------
    initial_batch_size : int, default=32
        The batch size of epoch 0; >= 1.
    factor : float, default=2.0
        The growth factor; finite and > 1.
    patience : int, default=3
        The number of stable epochs in a row that triggers growth; >= 1.
    threshold : float, default=0.01
        The relative change of the loss below which an epoch is stable;
        finite and >= 0.
    max_batch_size : int, default=None
        The largest batch size, >= 1; ``None`` means no such cap.
    memory_budget : float, default=None
        The memory, in bytes, one batch may take, given the ``bytes_per_sample``
        passed to ``start``; > 0. ``None`` means no memory cap.

    See Also
    --------
    GeometricBatchSize : Grow the batch size on a fixed calendar.
    ReduceOnPlateau : Reduce the learning rate on a plateau instead.

    Notes
    -----
    When nothing is monitored (``update(None)``) or the loss is NaN, the epoch
    is not stable, so the batch size does not grow.

    References
    ----------
    .. [1] S. L. Smith, P.-J. Kindermans, C. Ying and Q. V. Le, "Don't Decay
       the Learning Rate, Increase the Batch Size", ICLR, 2018.

    Examples
    --------
    >>> from skhp.schedules import GrowBatchSizeOnPlateau
    >>> schedule = GrowBatchSizeOnPlateau(
    ...     initial_batch_size=32, patience=2, max_batch_size=100
    ... )
    >>> schedule.preview(7, monitored=[1.0, 0.5, 0.5, 0.5, 0.5, 0.5])
    array([ 32,  32,  32,  32,  64,  64, 100])
    """

    _schedule_kind = "batch_size"

    def __init__(
        self,
        initial_batch_size=32,
        factor=2.0,
        patience=3,
        threshold=0.01,
        max_batch_size=None,
        memory_budget=None,
    ):
        self.initial_batch_size = initial_batch_size
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.max_batch_size = max_batch_size
        self.memory_budget = memory_budget

    def _validate(self, context):
        _check_int(self, "initial_batch_size", low=1)
        _check_real(self, "factor", low=1, closed="neither")
        _check_int(self, "patience", low=1)
        _check_real(self, "threshold", low=0)
        _check_caps(self)
        _batch_size_cap(self, context, self.max_batch_size, self.memory_budget)

    def _make_state(self, context):
        return _GrowOnPlateauState(context, self)


class _GrowOnPlateauState(_ScheduleState):
    """The running batch size, previous loss and count of stable epochs."""

    def __init__(self, context, schedule):
        super().__init__(context)
        self._params = schedule.get_params(deep=False)
        self._cap = _batch_size_cap(
            schedule, context, schedule.max_batch_size, schedule.memory_budget
        )
        initial = int(schedule.initial_batch_size)
        self.current = initial if self._cap is None else min(initial, self._cap)
        self.previous = None
        self.n_stable_epochs = 0

    def _compute(self):
        return self.current

    def _observe(self, monitored):
        params = self._params
        if _is_stable(self.previous, monitored, params["threshold"]):
            self.n_stable_epochs += 1
        else:
            self.n_stable_epochs = 0
        self.previous = monitored

        if self.n_stable_epochs >= params["patience"]:
            self.current = _grow(self.current, params["factor"], self._cap)
            self.n_stable_epochs = 0


def _is_stable(previous, loss, threshold):
    """Whether ``loss`` changed by less than ``threshold`` relative to before."""
    if previous is None or loss is None:
        return False
    if previous == 0:
        return loss == 0
    return abs(loss - previous) < threshold * abs(previous)


class GeometricBatchSize(BaseSchedule):
    """Multiply the batch size by ``factor`` every ``step_size`` epochs.

    The batch size of epoch ``e`` is ``round(initial_batch_size * factor **
    (e // step_size))``, capped as below. Growing the batch by the factor by
    which a step schedule would decay the learning rate trains about as well,
    with fewer parameter updates [1]_.

    The batch size never decreases and never exceeds ``max_batch_size``,
    ``floor(memory_budget / bytes_per_sample)`` or the number of samples;
    an ``initial_batch_size`` above these caps starts at the cap.

    Parameters
    ----------
    initial_batch_size : int, default=32
        The batch size of the first ``step_size`` epochs; >= 1.
    factor : float, default=1.1
        The growth factor per step; finite and >= 1.
    step_size : int, default=1
        The number of epochs between two growth steps; >= 1.
    max_batch_size : int, default=None
        The largest batch size, >= 1; ``None`` means no such cap.
    memory_budget : float, default=None
        The memory, in bytes, one batch may take, given the ``bytes_per_sample``
        passed to ``start``; > 0. ``None`` means no memory cap.

    See Also
    --------
    GrowBatchSizeOnPlateau : Grow the batch size when the loss stabilizes.
    StepDecay : Decay the learning rate on the same calendar instead.

    References
    ----------
    .. [1] S. L. Smith, P.-J. Kindermans, C. Ying and Q. V. Le, "Don't Decay
       the Learning Rate, Increase the Batch Size", ICLR, 2018.

    Examples
    --------
    >>> from skhp.schedules import GeometricBatchSize
    >>> schedule = GeometricBatchSize(
    ...     initial_batch_size=16, factor=2.0, memory_budget=800.0
    ... )
    >>> schedule.preview(5, n_samples=1000, bytes_per_sample=8.0)
    array([ 16,  32,  64, 100, 100])
    """

    _schedule_kind = "batch_size"

    def __init__(
        self,
        initial_batch_size=32,
        factor=1.1,
        step_size=1,
        max_batch_size=None,
        memory_budget=None,
    ):
        self.initial_batch_size = initial_batch_size
        self.factor = factor
        self.step_size = step_size
        self.max_batch_size = max_batch_size
        self.memory_budget = memory_budget

    def _validate(self, context):
        _check_int(self, "initial_batch_size", low=1)
        _check_real(self, "factor", low=1)
        _check_int(self, "step_size", low=1)
        _check_caps(self)
        _batch_size_cap(self, context, self.max_batch_size, self.memory_budget)

    def _make_state(self, context):
        return _GeometricState(context, self)


class _GeometricState(_ScheduleState):
    """The batch size grows on a calendar; the cap is computed once."""

    def __init__(self, context, schedule):
        super().__init__(context)
        self._params = schedule.get_params(deep=False)
        self._cap = _batch_size_cap(
            schedule, context, schedule.max_batch_size, schedule.memory_budget
        )

    def _compute(self):
        params = self._params
        steps = self.epoch // params["step_size"]
        try:
            grown = params["initial_batch_size"] * params["factor"] ** steps
        except OverflowError:
            grown = math.inf
        if self._cap is not None:
            return int(min(grown + 0.5, self._cap))
        if grown == math.inf:
            raise ValueError(
                f"GeometricBatchSize grew past any representable batch size at "
                f"epoch {self.epoch}. Set max_batch_size, or pass n_samples to "
                "start so that the number of samples caps the batch size."
            )
        return int(grown + 0.5)
