"""Inspection of search results: which hyperparameters matter."""

from skhp.inspection._importance import (
    HyperparameterImportance,
    hyperparameter_importance,
)

__all__ = ["HyperparameterImportance", "hyperparameter_importance"]
