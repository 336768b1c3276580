"""Benchmark MLPWithSchedules against scikit-learn's MLP: speed and quality.

Run it alone (other work on the machine skews the timings), from the repository
root, with the `bench` extra installed (``pip install -e ".[bench]"``)::

    python benchmarks/bench_mlp.py

Speed: seconds per epoch on ``make_classification(n_samples=20000,
n_features=100)`` with ``hidden_layer_sizes=(256, 128)``, batch 200 and Adam,
both libraries fitted alternately in the same process and environment, in
float64 and float32. The GFLOP/s are the matrix-product FLOPs of one epoch
divided by its time; the floor is a loop doing only those matrix products with
numpy on the same batch shapes. The peak memory of one fit is measured with
tracemalloc (numpy reports its buffers to it).

Quality (medians over seeds): a warm-up + cosine learning rate against the best
of scikit-learn's ``"constant"`` and ``"adaptive"`` SGD at the same epoch
budget; batch-size growth against step decay (test score and number of
parameter updates); the parameter-free solver with its defaults against the
best of a small Adam learning-rate grid.

Pass ``--quick`` for a short smoke run (fewer repeats and epochs). BLAS runs
single-threaded by default (``--threads``): on a shared machine a multi-threaded
BLAS spin-waits for busy cores and the timings of both libraries become noise.
"""

import argparse
import math
import os
import platform
import time
import tracemalloc
import warnings
from itertools import pairwise

import numpy as np
import sklearn
from sklearn.datasets import load_digits, make_classification, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skhp.neural_network import MLPWithSchedulesClassifier, MLPWithSchedulesRegressor
from skhp.schedules import (
    Chain,
    CosineAnnealing,
    GeometricBatchSize,
    GrowBatchSizeOnPlateau,
    LinearWarmup,
    StepDecay,
)

HIDDEN = (256, 128)
BATCH = 200


# -- speed -----------------------------------------------------------------------


def _speed_estimators(n_epochs):
    """The estimators compared for speed, all running exactly ``n_epochs``."""
    common = dict(hidden_layer_sizes=HIDDEN, batch_size=BATCH, random_state=0)
    sk = MLPClassifier(
        **common,
        solver="adam",
        max_iter=n_epochs,
        tol=0.0,
        n_iter_no_change=n_epochs + 1,
    )
    ours = MLPWithSchedulesClassifier(
        **common, solver="adam", max_iter=n_epochs, n_iter_no_change=None
    )
    lr = Chain(
        schedules=[
            ("warmup", LinearWarmup(1e-4, 1e-3, warmup_epochs=1)),
            ("cosine", CosineAnnealing(1e-3)),
        ],
        milestones=[1],
    )
    scheduled = MLPWithSchedulesClassifier(
        **{**common, "batch_size": GeometricBatchSize(BATCH, factor=1.0)},
        solver="adam",
        learning_rate=lr,
        momentum=CosineAnnealing(0.9, 0.85),
        max_iter=n_epochs,
        n_iter_no_change=None,
    )
    return {
        "scikit-learn": sk,
        "skhp": ours,
        "skhp + schedules": scheduled,
    }


def _epoch_flops(layer_units, n_samples):
    """Matrix-product FLOPs of one epoch: forward, weight gradients, deltas."""
    products = [a * b for a, b in pairwise(layer_units)]
    per_sample = 2 * (3 * sum(products) - products[0])
    return per_sample * n_samples


def _matmul_floor(layer_units, n_samples, dtype, repeats):
    """Median seconds of only the epoch's matrix products, with numpy."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((BATCH, layer_units[0])).astype(dtype)
    # Scaled random values: garbage from np.empty could hold NaN, infinities
    # or subnormals, which slow some BLAS kernels down.
    W = [
        (rng.standard_normal(s) / np.sqrt(s[0])).astype(dtype)
        for s in pairwise(layer_units)
    ]
    acts = [np.empty((BATCH, u), dtype) for u in layer_units[1:]]
    grads = [np.empty_like(w) for w in W]
    deltas = [
        (0.01 * rng.standard_normal((BATCH, u))).astype(dtype) for u in layer_units[1:]
    ]
    times = []
    for _ in range(repeats):
        tic = time.perf_counter()
        for _ in range(n_samples // BATCH):
            a = X
            for i, w in enumerate(W):
                np.dot(a, w, out=acts[i])
                a = acts[i]
            for i in range(len(W) - 1, -1, -1):
                prev = X if i == 0 else acts[i - 1]
                np.dot(prev.T, deltas[i], out=grads[i])
                if i > 0:
                    np.dot(deltas[i], W[i].T, out=deltas[i - 1])
        times.append(time.perf_counter() - tic)
    return float(np.median(times))


def _peak_memory(estimator, X, y):
    """Peak traced memory (MiB) of one fit, beyond what existed before."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    estimator.fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 2**20


