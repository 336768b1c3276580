"""Benchmark of EvolutionarySearchCV and EvolutionaryOptimizer.

At equal numbers of evaluations (population 10 x 4 generations = 40, and
20 x 10 = 200), over several seeds, against sklearn-genetic-opt's GASearchCV,
Optuna's CMA-ES sampler (where the space is all numeric) and scikit-learn's
RandomizedSearchCV, on two synthetic functions and three real tasks; then the
search overhead per evaluation, and a 4-layer architecture search for an MLP
on digits against the default ``hidden_layer_sizes=(100,)``.

Run it alone (other work on the machine skews the timings), from the repository
root, with the `bench` extra installed (``pip install -e ".[bench]"``)::

    python benchmarks/bench_evolution.py

``--quick`` runs one seed and small budgets, to check that the script works.
"""

import argparse
import logging
import math
import os
import random
import time
import warnings

import numpy as np
import optuna
from joblib import Parallel, delayed
from optuna.distributions import FloatDistribution, IntDistribution
from optuna_integration import OptunaSearchCV
from scipy.stats import loguniform, randint, uniform
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.decomposition import PCA
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import (
    ParameterSampler,
    RandomizedSearchCV,
    StratifiedKFold,
    cross_val_score,
    train_test_split,
)
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC
from sklearn_genetic import GASearchCV
from sklearn_genetic import space as ga
from threadpoolctl import threadpool_limits

from skhp import EvolutionarySearchCV
from skhp.optimize import EvolutionaryOptimizer, minimize
from skhp.space import Categorical, Integer, LayerSizes, Real

from _problems import BRANIN_BOUNDS, HARTMANN6_BOUNDS, branin, hartmann6

# (population, generations, seeds): the small budget is cheap and its
# results are the noisiest, so it gets more seeds.
BUDGETS = [(10, 4, 10), (20, 10, 5)]
N_SEEDS = 5
# Seeds run two at a time (one process per core) in the comparison; the
# overhead is timed in the main process alone.
N_JOBS = 2

# -- synthetic functions (minimized) ---------------------------------------------


class _BraninModel(RegressorMixin, BaseEstimator):
    """GASearchCV only searches estimators: this one scores -branin(params)."""

    def __init__(self, x1=0.0, x2=0.0):
        self.x1 = x1
        self.x2 = x2

    def fit(self, X, y=None):
        return self

    def score(self, X, y=None):
        return -branin(self.get_params())


class _Hartmann6Model(RegressorMixin, BaseEstimator):
    """GASearchCV only searches estimators: this one scores -hartmann6(params)."""

    def __init__(self, x0=0.0, x1=0.0, x2=0.0, x3=0.0, x4=0.0, x5=0.0):
        self.x0, self.x1, self.x2 = x0, x1, x2
        self.x3, self.x4, self.x5 = x3, x4, x5

    def fit(self, X, y=None):
        return self

    def score(self, X, y=None):
        return -hartmann6(self.get_params())


def _box(names_bounds):
    """The four descriptions of a box of real parameters (non-log)."""
    return {
        "skhp": {n: Real(lo, hi) for n, (lo, hi) in names_bounds.items()},
        "ga": lambda rs: {
            n: ga.Continuous(lo, hi, random_state=rs)
            for n, (lo, hi) in names_bounds.items()
        },
        "scipy": {n: uniform(lo, hi - lo) for n, (lo, hi) in names_bounds.items()},
        "optuna": {
            n: FloatDistribution(lo, hi) for n, (lo, hi) in names_bounds.items()
        },
    }


def function_tasks():
    return [
        {
            "name": "Branin (min 0.398)",
            "func": branin,
            "model": _BraninModel(),
            **_box(BRANIN_BOUNDS),
        },
        {
            "name": "Hartmann-6 (min -3.322)",
            "func": hartmann6,
            "model": _Hartmann6Model(),
            **_box(HARTMANN6_BOUNDS),
        },
    ]


# -- real tasks (CV accuracy, maximized) -------------------------------------------


