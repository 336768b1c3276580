"""
==========================================================
Stopping a search early, and resuming an interrupted one
==========================================================

Long searches get interrupted: a job reaches its time limit, a machine
reboots, someone presses Ctrl-C. With ``checkpoint=`` a search writes what it
has evaluated to a JSON file after every round; fitting again with the same
path, data and settings picks up where it stopped, without fitting any
evaluated candidate again, and ends with the same results as a run that was
never interrupted. The same mechanism extends a finished search with a larger
budget.

This example also shows the rules that end a search on purpose: a time
budget (``max_time``) and the stoppers of :mod:`skhp.callbacks`.
"""

# %%
# Counting fits
# -------------
# To see what is and is not fitted again, the classifier counts its own fits.
# The count is kept on the class, which works because the searches below run
# in this process (``n_jobs=None``); with parallel workers each would count
# separately.
import json
import os
import shutil
import tempfile
import textwrap

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.svm import SVC

from skhp.callbacks import NoImprovementStopper, ScoreThresholdStopper
from skhp.model_selection import BayesianSearchCV
from skhp.plot import plot_convergence
from skhp.space import Real


class CountingSVC(SVC):
    """An SVC that counts how many times it has been fitted."""

    n_fits = 0

    def fit(self, X, y, sample_weight=None):
        CountingSVC.n_fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


def count_fits(search, X, y):
    """Fit ``search`` and return how many models it fitted."""
    CountingSVC.n_fits = 0
    search.fit(X, y)
    return CountingSVC.n_fits


X, y = load_digits(return_X_y=True)
X, y = X[:600] / 16.0, y[:600]
space = {"C": Real(1e-2, 1e3, log=True), "gamma": Real(1e-4, 1e1, log=True)}


def make_search(**params):
    settings = {"n_iter": 20, "n_initial_points": 6, "cv": 3, "random_state": 0}
    return BayesianSearchCV(CountingSVC(), space, **{**settings, **params})


# %%
# The reference: an uninterrupted search of 20 candidates on 3 folds fits 60
# models, and one more when it refits the best candidate on all the data.
reference = make_search()
print("uninterrupted search:", count_fits(reference, X, y), "fits")

# %%
# Stopping early on purpose
# -------------------------
# A callback is any callable that takes a :class:`~skhp.callbacks.SearchState`
# after each round and returns True to end the search. Ready-made ones stop
# when the best score has not improved for ``patience`` rounds, or once it is
# good enough; ``max_time`` stops once a time budget has passed. The round
# under way always finishes, and ``stop_reason_`` says which rule fired.
stoppers = {
    "no improvement for 4 rounds": [NoImprovementStopper(patience=4)],
    "accuracy of 0.9 reached": [ScoreThresholdStopper(threshold=0.9)],
}
for label, callbacks in stoppers.items():
    search = make_search(callbacks=callbacks).fit(X, y)
    print(
        f"{label}: {len(search.cv_results_['params'])} candidates, "
        f"best {search.best_score_:.3f}, stop_reason_={search.stop_reason_!r}"
    )

# %%
# An interruption
# ---------------
# A crash is simulated with a callback that raises an exception after the
# fifth round. The checkpoint is written at the end of every round, before the
# callbacks run, so it holds all five rounds. (A job killed in the middle of a
# round loses that round's fits: a checkpoint holds completed rounds.)
checkpoint_dir = tempfile.mkdtemp()
checkpoint = os.path.join(checkpoint_dir, "search.json")


class SimulatedCrash(Exception):
    pass


class CrashAfter:
    """Raise SimulatedCrash once ``n_rounds`` rounds are done."""

    def __init__(self, n_rounds):
        self.n_rounds = n_rounds

    def __call__(self, state):
        if state.n_rounds >= self.n_rounds:
            raise SimulatedCrash(f"crashed after {state.n_evaluated} candidates")
        return False


CountingSVC.n_fits = 0
try:
    make_search(checkpoint=checkpoint, callbacks=[CrashAfter(5)]).fit(X, y)
except SimulatedCrash as crash:
    print(f"{crash}: {CountingSVC.n_fits} fits so far")

with open(checkpoint) as f:
    saved = json.load(f)
print(
    f"the checkpoint holds {len(saved['rounds'])} rounds, "
    f"{os.path.getsize(checkpoint)} bytes of JSON"
)

# %%
# The checkpoint stores the cross-validation results of every evaluated
# candidate and the state of the random generator at the start of the search,
# not the strategy itself. On resume, the recorded rounds are replayed through
# a fresh strategy: told the same scores in the same order, it reaches the
# state it had when the search stopped, and the candidates it proposes along
# the way are checked against the recorded ones. Loading it never runs code,
# unlike unpickling.
#
# Resuming
# --------
# The same search is fitted again with the same checkpoint path. Only the
# callbacks differ (with ``n_jobs``, ``verbose`` and ``max_time``, they may
# change between runs).
resumed = make_search(checkpoint=checkpoint)
print("resumed search:", count_fits(resumed, X, y), "fits")
same = np.array_equal(
    resumed.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"]
)
print("same scores as the uninterrupted search:", same)
print("same best parameters:", resumed.best_params_ == reference.best_params_)

# %%
# The ten candidates evaluated before the crash were read from the
# checkpoint: the resumed search fitted only the ten new ones (30 fits) and
# the final refit. Its ``cv_results_`` lists all twenty, in order, exactly as
# the uninterrupted search does (the recorded fit times are those of the
# first run).
#
# A larger budget
# ---------------
# The budget (``n_iter`` here, ``n_generations`` for an evolutionary search)
# may grow between runs: the search replays what it has and goes on. Here the
# finished search is extended to 30 candidates.
extended = make_search(checkpoint=checkpoint, n_iter=30)
print("extended search:", count_fits(extended, X, y), "fits")
print("candidates:", len(extended.cv_results_["params"]))

# %%
# That is 10 new candidates (30 fits) and the refit: the twenty recorded
# candidates were read from the file. Fitting a finished search again with
# the same budget would fit one candidate again (3 fits), because
# scikit-learn's search machinery reports a search only after it fitted
# something; the recorded scores are kept. An interrupted search, like the
# crashed one above, repeats no fit.
#
# A checkpoint of another estimator, search space, data or setting is
# refused with an error rather than silently mixed in. Changing a
# hyperparameter of the estimator, for instance:
try:
    make_search(checkpoint=checkpoint).set_params(estimator__kernel="poly").fit(X, y)
except ValueError as error:
    message = str(error).replace(checkpoint, "search.json")
    print(textwrap.fill(f"{type(error).__name__}: {message}", width=79))
shutil.rmtree(checkpoint_dir)

# %%
# The whole story in one plot: the resumed and extended search against the
# uninterrupted one (the wide pale line). They coincide over the first twenty
# candidates; the dotted line marks the crash.
ax = plot_convergence(
    reference, extended, labels=["uninterrupted, 20", "resumed and extended, 30"]
)
ax.lines[0].set(linewidth=6, alpha=0.4)
ax.set_ylim(0.8, 0.92)
ax.legend(loc="lower right")
ax.axvline(10.5, color="tab:gray", linestyle=":")
ax.text(10.8, 0.1, "crash", color="tab:gray", transform=ax.get_xaxis_transform())
ax.set_title("Best cross-validated accuracy so far")
plt.show()
