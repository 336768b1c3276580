"""Suggestion overhead of BayesianOptimizer beside scikit-optimize and Optuna.

Median seconds per ask+tell after 25, 50, 100 and 200 observations in a 6-D
mixed space (4 real, one of them on a log scale; 1 integer; 1 categorical with
3 choices), measured side by side in one run:

- skhp BayesianOptimizer, run sequentially (its normal use: each fit is
  warm-started from the previous one), timed over the 5 steps after each level;
- skhp again, told the observations in one call before the 5 timed steps (a
  cold fit, as the peers get);
- scikit-optimize's ``Optimizer`` (GP, its defaults) and Optuna's GPSampler and
  TPESampler, told the same observations in one call, then timed over a few
  steps (3 for scikit-optimize, 5 for Optuna);
- scikit-learn's GaussianProcessRegressor alone (Matern-5/2 ARD + white noise,
  two restarts, normalized targets) fitted on the same encoded observations,
  the model skhp would reuse if it were fast enough.

Run it alone (other work on the machine skews the timings), from the repository
root, with the `bench` extra installed (``pip install -e ".[bench]"``)::

    python benchmarks/bench_bayes_overhead.py
"""

import os

# Every method gets one BLAS thread, as skhp's surrogate uses: on the 2 shared
# cores of the development machines, multi-threaded BLAS on matrices of a few
# hundred rows spends its time synchronizing (a 200-point GP fit by
# scikit-learn took 24 s with two threads and a busy neighbour).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

from skhp.optimize import BayesianOptimizer  # noqa: E402
from skhp.space import Categorical, Integer, Real, SearchSpace  # noqa: E402

LEVELS = (25, 50, 100, 200)

SPACE = {
    "x1": Real(0.0, 1.0),
    "x2": Real(-2.0, 2.0),
    "lr": Real(1e-4, 1e0, log=True),
    "x4": Real(0.0, 10.0),
    "depth": Integer(1, 20),
    "kind": Categorical(["a", "b", "c"]),
}


def objective(p):
    """A smooth mixed function to maximize, with a little deterministic noise."""
    value = (
        -((p["x1"] - 0.3) ** 2)
        - 0.25 * (p["x2"] - 0.5) ** 2
        - 0.1 * (math.log10(p["lr"]) + 2) ** 2
        - 0.01 * (p["x4"] - 7) ** 2
        - 0.002 * (p["depth"] - 8) ** 2
        - {"a": 0.3, "b": 0.0, "c": 0.6}[p["kind"]]
    )
    return value + 0.01 * math.sin(1e3 * p["x1"] * p["x4"])


def history(n, seed=0):
    params = SearchSpace(SPACE).sample(n, np.random.RandomState(seed))
    return params, [objective(p) for p in params]


def time_steps(step, n_steps):
    times = []
    for _ in range(n_steps):
        tic = time.perf_counter()
        step()
        times.append(time.perf_counter() - tic)
    return float(np.median(times))


# -- skhp ---------------------------------------------------------------------------


def skhp_sequential(levels, n_steps=5):
    opt = BayesianOptimizer(SPACE, n_initial_points=10, random_state=0)
    out = {}
    for level in levels:
        while opt.n_observed < level:
            params = opt.ask()
            opt.tell(params, [objective(p) for p in params])

        def step():
            params = opt.ask()
            opt.tell(params, [objective(p) for p in params])

        out[level] = time_steps(step, n_steps)
    return out


def skhp_cold(levels, n_steps=5):
    out = {}
    for level in levels:
        opt = BayesianOptimizer(SPACE, n_initial_points=10, random_state=0)
        opt.tell(*history(level))

        def step(opt=opt):
            params = opt.ask()
            opt.tell(params, [objective(p) for p in params])

        out[level] = time_steps(step, n_steps)
    return out