def bench_speed(repeats, n_epochs):
    """Seconds per epoch, paired ratios, GFLOP/s and peak memory.

    Each round fits every implementation once, back to back, and times the
    matrix-product floor; the ratio to scikit-learn is taken within each
    round, then the median over rounds, so that load from other processes
    affects both sides of a ratio alike.
    """
    X, y = make_classification(n_samples=20000, n_features=100, random_state=0)
    layer_units = [X.shape[1], *HIDDEN, 1]
    flops = _epoch_flops(layer_units, X.shape[0])
    rows = []
    for dtype in (np.float64, np.float32):
        Xd = X.astype(dtype)
        estimators = _speed_estimators(n_epochs)
        for est in estimators.values():  # warm-up: BLAS threads, caches
            est.set_params(max_iter=1).fit(Xd, y)
            est.set_params(max_iter=n_epochs)
        floor = "numpy matmul floor"
        times = {name: [] for name in [*estimators, floor]}
        for _ in range(repeats):
            for name, est in estimators.items():
                tic = time.perf_counter()
                est.fit(Xd, y)
                times[name].append((time.perf_counter() - tic) / n_epochs)
            times[floor].append(_matmul_floor(layer_units, X.shape[0], dtype, 1))
        memory = {
            name: _peak_memory(est.set_params(max_iter=1), Xd, y)
            for name, est in estimators.items()
        }
        reference = np.array(times["scikit-learn"])
        for name, values in times.items():
            t = float(np.median(values))
            ratio = float(np.median(np.array(values) / reference))
            mem = memory.get(name, float("nan"))
            rows.append((np.dtype(dtype).name, name, t, ratio, flops / t / 1e9, mem))

    print(f"\n### Speed (median of {repeats} rounds, fits of {n_epochs} epochs)\n")
    print(
        "| dtype | implementation | s / epoch | ratio to scikit-learn (paired) "
        "| GFLOP/s | peak memory of a 1-epoch fit (MiB) |"
    )
    print("|---|---|---|---|---|---|")
    for dtype, name, t, ratio, gflops, mem in rows:
        mem_text = "" if math.isnan(mem) else f"{mem:.1f}"
        print(
            f"| {dtype} | {name} | {t:.3f} | {ratio:.2f} | {gflops:.1f} | {mem_text} |"
        )


# -- quality ---------------------------------------------------------------------


def _digits(seed):
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.3, stratify=y, random_state=seed)


def _friedman(seed):
    X, y = make_friedman1(n_samples=3000, noise=1.0, random_state=seed)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=seed)
    scaler = StandardScaler().fit(X_tr)
    mean, std = y_tr.mean(), y_tr.std()
    return (
        scaler.transform(X_tr),
        scaler.transform(X_te),
        (y_tr - mean) / std,
        (y_te - mean) / std,
    )


TASKS = {
    "digits (accuracy)": (_digits, MLPClassifier, MLPWithSchedulesClassifier),
    "friedman1 (R²)": (_friedman, MLPRegressor, MLPWithSchedulesRegressor),
}


def _score(est, data):
    X_tr, X_te, y_tr, y_te = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X_tr, y_tr)
    return est.score(X_te, y_te)


def _n_updates(est, n_train):
    return int(sum(math.ceil(n_train / b) for b in est.batch_size_curve_))


def _warmup_cosine(peak, n_warmup):
    return Chain(
        schedules=[
            ("warmup", LinearWarmup(peak / 10, peak, warmup_epochs=n_warmup)),
            ("cosine", CosineAnnealing(peak)),
        ],
        milestones=[n_warmup],
    )


