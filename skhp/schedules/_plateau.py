"""Reduce the value when the monitored loss stops improving."""

import math

from skhp.schedules._base import (
    BaseSchedule,
    _check_int,
    _check_options,
    _check_real,
    _param_error,
    _ScheduleState,
)


def _improves(loss, best, threshold, threshold_mode):
    """Whether ``loss`` beats ``best`` by more than the threshold."""
    if best == math.inf:
        # The first finite loss always improves (inf - threshold * inf is NaN).
        return loss < best
    if threshold_mode == "rel":
        return loss < best - threshold * abs(best)
    return loss < best - threshold


class ReduceOnPlateau(BaseSchedule):
    """Multiply the value by ``factor`` when the monitored loss stops improving.

    An epoch improves when its monitored loss is below the best loss so far
    by more than ``threshold`` (``best - threshold`` in ``"abs"`` mode,
    ``best - threshold * |best|`` in ``"rel"`` mode); otherwise it is a bad
    epoch. After ``patience`` bad epochs in a row the value is multiplied by
    ``factor`` (never below ``min_value``) and the count of bad epochs starts
    again from zero, so the next reduction needs ``patience`` new bad epochs.
    During the ``cooldown`` epochs that follow a reduction, bad epochs are not
    counted, which lets the optimizer settle at the new value. The best loss
    is kept across reductions. The value changes from the epoch after the
    one that completed the plateau.

    Parameters
    ----------
    initial_value : float, default=0.001
        The value until the first reduction; finite and >= ``min_value``.
    factor : float, default=0.1
        The factor applied at each reduction, in (0, 1).
    patience : int, default=10
        The number of bad epochs in a row that triggers a reduction; >= 1.
    cooldown : int, default=0
        The number of epochs after a reduction whose bad epochs are not
        counted; >= 0.
    min_value : float, default=0.0
        The floor of the value; finite and >= 0.
    threshold : float, default=0.0001
        How much better than the best loss an epoch must be to count as an
        improvement; finite and >= 0.
    threshold_mode : {"rel", "abs"}, default="rel"
        Whether ``threshold`` is relative to the best loss or absolute.

    See Also
    --------
    GrowBatchSizeOnPlateau : Grow the batch size when the loss stabilizes.
    StepDecay : Reduce on a fixed calendar instead.

    Notes
    -----
    When nothing is monitored (``update(None)``), the epoch counts as an
    improvement, so the value never drops. A NaN loss is never an improvement.

    Examples
    --------
    >>> from skhp.schedules import ReduceOnPlateau
    >>> schedule = ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=2)
    >>> schedule.preview(6, monitored=[3.0, 2.0, 2.0, 2.0, 2.0])
    array([1. , 1. , 1. , 1. , 0.5, 0.5])
    """

    _schedule_kind = "value"

    def __init__(
        self,
        initial_value=0.001,
        factor=0.1,
        patience=10,
        cooldown=0,
        min_value=0.0,
        threshold=1e-4,
        threshold_mode="rel",
    ):
        self.initial_value = initial_value
        self.factor = factor
        self.patience = patience
        self.cooldown = cooldown
        self.min_value = min_value
        self.threshold = threshold
        self.threshold_mode = threshold_mode

    def _validate(self, context):
        initial_value = _check_real(self, "initial_value", low=0)
        _check_real(self, "factor", low=0, high=1, closed="neither")
        _check_int(self, "patience", low=1)
        _check_int(self, "cooldown", low=0)
        min_value = _check_real(self, "min_value", low=0)
        if min_value > initial_value:
            raise _param_error(
                self,
                "min_value",
                f"<= initial_value ({initial_value!r})",
                min_value,
                fix="Lower min_value or raise initial_value.",
            )
        _check_real(self, "threshold", low=0)
        _check_options(self, "threshold_mode", ("rel", "abs"))

    def _make_state(self, context):
        return _ReduceOnPlateauState(context, self)


class _ReduceOnPlateauState(_ScheduleState):
    """The running value, best loss, bad-epoch count and cooldown."""

    def __init__(self, context, schedule):
        super().__init__(context)
        self._params = schedule.get_params(deep=False)
        self.current = float(schedule.initial_value)
        self.best = math.inf
        self.n_bad_epochs = 0
        self.cooldown_left = 0

    def _compute(self):
        return self.current

    def _observe(self, monitored):
        params = self._params
        in_cooldown = self.cooldown_left > 0
        if in_cooldown:
            self.cooldown_left -= 1
        if monitored is None:
            self.n_bad_epochs = 0
            return
        if _improves(
            monitored, self.best, params["threshold"], params["threshold_mode"]
        ):
            self.best = monitored
            self.n_bad_epochs = 0
        elif not in_cooldown:
            self.n_bad_epochs += 1

        if self.n_bad_epochs >= params["patience"]:
            self.current = max(self.current * params["factor"], params["min_value"])
            self.n_bad_epochs = 0
            self.cooldown_left = params["cooldown"]
