"""The searches give the same results on every joblib backend.

Every random choice of a search is made in the calling process, so fitting on
loky or threading workers, on a dask cluster or on ray must reproduce the
``cv_results_`` of ``n_jobs=1`` exactly (the timing columns aside). The dask
cluster and the ray runtime are started once per module and always shut down,
and their processes are checked to be gone.
"""

import logging
import os

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.tree import DecisionTreeClassifier

from skhp import BayesianSearchCV, EvolutionarySearchCV
from skhp.space import Integer, Real

X, y = make_classification(n_samples=90, n_features=6, n_informative=4, random_state=0)
SPACE = {
    "max_depth": Integer(1, 8),
    "min_samples_leaf": Integer(1, 20),
    "max_features": Real(0.2, 1.0),
    "criterion": ["gini", "entropy"],
}
SEARCHES = ["bayes", "evolution"]


def make_search(kind, **params):
    """A small seeded search of ``kind`` over decision trees."""
    # A log loss distinguishes more candidates than the accuracy would, so
    # that the Gaussian process sees distinct scores.
    common = {"cv": 3, "scoring": "neg_log_loss", "random_state": 0, **params}
    estimator = DecisionTreeClassifier(random_state=0)
    if kind == "bayes":
        return BayesianSearchCV(
            estimator, SPACE, n_iter=6, n_initial_points=2, batch_size=2, **common
        )
    return EvolutionarySearchCV(
        estimator, SPACE, population_size=4, n_generations=3, **common
    )


def _outcome(search):
    """Everything a fitted search reports except the timings, as plain data."""
    results = {}
    for key, value in search.cv_results_.items():
        if key.endswith("_time"):
            continue
        if isinstance(value, np.ma.MaskedArray):
            value = np.ma.filled(value.astype(object), None).tolist()
        results[key] = value
    outcome = {
        "cv_results_": results,
        "best_index_": search.best_index_,
        "best_params_": search.best_params_,
        "n_rounds_": search.n_rounds_,
        "predictions": search.predict_proba(X),
    }
    if hasattr(search, "history_"):
        outcome["history_"] = search.history_
    return outcome


@pytest.fixture(scope="module")
def sequential():
    """The outcome of each search fitted with ``n_jobs=1``."""
    return {kind: _outcome(make_search(kind, n_jobs=1).fit(X, y)) for kind in SEARCHES}


def _assert_same_outcome(search, expected):
    outcome = _outcome(search)
    rounds = search._round_column
    assert outcome["cv_results_"][rounds].tolist() == (
        expected["cv_results_"][rounds].tolist()
    )
    assert outcome["cv_results_"]["params"] == expected["cv_results_"]["params"]
    np.testing.assert_equal(outcome, expected)


def _processes_gone(processes, what, timeout=15):
    """Wait for ``processes`` to exit; kill and fail on any that does not."""
    import psutil  # a dependency of both distributed and ray

    _, alive = psutil.wait_procs(processes, timeout=timeout)
    for process in alive:
        process.kill()
    assert not alive, f"{what} left processes running: {alive}"


def _with_descendants(pids):
    import psutil

    processes = []
    for pid in pids:
        try:
            process = psutil.Process(pid)
            processes += [process, *process.children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
    return processes


@pytest.mark.parametrize("backend", ["loky", "threading"])
@pytest.mark.parametrize("kind", SEARCHES)
def test_local_backends_match_sequential(kind, backend, sequential):
    """Two loky or threading workers reproduce the n_jobs=1 results."""
    search = make_search(kind, n_jobs=2)
    with joblib.parallel_backend(backend):
        search.fit(X, y)
    _assert_same_outcome(search, sequential[kind])


@pytest.fixture(scope="module")
def dask_client():
    """A client of a local dask cluster of two single-threaded worker processes."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = None
    try:
        client = distributed.Client(cluster)
        pids = list(client.run(os.getpid).values())
        processes = _with_descendants(pids)
        assert len(pids) == 2
        yield client
    finally:
        if client is not None:
            client.close()
        cluster.close()
    _processes_gone(processes, "The dask LocalCluster")


@pytest.mark.slow
@pytest.mark.parametrize("kind", SEARCHES)
def test_dask_backend_matches_sequential(kind, dask_client, sequential):
    """A search under joblib's dask backend reproduces the n_jobs=1 results."""
    from distributed import get_task_stream

    search = make_search(kind)
    with get_task_stream(dask_client) as tasks:
        with joblib.parallel_backend("dask"):
            search.fit(X, y)
    _assert_same_outcome(search, sequential[kind])

    # The fits ran on the cluster's workers, not in this process.
    workers = {task["worker"] for task in tasks.data}
    assert workers and workers <= set(dask_client.scheduler_info()["workers"])


@pytest.fixture(scope="module")
def ray_backend():
    """The ray runtime with two CPUs, registered as joblib's "ray" backend."""
    ray = pytest.importorskip("ray")
    import psutil
    from ray.util.joblib import register_ray

    before = {child.pid for child in psutil.Process().children()}
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        logging_level=logging.ERROR,
    )
    started = [c.pid for c in psutil.Process().children() if c.pid not in before]
    try:
        register_ray()
        yield "ray"
        processes = _with_descendants(started)
    finally:
        ray.shutdown()
    _processes_gone(processes, "The ray runtime")


@pytest.mark.slow
@pytest.mark.parametrize("kind", SEARCHES)
def test_ray_backend_matches_sequential(kind, ray_backend, sequential):
    """A search under joblib's ray backend reproduces the n_jobs=1 results."""
    search = make_search(kind, n_jobs=2)
    with joblib.parallel_backend(ray_backend):
        search.fit(X, y)
    _assert_same_outcome(search, sequential[kind])