def bench_schedules(seeds, n_epochs):
    """Warm-up + cosine against scikit-learn's constant / adaptive SGD."""
    print(
        f"\n### Warm-up + cosine vs scikit-learn SGD ({n_epochs} epochs, "
        f"median over {len(seeds)} seeds)\n"
    )
    print(
        "| task | skhp warm-up + cosine | sklearn constant | sklearn adaptive "
        "| sklearn best | skhp - best |"
    )
    print("|---|---|---|---|---|---|")
    lr = 0.1
    for task, (load, SkCls, OurCls) in TASKS.items():
        ours, const, adapt = [], [], []
        for seed in seeds:
            data = load(seed)
            common = dict(hidden_layer_sizes=(64,), batch_size=32, random_state=seed)
            ours.append(
                _score(
                    OurCls(
                        **common,
                        solver="sgd",
                        momentum=0.9,
                        learning_rate=_warmup_cosine(lr, max(1, n_epochs // 10)),
                        max_iter=n_epochs,
                        n_iter_no_change=None,
                        restore_best_weights=False,
                    ),
                    data,
                )
            )
            for mode, out in (("constant", const), ("adaptive", adapt)):
                out.append(
                    _score(
                        SkCls(
                            **common,
                            solver="sgd",
                            momentum=0.9,
                            learning_rate=mode,
                            learning_rate_init=lr,
                            max_iter=n_epochs,
                        ),
                        data,
                    )
                )
        med = [float(np.median(v)) for v in (ours, const, adapt)]
        # Best of the two modes chosen per seed, then the median.
        best = float(np.median(np.maximum(const, adapt)))
        print(
            f"| {task} | {med[0]:.4f} | {med[1]:.4f} | {med[2]:.4f} | {best:.4f} "
            f"| {med[0] - best:+.4f} |"
        )


def bench_batch_growth(seeds, n_epochs):
    """Batch-size growth against step decay of the learning rate."""
    print(
        f"\n### Batch-size growth vs learning-rate step decay ({n_epochs} epochs, "
        f"median over {len(seeds)} seeds)\n"
    )
    print("| task | schedule | test score | parameter updates |")
    print("|---|---|---|---|")
    step = max(1, n_epochs // 3)
    lr = 0.05
    variants = {
        "step decay of lr (x0.2 every n/3 epochs), batch 32": dict(
            learning_rate=StepDecay(lr, factor=0.2, step_size=step), batch_size=32
        ),
        "geometric batch growth (x5 every n/3 epochs), lr constant": dict(
            learning_rate=lr,
            batch_size=GeometricBatchSize(32, factor=5.0, step_size=step),
        ),
        "batch growth x2 on plateau, lr constant": dict(
            learning_rate=lr,
            batch_size=GrowBatchSizeOnPlateau(
                32, factor=2.0, patience=2, threshold=0.05
            ),
        ),
    }
    for task, (load, _, OurCls) in TASKS.items():
        for name, params in variants.items():
            scores, updates = [], []
            for seed in seeds:
                data = load(seed)
                est = OurCls(
                    hidden_layer_sizes=(64,),
                    solver="sgd",
                    momentum=0.9,
                    max_iter=n_epochs,
                    n_iter_no_change=None,
                    restore_best_weights=False,
                    random_state=seed,
                    **params,
                )
                scores.append(_score(est, data))
                updates.append(_n_updates(est, len(data[0])))
            print(
                f"| {task} | {name} | {np.median(scores):.4f} "
                f"| {int(np.median(updates))} |"
            )


def bench_parameter_free(seeds, budgets):
    """Parameter-free defaults against the best of an Adam learning-rate grid.

    The best Adam rate is picked per seed on the test score itself, which
    favours Adam: it is the best a grid search could possibly do.
    """
    grid = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)
    print(
        f"\n### Parameter-free (DoG) defaults vs best of Adam grid {grid} "
        f"(median over {len(seeds)} seeds)\n"
    )
    print(
        "| task | epochs | DoG default | best Adam | best Adam lr (per seed) "
        "| DoG - best Adam |"
    )
    print("|---|---|---|---|---|---|")
    for task, (load, _, OurCls) in TASKS.items():
        for n_epochs in budgets:
            dog, adam, best_lrs = [], [], []
            for seed in seeds:
                data = load(seed)
                common = dict(
                    hidden_layer_sizes=(64,),
                    max_iter=n_epochs,
                    n_iter_no_change=None,
                    random_state=seed,
                )
                dog.append(_score(OurCls(**common, solver="parameter_free"), data))
                grid_scores = [
                    _score(OurCls(**common, solver="adam", learning_rate=lr), data)
                    for lr in grid
                ]
                adam.append(max(grid_scores))
                best_lrs.append(grid[int(np.argmax(grid_scores))])
            d, a = float(np.median(dog)), float(np.median(adam))
            print(
                f"| {task} | {n_epochs} | {d:.4f} | {a:.4f} | {best_lrs} "
                f"| {d - a:+.4f} |"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument(
        "--threads", type=int, default=1, help="BLAS threads (default: 1)"
    )
    args = parser.parse_args()
    threadpool_limits(args.threads)
    warnings.simplefilter("ignore", ConvergenceWarning)
    repeats, speed_epochs = (2, 2) if args.quick else (9, 2)
    seeds = [0, 1] if args.quick else [0, 1, 2]
    n_epochs = 10 if args.quick else 60

    print(
        f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')}, "
        f"BLAS threads={args.threads}"
    )
    if not args.skip_speed:
        bench_speed(repeats, speed_epochs)
    if not args.skip_quality:
        bench_schedules(seeds, n_epochs)
        bench_batch_growth(seeds, n_epochs)
        bench_parameter_free(seeds, [n_epochs] if args.quick else [n_epochs, 150])


if __name__ == "__main__":
    main()
