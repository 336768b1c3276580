"""Plots of searches, importances, splits and schedules.

Needs matplotlib (``pip install "skhp[plot]"``), imported only when a plot is
drawn. Every function takes an ``ax=`` to draw in and returns the matplotlib
Axes it drew in (an array of Axes for several panels); none of them sets a
backend or a global style.
"""

from skhp.plot._convergence import plot_convergence, plot_evolution
from skhp.plot._objective import plot_importance, plot_objective
from skhp.plot._schedule import plot_schedule
from skhp.plot._splits import plot_splits

__all__ = [
    "plot_convergence",
    "plot_evolution",
    "plot_importance",
    "plot_objective",
    "plot_schedule",
    "plot_splits",
]
