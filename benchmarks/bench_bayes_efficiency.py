"""Sample efficiency of BayesianSearchCV beside random search, skopt and Optuna.

40 evaluations per search, several seeds, side by side in one run:

- synthetic functions, minimized: Branin (2-D) and Hartmann-6 (6-D). Methods:
  skhp ``minimize(method="bayes")``, random sampling, scikit-optimize's
  ``Optimizer`` (GP, its defaults), Optuna's TPESampler and GPSampler. Reported:
  median final regret (best value found minus the known minimum) over the
  seeds, and the median wall-clock seconds of one 40-evaluation search;
- real scikit-learn tasks, 3-fold CV accuracy, maximized: SVC on (the first 600
  samples of) digits, gradient boosting (a small number of trees) on breast
  cancer, and a Pipeline choosing its scaler on wine. Methods: skhp
  BayesianSearchCV, RandomizedSearchCV, scikit-optimize's BayesSearchCV, and
  Optuna's OptunaSearchCV with TPE and GP. Reported: mean over the seeds of the
  best mean CV score, and the median wall-clock seconds of one search.

Run it alone (other work on the machine skews the timings), from the repository
root, with the `bench` extra installed (``pip install -e ".[bench]"``)::

    python benchmarks/bench_bayes_efficiency.py

``--seeds`` sets the seeds of the real tasks and ``--synthetic-seeds`` those of
the functions (20 by default: a search on them takes about a second, and a median
regret over a handful of seeds moves by a factor of two from one seed to the
next); ``--problems`` and ``--methods`` select a part.
"""

import os

# One BLAS thread for every method (see bench_bayes_overhead.py): the
# development machines have 2 shared cores.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from scipy.stats import loguniform, randint, uniform  # noqa: E402
from sklearn.base import BaseEstimator, TransformerMixin  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_digits, load_wine  # noqa: E402
from sklearn.ensemble import GradientBoostingClassifier  # noqa: E402
from sklearn.model_selection import RandomizedSearchCV, StratifiedKFold  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler, StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from skhp import BayesianSearchCV  # noqa: E402
from skhp.optimize import minimize  # noqa: E402
from skhp.space import Categorical, Integer, Real, SearchSpace  # noqa: E402

from _problems import (  # noqa: E402
    BRANIN_BOUNDS,
    BRANIN_MIN,
    HARTMANN6_BOUNDS,
    HARTMANN6_MIN,
    branin,
    hartmann6,
)

N_EVALS = 40
CV = StratifiedKFold(3)

# -- synthetic functions -------------------------------------------------------------


def _box(bounds):
    return {name: Real(low, high) for name, (low, high) in bounds.items()}


SYNTHETIC = {
    "Branin": (branin, _box(BRANIN_BOUNDS), BRANIN_MIN),
    "Hartmann-6": (hartmann6, _box(HARTMANN6_BOUNDS), HARTMANN6_MIN),
}


def run_skhp(func, space, seed):
    return minimize(func, space, n_calls=N_EVALS, random_state=seed).func_vals


def run_random(func, space, seed):
    return [func(p) for p in SearchSpace(space).sample(N_EVALS, seed)]


def run_skopt(func, space, seed):
    from skopt import Optimizer
    from skopt.space import Real as SkReal

    names = sorted(space)
    opt = Optimizer(
        [SkReal(space[n].low, space[n].high) for n in names], random_state=seed
    )
    values = []
    for _ in range(N_EVALS):
        x = opt.ask()
        values.append(func(dict(zip(names, x, strict=True))))
        opt.tell(x, values[-1])
    return values


def run_optuna(kind):
    def run(func, space, seed):
        import optuna

        study = optuna.create_study(sampler=optuna_sampler(optuna, kind, seed))
        study.optimize(
            lambda t: func(
                {n: t.suggest_float(n, d.low, d.high) for n, d in space.items()}
            ),
            n_trials=N_EVALS,
        )
        return [t.value for t in study.trials]

    return run


