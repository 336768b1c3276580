"""Learning-rate, momentum and batch-size schedules for skhp's MLP estimators.

A schedule is an immutable parameter object: it stores its constructor
arguments only, so it can be cloned, compared and searched through nested
parameters such as ``learning_rate__decay``. Running a schedule happens in a
state returned by ``start``; ``preview`` shows the values over some epochs.
"""

from skhp.schedules._batch_size import ConstantBatchSize
from skhp.schedules._constant import Constant

__all__ = [
    "Constant",
    "ConstantBatchSize",
]
