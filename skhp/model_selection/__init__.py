"""Searches and cross-validation splitters."""

from skhp.model_selection._bayes import BayesianSearchCV
from skhp.model_selection._evolution import EvolutionarySearchCV
from skhp.model_selection._split import TimeSeriesGapSplit

__all__ = [
    "BayesianSearchCV",
    "EvolutionarySearchCV",
    "TimeSeriesGapSplit",
]
