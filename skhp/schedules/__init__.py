"""Learning-rate, momentum and batch-size schedules for skhp's MLP estimators.

A schedule is an immutable parameter object: it stores its constructor
arguments only, so it can be cloned and searched through nested parameters
such as ``learning_rate__decay``. Running a schedule happens in a state
returned by ``start``, and ``preview`` shows its values over some epochs.

Value schedules (for the learning rate or the momentum): :class:`Constant`,
:class:`LinearWarmup`, :class:`ExponentialDecay`, :class:`StepDecay`,
:class:`CosineAnnealing`, :class:`CyclicTriangular`, :class:`OneCycle`,
:class:`ReduceOnPlateau` and :class:`Chain`. Batch-size schedules:
:class:`ConstantBatchSize`, :class:`GrowBatchSizeOnPlateau` and
:class:`GeometricBatchSize`.
"""

from skhp.schedules._batch_size import (
    ConstantBatchSize,
    GeometricBatchSize,
    GrowBatchSizeOnPlateau,
)
from skhp.schedules._chain import Chain
from skhp.schedules._constant import Constant
from skhp.schedules._cyclic import CosineAnnealing, CyclicTriangular, OneCycle
from skhp.schedules._decay import ExponentialDecay, LinearWarmup, StepDecay
from skhp.schedules._plateau import ReduceOnPlateau

__all__ = [
    "Chain",
    "Constant",
    "ConstantBatchSize",
    "CosineAnnealing",
    "CyclicTriangular",
    "ExponentialDecay",
    "GeometricBatchSize",
    "GrowBatchSizeOnPlateau",
    "LinearWarmup",
    "OneCycle",
    "ReduceOnPlateau",
    "StepDecay",
]