def sklearn_gpr(levels, n_steps=3):
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    space = SearchSpace(SPACE)
    out = {}
    for level in levels:
        params, y = history(level)
        X = space.encode(params)
        kernel = ConstantKernel() * Matern(np.ones(X.shape[1]), nu=2.5) + WhiteKernel(
            1e-2
        )

        def step(X=X, y=y, kernel=kernel):
            GaussianProcessRegressor(
                kernel, normalize_y=True, n_restarts_optimizer=2, random_state=0
            ).fit(X, y)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[level] = time_steps(step, n_steps)
    return out


# -- peers --------------------------------------------------------------------------


def skopt_optimizer(levels, n_steps=3):
    from skopt import Optimizer
    from skopt.space import Categorical as SkCategorical
    from skopt.space import Integer as SkInteger
    from skopt.space import Real as SkReal

    names = sorted(SPACE)
    dims = []
    for name in names:
        dim = SPACE[name]
        if isinstance(dim, Real):
            prior = "log-uniform" if dim.log else "uniform"
            dims.append(SkReal(dim.low, dim.high, prior=prior, name=name))
        elif isinstance(dim, Integer):
            dims.append(SkInteger(dim.low, dim.high, name=name))
        else:
            dims.append(SkCategorical(dim.choices, name=name))
    out = {}
    for level in levels:
        opt = Optimizer(dims, base_estimator="GP", n_initial_points=10, random_state=0)
        params, y = history(level)
        opt.tell([[p[n] for n in names] for p in params], [-v for v in y])

        def step(opt=opt):
            x = opt.ask()
            opt.tell(x, -objective(dict(zip(names, x, strict=True))))

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[level] = time_steps(step, n_steps)
    return out


def optuna_distributions(optuna):
    dists = {}
    for name, dim in SPACE.items():
        if isinstance(dim, Real):
            dists[name] = optuna.distributions.FloatDistribution(
                dim.low, dim.high, log=dim.log
            )
        elif isinstance(dim, Integer):
            dists[name] = optuna.distributions.IntDistribution(dim.low, dim.high)
        else:
            dists[name] = optuna.distributions.CategoricalDistribution(dim.choices)
    return dists


def optuna_sampler(kind):
    def run(levels, n_steps=5):
        import optuna
        import torch

        torch.set_num_threads(1)
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        dists = optuna_distributions(optuna)
        out = {}
        for level in levels:
            sampler = (
                optuna.samplers.GPSampler(seed=0)
                if kind == "gp"
                else optuna.samplers.TPESampler(seed=0)
            )
            study = optuna.create_study(direction="maximize", sampler=sampler)
            params, y = history(level)
            study.add_trials(
                [
                    optuna.trial.create_trial(params=p, distributions=dists, value=v)
                    for p, v in zip(params, y, strict=True)
                ]
            )

            def step(study=study):
                trial = study.ask(dists)
                study.tell(trial, objective(trial.params))

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out[level] = time_steps(step, n_steps)
        return out

    return run


METHODS = {
    "skhp (sequential)": skhp_sequential,
    "skhp (cold fit)": skhp_cold,
    "sklearn GPR fit only": sklearn_gpr,
    "skopt Optimizer": skopt_optimizer,
    "Optuna GPSampler": optuna_sampler("gp"),
    "Optuna TPESampler": optuna_sampler("tpe"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=list(LEVELS))
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    args = parser.parse_args()

    results = {}
    for name in args.methods:
        tic = time.perf_counter()
        results[name] = METHODS[name](args.levels)
        print(f"# {name}: {time.perf_counter() - tic:.0f} s", flush=True)

    header = "| method | " + " | ".join(f"{n} obs" for n in args.levels) + " |"
    print(header)
    print("|---" * (len(args.levels) + 1) + "|")
    for name, row in results.items():
        cells = " | ".join(f"{row[n] * 1e3:.0f} ms" for n in args.levels)
        print(f"| {name} | {cells} |")


if __name__ == "__main__":
    main()
