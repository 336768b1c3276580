"""skhp: scikit-learn compatible hyperparameter-tuning tools.

Bayesian and evolutionary searches that are drop-ins for scikit-learn's
``GridSearchCV`` and ``RandomizedSearchCV``, walk-forward time-series
cross-validation with a gap, and a numpy MLP trained with schedules.
"""

from skhp.model_selection import (
    BayesianSearchCV,
    EvolutionarySearchCV,
    TimeSeriesGapSplit,
)
from skhp.neural_network import MLPWithSchedulesClassifier, MLPWithSchedulesRegressor

__version__ = "0.1.0.dev0"

__all__ = [
    "BayesianSearchCV",
    "EvolutionarySearchCV",
    "MLPWithSchedulesClassifier",
    "MLPWithSchedulesRegressor",
    "TimeSeriesGapSplit",
    "__version__",
]
