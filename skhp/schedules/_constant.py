"""A value that does not change."""

from skhp.schedules._base import BaseSchedule, _check_real, _ClosedFormState


class Constant(BaseSchedule):
    """Keep the same value for every epoch.

    This is what a plain number passed as ``learning_rate`` or ``momentum``
    becomes.

    Parameters
    ----------
    value : float, default=0.001
        The value of every epoch; must be finite and >= 0.

    See Also
    --------
    ConstantBatchSize : The same for the batch size.
    ReduceOnPlateau : A constant value that drops when the loss stops improving.

    Examples
    --------
    >>> from skhp.schedules import Constant
    >>> Constant(value=0.01).preview(3)
    array([0.01, 0.01, 0.01])
    """

    _schedule_kind = "value"

    def __init__(self, value=0.001):
        self.value = value

    def _validate(self, context):
        _check_real(self, "value", low=0)

    def _make_state(self, context):
        return _ClosedFormState(context, self)

    def _value_at(self, epoch, context):
        return float(self.value)
