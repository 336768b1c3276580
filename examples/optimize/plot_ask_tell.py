"""
=============================================
Optimizing any function with ask and tell
=============================================

The searches of :mod:`skhp.model_selection` are thin: a strategy proposes
candidates, scikit-learn cross-validates them, the scores go back to the
strategy. The strategies live in :mod:`skhp.optimize` and work on any
function of a few parameters: a simulation, a model scored on a fixed
validation set, a measurement that takes a day. They follow an ask/tell
protocol, so the loop that evaluates the candidates stays in your hands.

This example minimizes a classic test function with the Bayesian and the
evolutionary strategy, compares them with random sampling, and then writes
the ask/tell loop by hand.
"""

# %%
# A function with three minima
# ----------------------------
# The Branin function of two variables has three global minima, all of value
# 0.397887, in a landscape of valleys and ridges. Each call is cheap here,
# but the optimizers only see the values it returns, as they would for an
# expensive function.
import matplotlib.pyplot as plt
import numpy as np

from skhp.optimize import BayesianOptimizer, minimize
from skhp.space import Real, SearchSpace


def branin(params):
    x1, x2 = params["x1"], params["x2"]
    a, b, c = 1.0, 5.1 / (4 * np.pi**2), 5 / np.pi
    r, s, t = 6.0, 10.0, 1 / (8 * np.pi)
    return a * (x2 - b * x1**2 + c * x1 - r) ** 2 + s * (1 - t) * np.cos(x1) + s


space = {"x1": Real(-5, 10), "x2": Real(0, 15)}
minima = np.array([[-np.pi, 12.275], [np.pi, 2.275], [9.42478, 2.475]])

# %%
# Three strategies, five seeds
# ----------------------------
# :func:`~skhp.optimize.minimize` runs the loop for a strategy: 40 calls of
# the function, proposed one at a time by the Gaussian-process model of
# :class:`~skhp.optimize.BayesianOptimizer`, or a population of 8 at a time by
# :class:`~skhp.optimize.EvolutionaryOptimizer`. Random sampling draws the 40
# points uniformly. Each strategy runs with five seeds, since one run says
# little about what to expect.
n_calls, seeds = 40, range(5)
runs = {"Bayesian": [], "evolutionary": [], "random": []}
for seed in seeds:
    runs["Bayesian"].append(
        minimize(branin, space, method="bayes", n_calls=n_calls, random_state=seed)
    )
    runs["evolutionary"].append(
        minimize(
            branin,
            space,
            method="evolution",
            n_calls=n_calls,
            population_size=8,
            random_state=seed,
        )
    )
    points = SearchSpace(space).sample(n_calls, random_state=seed)
    runs["random"].append({"x_iters": points, "func_vals": [branin(p) for p in points]})

fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
for name, results in runs.items():
    best = np.array([np.minimum.accumulate(r["func_vals"]) for r in results])
    calls = np.arange(1, n_calls + 1)
    (line,) = ax.plot(calls, np.median(best, axis=0), label=name)
    ax.fill_between(
        calls, best.min(axis=0), best.max(axis=0), color=line.get_color(), alpha=0.2
    )
    print(f"{name:>12}: best value after {n_calls} calls, per seed:", end=" ")
    print(np.round(best[:, -1], 3).tolist())
ax.axhline(0.397887, color="black", linestyle=":", label="global minimum")
ax.set_yscale("log")
ax.set_xlabel("calls of the function")
ax.set_ylabel("best value so far")
ax.set_title("Branin: median over 5 seeds, band from best to worst seed")
ax.legend()

# %%
# On a smooth function of two variables the Gaussian process is in its
# element: it reaches a global minimum within a few thousandths in every run,
# after about 25 calls. The evolutionary strategy does better than random
# sampling in the median, but 40 calls are five generations, too few for it
# to settle on a minimum. Its strengths lie elsewhere: cheap proposals, large parallel
# batches, and structured spaces such as the architectures of
# :class:`~skhp.space.LayerSizes`.
#
# Where each strategy looked
# --------------------------
# The points of one run of each strategy, over the function's contours: the
# Bayesian optimizer spreads its first points, then homes in on the three
# minima in turn; the evolutionary one drifts towards good regions a
# generation at a time.
x1, x2 = np.meshgrid(np.linspace(-5, 10, 200), np.linspace(0, 15, 200))
values = branin({"x1": x1, "x2": x2})
fig, axes = plt.subplots(1, 3, figsize=(12, 4), layout="constrained", sharey=True)
for ax, (name, results) in zip(axes, runs.items(), strict=True):
    ax.contour(x1, x2, np.log(values), levels=15, colors="tab:gray", linewidths=0.5)
    points = np.array([[p["x1"], p["x2"]] for p in results[0]["x_iters"]])
    dots = ax.scatter(points[:, 0], points[:, 1], c=np.arange(n_calls), s=18)
    ax.scatter(*minima.T, marker="*", s=150, color="tab:red", label="minima")
    ax.set_title(name)
    ax.set_xlabel("x1")
    ax.set_xticks([-5, 0, 5, 10])
axes[0].set_ylabel("x2")
axes[0].legend(loc="upper right")
fig.colorbar(dots, ax=axes, label="call")

# %%
# Writing the loop by hand
# ------------------------
# :func:`~skhp.optimize.minimize` is a few lines around the optimizer's two
# methods. ``ask(n)`` returns ``n`` new candidates, never one proposed
# before; ``tell(params, scores)`` reports how they did. Optimizers maximize,
# so a value to minimize is told negated. Writing the loop yourself lets you
# evaluate a batch wherever you like (here four points at a time, as four
# machines would), stop on your own criterion (here, within 0.001 of the
# known minimum), and feed in results obtained before: ``tell`` accepts
# candidates it never proposed.
optimizer = BayesianOptimizer(space, n_initial_points=8, random_state=0)
earlier = [{"x1": 0.0, "x2": 5.0}, {"x1": 5.0, "x2": 10.0}]
optimizer.tell(earlier, [-branin(p) for p in earlier])
while optimizer.n_observed < 50:
    batch = optimizer.ask(4)
    optimizer.tell(batch, [-branin(p) for p in batch])
    if -optimizer.best_score < 0.397887 + 1e-3:
        break
best = optimizer.best_params
print(
    f"{optimizer.n_observed} evaluations; best value {-optimizer.best_score:.4f} "
    f"at x1={best['x1']:.3f}, x2={best['x2']:.3f}"
)
plt.show()