def cv_tasks():
    Xd, yd = load_digits(return_X_y=True)
    # A stratified 600-sample subset keeps the seeds x 4 methods x 240 fits of
    # SVC within the time budget.
    Xd, _, yd, _ = train_test_split(
        Xd / 16.0, yd, train_size=600, stratify=yd, random_state=0
    )
    Xb, yb = load_breast_cancer(return_X_y=True)
    Xw, yw = load_wine(return_X_y=True)
    # Unscaled data with a large C can take libsvm minutes to converge: the
    # iteration cap bounds every fit's time, for every method alike.
    svc = SVC(max_iter=20_000)
    pipe = Pipeline([("scale", StandardScaler()), ("pca", PCA()), ("clf", svc)])
    scalers = [StandardScaler(), MinMaxScaler(), "passthrough"]
    kernels = ["linear", "rbf", "poly", "sigmoid"]
    return [
        {
            "name": "SVC on digits",
            "estimator": SVC(),
            "X": Xd,
            "y": yd,
            "skhp": {
                "C": Real(1e-2, 1e3, log=True),
                "gamma": Real(1e-5, 1e0, log=True),
            },
            "ga": lambda rs: {
                "C": ga.Continuous(
                    1e-2, 1e3, distribution="log-uniform", random_state=rs
                ),
                "gamma": ga.Continuous(
                    1e-5, 1e0, distribution="log-uniform", random_state=rs
                ),
            },
            "scipy": {"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-5, 1e0)},
            "optuna": {
                "C": FloatDistribution(1e-2, 1e3, log=True),
                "gamma": FloatDistribution(1e-5, 1e0, log=True),
            },
        },
        {
            "name": "Gradient boosting on breast cancer",
            "estimator": GradientBoostingClassifier(random_state=0),
            "X": Xb,
            "y": yb,
            "skhp": {
                "n_estimators": Integer(5, 20),
                "max_depth": Integer(1, 3),
                "learning_rate": Real(1e-2, 1.0, log=True),
                "subsample": Real(0.5, 1.0),
            },
            "ga": lambda rs: {
                "n_estimators": ga.Integer(5, 20, random_state=rs),
                "max_depth": ga.Integer(1, 3, random_state=rs),
                "learning_rate": ga.Continuous(
                    1e-2, 1.0, distribution="log-uniform", random_state=rs
                ),
                "subsample": ga.Continuous(0.5, 1.0, random_state=rs),
            },
            "scipy": {
                "n_estimators": randint(5, 21),
                "max_depth": randint(1, 4),
                "learning_rate": loguniform(1e-2, 1.0),
                "subsample": uniform(0.5, 0.5),
            },
            "optuna": {
                "n_estimators": IntDistribution(5, 20),
                "max_depth": IntDistribution(1, 3),
                "learning_rate": FloatDistribution(1e-2, 1.0, log=True),
                "subsample": FloatDistribution(0.5, 1.0),
            },
        },
        {
            "name": "Pipeline (scaler, PCA, SVC) on wine",
            "estimator": pipe,
            "X": Xw,
            "y": yw,
            "skhp": {
                "scale": Categorical(scalers),
                "pca__n_components": Integer(1, 13),
                "clf__kernel": Categorical(kernels),
                "clf__C": Real(1e-3, 1e3, log=True),
                "clf__gamma": Real(1e-4, 1e1, log=True),
            },
            "ga": lambda rs: {
                "scale": ga.Categorical(scalers, random_state=rs),
                "pca__n_components": ga.Integer(1, 13, random_state=rs),
                "clf__kernel": ga.Categorical(kernels, random_state=rs),
                "clf__C": ga.Continuous(
                    1e-3, 1e3, distribution="log-uniform", random_state=rs
                ),
                "clf__gamma": ga.Continuous(
                    1e-4, 1e1, distribution="log-uniform", random_state=rs
                ),
            },
            "scipy": {
                "scale": scalers,
                "pca__n_components": randint(1, 14),
                "clf__kernel": kernels,
                "clf__C": loguniform(1e-3, 1e3),
                "clf__gamma": loguniform(1e-4, 1e1),
            },
            "optuna": None,  # CMA-ES cannot search categorical choices.
        },
    ]


# -- the competitors ----------------------------------------------------------------


def _ga_best(estimator, space, X, y, cv, population, n_evals, seed):
    """Best mean CV score of GASearchCV over its first ``n_evals`` distinct fits.

    GASearchCV breeds 2 x population children per generation (DEAP's
    mu + lambda) and caches repeated individuals: it runs the fewest
    generations that can reach the budget and is cut at ``n_evals`` distinct
    candidates (it may find fewer, which the report shows).
    """
    # sklearn-genetic-opt has no random_state of its own: DEAP draws from
    # Python's global generator, which is the only way to seed it.
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002
    generations = math.ceil((n_evals - population) / (2 * population))
    search = GASearchCV(
        clone(estimator),
        cv=cv,
        param_grid=space,
        population_size=population,
        generations=generations,
        verbose=False,
        refit=False,
        n_jobs=1,
    )
    search.fit(X, y)
    results = search.cv_results_
    seen, best = set(), -math.inf
    for params, score in zip(
        results["params"], results["mean_test_score"], strict=True
    ):
        key = tuple(sorted((k, repr(v)) for k, v in params.items()))
        if key in seen:
            continue
        seen.add(key)
        best = max(best, score)
        if len(seen) == n_evals:
            break
    return best, len(seen)


def _cma_study(seed, direction):
    # Set here too: the worker processes do not run main().
    optuna.logging.set_verbosity(logging.WARNING)
    sampler = optuna.samplers.CmaEsSampler(seed=seed)
    return optuna.create_study(sampler=sampler, direction=direction)


def run_function_task(task, population, generations, seed):
    """Best value (minimum) found by each method; lower is better."""
    n_evals = population * generations
    func, out = task["func"], {}
    res = minimize(
        func,
        task["skhp"],
        method="evolution",
        n_calls=n_evals,
        population_size=population,
        random_state=seed,
    )
    out["skhp"] = res.fun

    X, y = np.zeros((4, 1)), np.array([0, 1, 0, 1])
    cv = [(np.array([0, 1]), np.array([2, 3]))]
    best, n_found = _ga_best(
        task["model"], task["ga"](seed + 1), X, y, cv, population, n_evals, seed
    )
    out["ga"], out["ga_evals"] = -best, n_found

    # RandomizedSearchCV's candidates, without its cross-validation shell.
    sampler = ParameterSampler(task["scipy"], n_iter=n_evals, random_state=seed)
    out["random"] = min(func(p) for p in sampler)

    study = _cma_study(seed, "minimize")
    dists = task["optuna"]
    study.optimize(
        lambda trial: func(
            {
                n: trial.suggest_float(n, d.low, d.high, log=d.log)
                for n, d in dists.items()
            }
        ),
        n_trials=n_evals,
    )
    out["cma"] = study.best_value
    return out


def run_cv_task(task, population, generations, seed):
    """Best mean 3-fold CV accuracy found by each method; higher is better."""
    n_evals = population * generations
    X, y, est = task["X"], task["y"], task["estimator"]
    cv = StratifiedKFold(3)
    out = {}
    tic = time.perf_counter()
    search = EvolutionarySearchCV(
        clone(est),
        task["skhp"],
        population_size=population,
        n_generations=generations,
        cv=cv,
        random_state=seed,
        refit=False,
    ).fit(X, y)
    out["skhp"] = search.best_score_
    out["skhp_time"] = time.perf_counter() - tic

    tic = time.perf_counter()
    best, n_found = _ga_best(
        est, task["ga"](seed + 1), X, y, cv, population, n_evals, seed
    )
    out["ga"], out["ga_evals"] = best, n_found
    out["ga_time"] = time.perf_counter() - tic

    tic = time.perf_counter()
    random_search = RandomizedSearchCV(
        clone(est),
        task["scipy"],
        n_iter=n_evals,
        cv=cv,
        random_state=seed,
        refit=False,
    ).fit(X, y)
    out["random"] = random_search.best_score_
    out["random_time"] = time.perf_counter() - tic

    if task["optuna"] is not None:
        tic = time.perf_counter()
        cma = OptunaSearchCV(
            clone(est),
            task["optuna"],
            cv=cv,
            n_trials=n_evals,
            study=_cma_study(seed, "maximize"),
            random_state=seed,
            refit=False,
        ).fit(X, y)
        out["cma"] = cma.best_score_
        out["cma_time"] = time.perf_counter() - tic
    return out


# -- overhead and architecture search -------------------------------------------------


def overhead_ms(space, seed, population=20, generations=10):
    """Milliseconds of ask + tell per evaluation, with instant random scores."""
    rng = np.random.RandomState(seed)
    opt = EvolutionaryOptimizer(space, population_size=population, random_state=seed)
    elapsed, n = 0.0, 0
    for _ in range(generations):
        tic = time.perf_counter()
        batch = opt.ask(population)
        elapsed += time.perf_counter() - tic
        scores = rng.normal(size=len(batch))
        tic = time.perf_counter()
        opt.tell(batch, scores)
        elapsed += time.perf_counter() - tic
        n += len(batch)
    return 1e3 * elapsed / n


def architecture_search(seeds, population=10, generations=6):
    """Search MLPClassifier's hidden layers on digits against (100,)."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, stratify=y, random_state=0
    )
    cv = StratifiedKFold(3)
    default = MLPClassifier(random_state=0)
    default_cv = cross_val_score(default, X_train, y_train, cv=cv).mean()
    default_test = clone(default).fit(X_train, y_train).score(X_test, y_test)
    rows = []
    for seed in seeds:
        tic = time.perf_counter()
        search = EvolutionarySearchCV(
            MLPClassifier(random_state=0),
            {"hidden_layer_sizes": LayerSizes(n_layers=(1, 4), units=(16, 256))},
            population_size=population,
            n_generations=generations,
            cv=cv,
            random_state=seed,
            n_jobs=2,
        ).fit(X_train, y_train)
        scores = search.cv_results_["mean_test_score"]
        better = np.flatnonzero(np.maximum.accumulate(scores) > default_cv)
        rows.append(
            {
                "seed": seed,
                "best_cv": search.best_score_,
                "best": search.best_params_["hidden_layer_sizes"],
                "test": search.score(X_test, y_test),
                "first_better": int(better[0]) + 1 if better.size else None,
                "time": time.perf_counter() - tic,
            }
        )
    return default_cv, default_test, rows


# -- report ---------------------------------------------------------------------------


def _fmt(values, digits=4):
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.{digits}f} ± {values.std():.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed, small runs")
    args = parser.parse_args()
    budgets = [(5, 2, 1), (6, 3, 1)] if args.quick else BUDGETS
    optuna.logging.set_verbosity(logging.WARNING)
    warnings.filterwarnings("ignore")
    start = time.perf_counter()

    print(
        "| task | evaluations | skhp Evolutionary | GASearchCV | CMA-ES (Optuna) "
        "| RandomizedSearchCV |"
    )
    print("|---|---|---|---|---|---|")
    tasks = [("min", t) for t in function_tasks()] + [("max", t) for t in cv_tasks()]
    for kind, task in tasks:
        for population, generations, n_seeds in budgets:
            run = run_function_task if kind == "min" else run_cv_task
            res = Parallel(n_jobs=N_JOBS)(
                delayed(run)(task, population, generations, seed)
                for seed in range(n_seeds)
            )
            col = {
                m: [r[m] for r in res if m in r]
                for m in ("skhp", "ga", "cma", "random")
            }
            ga_short = min(r["ga_evals"] for r in res)
            n = population * generations
            ga_note = "" if ga_short >= n else f" ({ga_short} distinct)"
            cma = _fmt(col["cma"]) if col["cma"] else "n/a (categorical)"
            print(
                f"| {task['name']} | {population}×{generations} = {n}, "
                f"{n_seeds} seeds | "
                f"{_fmt(col['skhp'])} | {_fmt(col['ga'])}{ga_note} | {cma} | "
                f"{_fmt(col['random'])} |",
                flush=True,
            )
            if kind == "max":
                times = {
                    m: np.mean([r[f"{m}_time"] for r in res if f"{m}_time" in r])
                    for m in ("skhp", "ga", "cma", "random")
                }
                print(f"<!-- wall time per run (s): {times} -->", flush=True)
    print(f"\nComparison done in {time.perf_counter() - start:.0f} s\n", flush=True)

    spaces = {t["name"]: t["skhp"] for t in function_tasks() + cv_tasks()}
    spaces["LayerSizes(n_layers=(1, 4))"] = {
        "hidden_layer_sizes": LayerSizes(n_layers=(1, 4), units=(16, 256))
    }
    print("| space | ask + tell per evaluation (ms, median of seeds) |")
    print("|---|---|")
    for name, space in spaces.items():
        med = np.median([overhead_ms(space, seed) for seed in range(N_SEEDS)])
        print(f"| {name} | {med:.3f} |", flush=True)

    default_cv, default_test, rows = architecture_search(
        [0] if args.quick else [0, 1],
        *((4, 2) if args.quick else (10, 6)),
    )
    print(
        f"\nMLPClassifier default (100,): CV {default_cv:.4f}, test {default_test:.4f}"
    )
    print(
        "| seed | best hidden_layer_sizes | best CV | test | evaluations to beat "
        "(100,) | time (s) |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['seed']} | {r['best']} | {r['best_cv']:.4f} | {r['test']:.4f} | "
            f"{r['first_better']} | {r['time']:.0f} |",
            flush=True,
        )
    print(f"\nTotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    # One BLAS thread: the machine's two cores are shared, and multithreaded
    # BLAS on problems this small only adds contention.
    # Worker processes inherit the environment: one BLAS thread, and none of
    # the convergence warnings of the fits.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    os.environ["PYTHONWARNINGS"] = "ignore"
    with threadpool_limits(limits=1):
        main()
