"""Multi-layer perceptrons trained with learning-rate, batch-size and momentum
schedules."""

from skhp.neural_network._multilayer_perceptron import (
    MLPWithSchedulesClassifier,
    MLPWithSchedulesRegressor,
)

__all__ = ["MLPWithSchedulesClassifier", "MLPWithSchedulesRegressor"]
