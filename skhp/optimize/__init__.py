"""Ask/tell optimizers usable on any function, with or without scikit-learn."""

from skhp.optimize._base import BaseOptimizer
from skhp.optimize._bayes import BayesianOptimizer
from skhp.optimize._evolution import EvolutionaryOptimizer
from skhp.optimize._minimize import minimize

__all__ = ["BaseOptimizer", "BayesianOptimizer", "EvolutionaryOptimizer", "minimize"]
