"""
=======================================================
Architecture search with EvolutionarySearchCV
=======================================================

How many hidden layers, and how wide? :class:`~skhp.space.LayerSizes` makes
the ``hidden_layer_sizes`` of a network a searchable value, depth and widths
together, and :class:`~skhp.model_selection.EvolutionarySearchCV` breeds
architectures with operators that respect that structure: a mutation adds,
drops or resizes a layer, a crossover mixes the layers of two parents. The
learning rate and the L2 penalty are searched at the same time, since the
best architecture depends on how it is trained.

The network is an :class:`~skhp.neural_network.MLPWithSchedulesClassifier`
on the hand-written digits that ship with scikit-learn, with a small budget
so that the example runs in seconds.
"""

# %%
# Data and model
# --------------
# Pixel intensities range from 0 to 16; dividing by 16 puts them in [0, 1],
# which suits the network's default initialization. A quarter of the images is
# held out to check the final model.
import time
import warnings
from itertools import pairwise

import matplotlib.pyplot as plt
import matplotlib.ticker as ticker
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skhp.model_selection import EvolutionarySearchCV
from skhp.neural_network import MLPWithSchedulesClassifier
from skhp.plot import plot_evolution
from skhp.space import LayerSizes, Real

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

# %%
# Each candidate trains for at most 30 epochs of Adam, and stops earlier when
# the training loss has not improved for five epochs. That is short of full
# convergence, which is the point of a cheap search: candidates are compared
# on an equal, small budget, and only the winner is refitted. Each fit that
# reaches the budget says so with a ``ConvergenceWarning``, expected here, so
# they are silenced.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
model = MLPWithSchedulesClassifier(max_iter=30, n_iter_no_change=5, random_state=0)

# %%
# The search space
# ----------------
# One to three hidden layers of 8 to 96 units each, drawn on a logarithmic
# scale so that 8 to 16 units is as likely as 48 to 96. The learning rate and
# the penalty are log-uniform too. A few random draws show what the searched
# values are: tuples of layer sizes, ready for ``hidden_layer_sizes``.
space = {
    "hidden_layer_sizes": LayerSizes(n_layers=(1, 3), units=(8, 96)),
    "learning_rate": Real(1e-4, 1e-1, log=True),
    "alpha": Real(1e-6, 1e-1, log=True),
}
print(space["hidden_layer_sizes"].rvs(4, random_state=0))

# %%
# The search
# ----------
# Eight candidates per generation for five generations: 40 architectures,
# each cross-validated on three folds. The first generation fills the space
# evenly; each later one keeps the best candidate (``n_elites=1``) and breeds
# the others from parents chosen by tournament. A generation's candidates are
# evaluated together, so ``n_jobs`` parallelizes their fits; the results do
# not depend on it.
search = EvolutionarySearchCV(
    model,
    space,
    population_size=8,
    n_generations=5,
    cv=3,
    n_jobs=2,
    random_state=0,
)
tic = time.perf_counter()
search.fit(X_train, y_train)
print(f"search took {time.perf_counter() - tic:.1f} s")
print("best parameters:", search.best_params_)
print(f"best CV accuracy: {search.best_score_:.3f}")
print(f"held-out accuracy: {search.score(X_test, y_test):.3f}")

# %%
# Progress by generation
# ----------------------
# :func:`~skhp.plot.plot_evolution` reads ``history_``: the mean score of each
# generation with a band of one standard deviation, its best score, and the
# best so far. The dotted line on the right axis is the diversity of the
# generation (the mean distance between its candidates in the space's unit
# encoding); it falls as the population gathers around good architectures.
ax = plot_evolution(search)
ax.set_title("Evolutionary search over MLP architectures on digits")
for key in ("generation", "best_score", "mean_score", "diversity"):
    print(f"{key:>12}:", np.round(search.history_[key], 3).tolist())

# %%
# Accuracy against size
# ---------------------
# Every evaluated architecture is in ``cv_results_``. Plotting its score
# against its number of weights shows what the extra capacity bought: networks
# under a thousand weights already classify most digits, and past a few
# thousand the accuracy levels off, so the smallest architecture near the top
# is a good choice when prediction cost matters. The few candidates far below
# the others were trained with a learning rate far too large or too small;
# the axis leaves them out to show the top in detail.
n_features, n_classes = X.shape[1], len(np.unique(y))


def n_weights(layers):
    sizes = [n_features, *layers, n_classes]
    return sum((a + 1) * b for a, b in pairwise(sizes))


results = search.cv_results_
sizes = [n_weights(p["hidden_layer_sizes"]) for p in results["params"]]
depth = [len(p["hidden_layer_sizes"]) for p in results["params"]]
fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
points = ax.scatter(
    sizes,
    results["mean_test_score"],
    c=results["generation"],
    s=[20 * d for d in depth],
    cmap="viridis",
)
fig.colorbar(points, ax=ax, label="generation", ticks=range(search.n_rounds_))
ax.set_xscale("log")
# Ticks at 1, 2 and 5 times each power of ten, written out: the default labels
# of the minor ticks (2x10^3, 3x10^3...) run into each other.
ax.xaxis.set_major_locator(ticker.LogLocator(subs=(1, 2, 5)))
ax.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
ax.xaxis.set_minor_formatter(ticker.NullFormatter())
ax.set_xlabel("number of weights (marker size: number of hidden layers)")
ax.set_ylabel("mean CV accuracy")
ax.set_ylim(0.85, 1.0)
ax.set_title("Every candidate of the search")
plt.show()
