"""
=========================================================
Which hyperparameters mattered? Importance after a search
=========================================================

A finished search holds more than its best candidate: every candidate it
evaluated, with its score, is a sample of how the score depends on the
hyperparameters. :func:`~skhp.inspection.hyperparameter_importance` reads
those samples from ``cv_results_`` and says how much of the score's variation
each hyperparameter explains, which tells where the next search should spend
its budget and which settings can be left at their defaults.

This example compares its two methods, the functional ANOVA of a random
forest fitted to the scores (fANOVA) and the Spearman rank correlation, and
draws the effects themselves with :func:`~skhp.plot.plot_objective`.
"""

# %%
# A search with hyperparameters that do and do not matter
# -------------------------------------------------------
# A support-vector classifier on the breast-cancer dataset that ships with
# scikit-learn, searched over four hyperparameters: the regularization ``C``,
# the kernel width ``gamma``, and two settings of the solver, its stopping
# tolerance ``tol`` and whether it uses the ``shrinking`` heuristic. Those
# last two change how the model is computed, hardly which model is found.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhp.inspection import hyperparameter_importance
from skhp.model_selection import BayesianSearchCV
from skhp.plot import plot_importance, plot_objective
from skhp.space import Categorical, Real

X, y = load_breast_cancer(return_X_y=True)
model = make_pipeline(StandardScaler(), SVC())
space = {
    "svc__C": Real(1e-2, 1e3, log=True),
    "svc__gamma": Real(1e-5, 1e2, log=True),
    "svc__tol": Real(1e-5, 1e-1, log=True),
    "svc__shrinking": Categorical([True, False]),
}

# %%
# Importance estimates are only as good as the spread of the candidates they
# are computed from. A Bayesian search gathers its later candidates around
# the best region, which says little about the rest of the space, so half of
# this budget goes to the space-filling initial design.
search = BayesianSearchCV(
    model, space, n_iter=50, n_initial_points=25, cv=3, random_state=0
).fit(X, y)
print(f"best CV accuracy {search.best_score_:.3f} with {search.best_params_}")

# %%
# Two measures of importance
# --------------------------
# fANOVA fits a random forest to the mean test scores and, for every tree,
# splits the variance of its prediction exactly into the part each
# hyperparameter explains alone (its main effect), interactions taking the
# rest. The shares are averaged over the trees, whose spread gives an
# uncertainty. The Spearman method needs no model: the absolute rank
# correlation of each hyperparameter with the score.
importances = {
    method: hyperparameter_importance(search, method=method, random_state=0)
    for method in ("fanova", "spearman")
}
for method, result in importances.items():
    print(f"{method}:")
    for name, mean, std in zip(
        result.names, result.importances_mean, result.importances_std, strict=True
    ):
        print(f"  {name:>15}  {mean:.3f} ± {std:.3f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 3.2), layout="constrained")
for ax, (method, result) in zip(axes, importances.items(), strict=True):
    plot_importance(result, ax=ax)
    ax.set_title(f"{method}, {result.n_candidates} candidates")

# %%
# Both methods agree that the two solver settings do not matter. They
# disagree on ``gamma``. fANOVA gives it most of the variance; Spearman ranks
# it only a little above ``C``. A rank correlation measures how steadily the
# score rises or falls along a hyperparameter, and accuracy is not monotone
# in the kernel width: too narrow a kernel memorizes the training points, too
# wide a one cannot bend around the classes, and the best values lie in
# between. The rise on one side and the fall on the other partly cancel in a
# correlation, not in a variance.
#
# The effects themselves
# ----------------------
# :func:`~skhp.plot.plot_objective` draws, for each hyperparameter, the
# forest's prediction averaged over all the others (a partial dependence over
# the searched space), with one standard deviation across trees, and the
# evaluated candidates as dots. The ``gamma`` panel shows the peak that the
# correlation missed; the ``tol`` panel is flat.
axes = plot_objective(
    search, params=["svc__gamma", "svc__C", "svc__tol"], random_state=0
)
axes[0].set_ylim(0.6, 1.0)
plt.show()

# %%
# In practice: the next search can fix ``tol`` and ``shrinking`` at their
# defaults and spend its budget on ``gamma`` and ``C``, perhaps on a narrower
# ``gamma`` range around the peak. Importance is relative to the searched
# ranges: a hyperparameter whose range holds only good values looks
# unimportant, however much it would matter outside them.
print(
    "gamma of the ten best candidates:",
    np.round(
        np.sort(
            np.array(search.cv_results_["param_svc__gamma"], dtype=float)[
                np.argsort(-search.cv_results_["mean_test_score"])[:10]
            ]
        ),
        4,
    ),
)