def optuna_sampler(optuna, kind, seed):
    import torch

    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if kind == "gp":
        return optuna.samplers.GPSampler(seed=seed)
    return optuna.samplers.TPESampler(seed=seed)


SYNTHETIC_METHODS = {
    "skhp": run_skhp,
    "random": run_random,
    "skopt": run_skopt,
    "Optuna TPE": run_optuna("tpe"),
    "Optuna GP": run_optuna("gp"),
}

# -- real tasks ------------------------------------------------------------------------


def digits():
    X, y = load_digits(return_X_y=True)
    space = {
        "C": Real(1e-2, 1e3, log=True),
        "gamma": Real(1e-5, 1e-1, log=True),
    }
    return SVC(), X[:600], y[:600], space


def breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    space = {
        "n_estimators": Integer(5, 40),
        "learning_rate": Real(1e-2, 1.0, log=True),
        "max_depth": Integer(1, 4),
        "subsample": Real(0.5, 1.0),
    }
    return GradientBoostingClassifier(random_state=0), X, y, space


class Scaler(TransformerMixin, BaseEstimator):
    """A scaler chosen by name, so that every method sees 3 string choices.

    Optuna's CategoricalDistribution compares choices by equality, which
    estimator objects fail once cloned; a string parameter is fair to all.
    """

    def __init__(self, kind="standard"):
        self.kind = kind

    def fit(self, X, y=None):
        scalers = {"standard": StandardScaler, "minmax": MinMaxScaler}
        self.scaler_ = scalers[self.kind]().fit(X) if self.kind in scalers else None
        return self

    def transform(self, X):
        return X if self.scaler_ is None else self.scaler_.transform(X)


def wine():
    X, y = load_wine(return_X_y=True)
    pipe = Pipeline([("scale", Scaler()), ("svc", SVC())])
    space = {
        "scale__kind": Categorical(["standard", "minmax", "none"]),
        "svc__C": Real(1e-2, 1e3, log=True),
        "svc__gamma": Real(1e-4, 1e1, log=True),
    }
    return pipe, X, y, space


REAL = {
    "SVC / digits": digits,
    "GBM / breast cancer": breast_cancer,
    "Pipeline / wine": wine,
}


def to_scipy(space):
    out = {}
    for name, dim in space.items():
        if isinstance(dim, Real):
            out[name] = (loguniform if dim.log else _uniform)(dim.low, dim.high)
        elif isinstance(dim, Integer):
            out[name] = randint(dim.low, dim.high + 1)
        else:
            out[name] = list(dim.choices)
    return out


def _uniform(low, high):
    return uniform(low, high - low)


def to_skopt(space):
    from skopt.space import Categorical as SkCategorical
    from skopt.space import Integer as SkInteger
    from skopt.space import Real as SkReal

    out = {}
    for name, dim in space.items():
        if isinstance(dim, Real):
            prior = "log-uniform" if dim.log else "uniform"
            out[name] = SkReal(dim.low, dim.high, prior=prior)
        elif isinstance(dim, Integer):
            out[name] = SkInteger(dim.low, dim.high)
        else:
            out[name] = SkCategorical(list(dim.choices))
    return out


def to_optuna(optuna, space):
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    out = {}
    for name, dim in space.items():
        if isinstance(dim, Real):
            out[name] = FloatDistribution(dim.low, dim.high, log=dim.log)
        elif isinstance(dim, Integer):
            out[name] = IntDistribution(dim.low, dim.high)
        else:
            out[name] = CategoricalDistribution(list(dim.choices))
    return out


def search_skhp(est, space, seed):
    return BayesianSearchCV(est, space, n_iter=N_EVALS, cv=CV, random_state=seed)


def search_random(est, space, seed):
    return RandomizedSearchCV(
        est, to_scipy(space), n_iter=N_EVALS, cv=CV, random_state=seed
    )


def search_skopt(est, space, seed):
    from skopt import BayesSearchCV

    return BayesSearchCV(est, to_skopt(space), n_iter=N_EVALS, cv=CV, random_state=seed)


