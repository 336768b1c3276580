"""
=====================================================
Learning-rate and batch-size schedules compared
=====================================================

The step size of stochastic gradient descent rarely stays best for a whole
training run: a large one makes fast progress at first but keeps the weights
bouncing around a minimum later. The usual remedies lower the learning rate
over time, after a short warm-up, or grow the batch instead, which lowers the
noise of each step as a smaller learning rate would while taking fewer,
cheaper steps.

:class:`~skhp.neural_network.MLPWithSchedulesClassifier` takes a schedule from
:mod:`skhp.schedules` wherever it takes a number for ``learning_rate``,
``momentum`` or ``batch_size``. This example previews four schedules, trains
the same network with each and compares the loss curves.
"""

# %%
# The schedules
# -------------
# All four runs use SGD with momentum for 60 epochs.
#
# * ``constant``: a learning rate of 0.05 throughout, batches of 32.
# * ``warm-up + cosine``: the learning rate climbs linearly from 0.005 to 0.1
#   over 5 epochs, then falls along a half cosine to 0 at the last epoch.
# * ``step decay``: 0.05 halved every 15 epochs.
# * ``batch growth``: 0.05 throughout, but the batch doubles every 15 epochs,
#   on the calendar of the step decay.
#
# A schedule stores only its arguments; its ``preview`` shows the values it
# would produce, and :func:`~skhp.plot.plot_schedule` draws them, so a
# schedule can be checked before any training.
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skhp.neural_network import MLPWithSchedulesClassifier
from skhp.plot import plot_schedule
from skhp.schedules import (
    Chain,
    CosineAnnealing,
    GeometricBatchSize,
    LinearWarmup,
    StepDecay,
)

n_epochs = 60
warmup_cosine = Chain(
    schedules=[
        ("warmup", LinearWarmup(start_value=0.005, end_value=0.1, warmup_epochs=5)),
        ("cosine", CosineAnnealing(max_value=0.1, min_value=0.0)),
    ],
    milestones=[5],
)
runs = {
    "constant": {"learning_rate": 0.05, "batch_size": 32},
    "warm-up + cosine": {"learning_rate": warmup_cosine, "batch_size": 32},
    "step decay": {
        "learning_rate": StepDecay(initial_value=0.05, factor=0.5, step_size=15),
        "batch_size": 32,
    },
    "batch growth": {
        "learning_rate": 0.05,
        "batch_size": GeometricBatchSize(initial_batch_size=32, factor=2, step_size=15),
    },
}

# The data: a seeded synthetic three-class problem whose classes overlap and
# whose labels are 10% noise, so that no network drives the training loss to
# zero and the noise of the steps shows.
# Lines that coincide (the constant learning rate of two runs, the constant
# batch size of three) are told apart by their style.
styles = {
    "constant": {"linewidth": 3, "alpha": 0.6},
    "warm-up + cosine": {},
    "step decay": {"linestyle": "--"},
    "batch growth": {"linestyle": ":", "linewidth": 2},
}

X, y = make_classification(
    n_samples=3000,
    n_features=20,
    n_informative=10,
    n_classes=3,
    flip_y=0.1,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)

fig, (ax_lr, ax_bs) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
for name, params in runs.items():
    for key, ax in (("learning_rate", ax_lr), ("batch_size", ax_bs)):
        value = params[key]
        if not hasattr(value, "preview"):
            # A plain number: draw it as the constant schedule it stands for.
            ax.step(
                [0, n_epochs], [value, value], where="post", label=name, **styles[name]
            )
            continue
        plot_schedule(value, n_epochs, ax=ax, n_samples=len(X_train), label=name)
        ax.lines[-1].set(**styles[name])
ax_lr.set_ylabel("learning rate")
ax_bs.set_ylabel("batch size")
for ax in (ax_lr, ax_bs):
    ax.legend()
fig.suptitle("The schedules, previewed before training")

# %%
# Training
# --------
# The same network, one hidden layer of 64 units with a small L2 penalty, is
# trained with each schedule from the same initial weights
# (``random_state=0``). Early stopping
# is off (``n_iter_no_change=None``) so that every run uses its whole budget
# and the curves compare epoch by epoch; the ``ConvergenceWarning`` that
# reaching the budget raises is expected, so it is silenced.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
models = {}
for name, params in runs.items():
    model = MLPWithSchedulesClassifier(
        hidden_layer_sizes=(64,),
        solver="sgd",
        momentum=0.9,
        alpha=1e-3,
        max_iter=n_epochs,
        n_iter_no_change=None,
        random_state=0,
        **params,
    )
    tic = time.perf_counter()
    models[name] = model.fit(X_train, y_train)
    updates = sum(
        int(np.ceil(len(X_train) / batch)) for batch in model.batch_size_curve_
    )
    print(
        f"{name:>17}: final loss {model.loss_curve_[-1]:.4f}, "
        f"test accuracy {model.score(X_test, y_test):.3f}, "
        f"{updates:5d} updates, {time.perf_counter() - tic:.1f} s"
    )

# %%
# What the networks went through
# ------------------------------
# Each fitted model records, per epoch, its training loss (``loss_curve_``)
# and the learning rate and batch size it actually used
# (``learning_rate_curve_``, ``batch_size_curve_``): what the schedules
# produced, read back from the training run.
# sphinx_gallery_thumbnail_number = 2
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), layout="constrained")
for name, model in models.items():
    epochs = np.arange(1, len(model.loss_curve_) + 1)
    axes[0].plot(epochs, model.loss_curve_, label=name, **styles[name])
    axes[1].plot(epochs, model.learning_rate_curve_, label=name, **styles[name])
    axes[2].plot(epochs, model.batch_size_curve_, label=name, **styles[name])
axes[0].set_yscale("log")
axes[0].set_ylabel("training loss")
axes[1].set_ylabel("learning rate")
axes[2].set_ylabel("batch size")
axes[2].set_yscale("log", base=2)
for ax in axes:
    ax.set_xlabel("epoch")
axes[0].legend()
fig.suptitle("Loss, learning rate and batch size of each run")
plt.show()

# %%
# The constant learning rate stalls: its training loss stops falling after
# a few epochs and wanders, the noise of each step setting a floor. Every
# schedule that lowers that noise late in training goes far below it, whether
# it lowers the learning rate (warm-up + cosine, step decay) or grows the
# batch. Batch growth follows the step decay's curve closely with fewer than
# half of its parameter updates, the equivalence Smith et al. describe in
# "Don't Decay the Learning Rate, Increase the Batch Size" (ICLR 2018).
#
# The test accuracy moves much less than the training loss: with 10% of the
# labels wrong, a lower training loss is partly memorized noise. Which
# schedule generalizes best is a question for cross-validation, and the
# schedules' arguments are nested parameters that a search can tune, such as
# ``learning_rate__cosine__max_value`` for the chain above.
