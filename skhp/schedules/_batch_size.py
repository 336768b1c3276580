"""Batch-size schedules: constant, grown on a plateau, grown geometrically."""

import math

from skhp.schedules._base import (
    BaseSchedule,
    _check_int,
    _ClosedFormState,
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