def search_optuna(kind):
    def make(est, space, seed):
        import optuna
        from optuna_integration import OptunaSearchCV

        study = optuna.create_study(
            direction="maximize", sampler=optuna_sampler(optuna, kind, seed)
        )
        return OptunaSearchCV(
            est,
            to_optuna(optuna, space),
            n_trials=N_EVALS,
            cv=CV,
            study=study,
            random_state=seed,
        )

    return make


REAL_METHODS = {
    "skhp": search_skhp,
    "random": search_random,
    "skopt": search_skopt,
    "Optuna TPE": search_optuna("tpe"),
    "Optuna GP": search_optuna("gp"),
}


# -- driver ----------------------------------------------------------------------------


def bench_synthetic(name, methods, seeds):
    func, space, minimum = SYNTHETIC[name]
    rows = {}
    for method in methods:
        regrets, times = [], []
        for seed in seeds:
            tic = time.perf_counter()
            values = SYNTHETIC_METHODS[method](func, space, seed)
            times.append(time.perf_counter() - tic)
            assert len(values) == N_EVALS, (method, len(values))
            regrets.append(min(values) - minimum)
        rows[method] = (np.median(regrets), np.median(times), regrets)
        print(
            f"# {name} / {method}: regrets {[f'{r:.1e}' for r in regrets]}, "
            f"{np.median(times):.2f} s per search",
            flush=True,
        )
    return rows


def bench_real(name, methods, seeds):
    est, X, y, space = REAL[name]()
    rows = {}
    for method in methods:
        scores, times = [], []
        for seed in seeds:
            search = REAL_METHODS[method](est, space, seed)
            tic = time.perf_counter()
            search.fit(X, y)
            times.append(time.perf_counter() - tic)
            # OptunaSearchCV's cv_results_ has no "params" key; it counts trials.
            n = getattr(search, "n_trials_", None) or len(search.cv_results_["params"])
            assert n == N_EVALS, (method, n)
            scores.append(search.best_score_)
        rows[method] = (np.mean(scores), np.median(times), scores)
        print(
            f"# {name} / {method}: best scores {np.round(scores, 4).tolist()}, "
            f"{np.median(times):.1f} s per search",
            flush=True,
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--synthetic-seeds", type=int, default=20)
    parser.add_argument("--problems", nargs="+", default=list(SYNTHETIC) + list(REAL))
    parser.add_argument("--methods", nargs="+", default=list(SYNTHETIC_METHODS))
    args = parser.parse_args()
    seeds = list(range(args.seeds))
    synthetic_seeds = list(range(args.synthetic_seeds))
    warnings.simplefilter("ignore")

    start = time.perf_counter()
    tables = {}
    for name in args.problems:
        if name in SYNTHETIC:
            tables[name] = bench_synthetic(name, args.methods, synthetic_seeds)
        else:
            tables[name] = bench_real(name, args.methods, seeds)

    print(
        f"\n{N_EVALS} evaluations; seeds 0..{len(synthetic_seeds) - 1} on the "
        f"functions, 0..{len(seeds) - 1} on the real tasks"
    )
    print("| problem | metric | " + " | ".join(args.methods) + " |")
    print("|---" * (len(args.methods) + 2) + "|")
    for name, rows in tables.items():
        if name in SYNTHETIC:
            metric = "median final regret (lower is better)"
            fmt = "{:.1e}"
        else:
            metric = "mean best CV accuracy (higher is better)"
            fmt = "{:.4f}"
        cells = " | ".join(fmt.format(rows[m][0]) for m in args.methods)
        print(f"| {name} | {metric} | {cells} |")
        if name in SYNTHETIC:
            # The median alone hides the seeds where a method got stuck.
            cells = " | ".join(fmt.format(np.mean(rows[m][2])) for m in args.methods)
            print(f"| {name} | mean final regret | {cells} |")
        cells = " | ".join(f"{rows[m][1]:.2f}" for m in args.methods)
        print(f"| {name} | median seconds per search | {cells} |")
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
