"""Parallel speed-up of the searches: wall-clock at n_jobs=2 against n_jobs=1.

Run it alone (other work on the machine skews the timings), from the repository
root, with the `bench` extra installed (``pip install -e ".[bench]"``)::

    python benchmarks/bench_parallel.py

Each search tunes a ``GradientBoostingClassifier`` (100 trees, one fit takes
about 0.3-0.6 s) on ``make_classification(n_samples=1500, n_features=20)``
with 3-fold cross-validation and ``refit=False``, so that only the search loop
is timed: EvolutionarySearchCV (6 candidates a generation, 3 generations), and
BayesianSearchCV with 12 candidates, 4 of them in the initial design, then
``batch_size=2`` or ``batch_size=1`` (where only the folds of a candidate run
together). Each configuration runs at ``n_jobs=1`` and ``n_jobs=2`` (loky)
alternately in this one process, ``--repeats`` times; the table gives the
median wall-clock times and their ratio.

Two figures say what limits the speed-up. "bound" is the speed-up that two
workers could reach given the rounds, computed from the ``n_jobs=1`` run: every
round's fits are scheduled in dispatch order on two workers with the measured
fit and score times, and what is not a fit (proposals, set-up) stays serial. A
round of an odd number of fits, or of unequal fits, leaves a worker idle at its
end. "propose" is the time the strategy took to propose the candidates, spent
in the calling process while the workers wait.

BLAS and OpenMP run single-threaded (set before numpy is imported), so that the
``n_jobs=1`` baseline uses one core, as each worker does.
"""

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import joblib  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.ensemble import GradientBoostingClassifier  # noqa: E402

from skhp import BayesianSearchCV, EvolutionarySearchCV  # noqa: E402
from skhp.space import Integer, Real  # noqa: E402

N_SPLITS = 3
SPACE = {
    "learning_rate": Real(0.01, 1.0, log=True),
    "min_samples_leaf": Integer(1, 50),
    "subsample": Real(0.7, 1.0),
}


def make_searches(quick):
    """The searches compared, by name: (search factory, fits of each round)."""
    estimator = GradientBoostingClassifier(n_estimators=100, random_state=0)
    common = {"cv": N_SPLITS, "refit": False, "random_state": 0}
    n_iter, population, generations = (6, 4, 2) if quick else (12, 6, 3)

    def evolution(n_jobs):
        return EvolutionarySearchCV(
            estimator,
            SPACE,
            population_size=population,
            n_generations=generations,
            n_jobs=n_jobs,
            **common,
        )

    def bayes(batch_size):
        def factory(n_jobs):
            return BayesianSearchCV(
                estimator,
                SPACE,
                n_iter=n_iter,
                n_initial_points=4,
                batch_size=batch_size,
                n_jobs=n_jobs,
                **common,
            )

        return factory

    return {
        "EvolutionarySearchCV": evolution,
        "BayesianSearchCV batch_size=2": bayes(2),
        "BayesianSearchCV batch_size=1": bayes(1),
    }


def two_worker_makespan(durations):
    """Time two workers take to run ``durations`` taken in order by the first free."""
    workers = [0.0, 0.0]
    for duration in durations:
        workers[workers.index(min(workers))] += duration
    return max(workers)


def round_structure_bound(search, wall):
    """Speed-up two workers could reach over ``wall``, the n_jobs=1 time."""
    results = search.cv_results_
    rounds = results[search._round_column]
    task = results["mean_fit_time"] + results["mean_score_time"]
    serial_fits = N_SPLITS * task.sum()
    parallel_fits = sum(
        two_worker_makespan(np.repeat(task[rounds == r], N_SPLITS))
        for r in np.unique(rounds)
    )
    return wall / (wall - serial_fits + parallel_fits)


def describe_rounds(fits):
    """``[12, 3, 3, 3]`` as ``"12 + 3x3"``: fits per round, runs collapsed."""
    parts, start = [], 0
    for end in range(1, len(fits) + 1):
        if end == len(fits) or fits[end] != fits[start]:
            count = end - start
            parts.append(f"{count}x{fits[start]}" if count > 1 else f"{fits[start]}")
            start = end
    return " + ".join(parts)


def timed_fit(factory, n_jobs, X, y):
    search = factory(n_jobs)
    tic = time.perf_counter()
    search.fit(X, y)
    return time.perf_counter() - tic, search


def warm_up(X, y):
    """Start the loky workers and import scikit-learn's ensembles in them."""
    estimator = GradientBoostingClassifier(n_estimators=5, random_state=0)
    joblib.Parallel(n_jobs=2)(
        joblib.delayed(estimator.fit)(X[:200], y[:200]) for _ in range(4)
    )


def run(repeats, quick):
    X, y = make_classification(
        n_samples=1500, n_features=20, n_informative=8, random_state=0
    )
    searches = make_searches(quick)
    warm_up(X, y)
    times = {name: {1: [], 2: []} for name in searches}
    bounds = {name: [] for name in searches}
    propose = {name: [] for name in searches}
    rounds = {}
    for repeat in range(repeats):
        for name, factory in searches.items():
            # Alternate the order so that a drift in machine load hits both.
            for n_jobs in (1, 2) if repeat % 2 == 0 else (2, 1):
                wall, search = timed_fit(factory, n_jobs, X, y)
                times[name][n_jobs].append(wall)
                print(f"  repeat {repeat} {name:<31} n_jobs={n_jobs}: {wall:6.2f} s")
                if n_jobs == 1:
                    bounds[name].append(round_structure_bound(search, wall))
                    propose[name].append(search.cv_results_["proposal_time"].sum())
                    column = search.cv_results_[search._round_column]
                    rounds[name] = np.bincount(column) * N_SPLITS
    return times, bounds, propose, rounds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smaller searches")
    args = parser.parse_args()

    print(
        f"skhp parallel speed-up: python {platform.python_version()}, scikit-learn "
        f"{sklearn.__version__}, joblib {joblib.__version__}, "
        f"{os.cpu_count()} CPUs, load average before {os.getloadavg()[0]:.2f}"
    )
    times, bounds, propose, rounds = run(args.repeats, args.quick)
    print(f"load average after {os.getloadavg()[0]:.2f}\n")

    print(
        "| search | fits per round | n_jobs=1 (s) | n_jobs=2 (s) | speed-up "
        "| bound | propose (s) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for name in times:
        serial, parallel = np.median(times[name][1]), np.median(times[name][2])
        fits = describe_rounds(rounds[name])
        print(
            f"| {name} | {fits} | {serial:.1f} | {parallel:.1f} | "
            f"{serial / parallel:.2f}x | {np.median(bounds[name]):.2f}x | "
            f"{np.median(propose[name]):.2f} |"
        )


if __name__ == "__main__":
    main()
