"""Checkpoints of a search: plain JSON, written atomically after every round.

A checkpoint holds what cannot be recomputed without fitting models: the
cross-validation records of every evaluated candidate, the round each was
proposed in, and the random generator's state at the start of the search.
The strategy's own state is rebuilt on resume by replaying the recorded rounds
through a fresh optimizer seeded with that generator: the optimizer is
deterministic given its generator and the scores it is told, so the replay
reaches exactly the state of the interrupted run, and the candidates it asks
for are checked against the recorded ones. Candidates are stored through the
search space's keys (numbers, choice positions), so loading a checkpoint never
runs code, unlike a pickle.
"""

import functools
import hashlib
import json
import math
import os
import re
import tempfile
import types

import numpy as np
from scipy import sparse

FORMAT = "skhp-search-checkpoint"
# 2: fingerprints describe values without memory addresses; a round whose fits
# all failed is stored with its error and no records.
VERSION = 2

# Search parameters that may change between an interrupted fit and its resume:
# they do not change which candidates are proposed or how they are scored.
_FREE_PARAMS = {
    "n_jobs",
    "verbose",
    "pre_dispatch",
    "max_time",
    "callbacks",
    "checkpoint",
}


def _digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        if a is None:
            h.update(b"none")
            continue
        if sparse.issparse(a):
            a = sparse.csr_array(a)
            h.update(_digest(a.data, a.indices, a.indptr).encode())
            continue
        a = np.asarray(a)
        h.update(str((a.shape, a.dtype.str)).encode())
        h.update(
            np.ascontiguousarray(a).tobytes()
            if a.dtype != object
            else repr(a.tolist()).encode()
        )
    return h.hexdigest()


# Default reprs (functions, RandomState instances, plain objects) show a
# memory address, which changes from one process to the next.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def describe(value):
    """A description of a parameter value that is the same in every process.

    A checkpoint is resumed in another process than the one that wrote it, so
    ``repr`` does not do: it shows memory addresses (``SelectKBest``'s
    ``score_func``, a ``RandomState``), and numpy shortens long arrays.
    """
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    if hasattr(value, "get_params") and callable(value.get_params):
        params = value.get_params(deep=False)
        inner = ", ".join(f"{k}={describe(v)}" for k, v in sorted(params.items()))
        return f"{type(value).__qualname__}({inner})"
    if isinstance(value, np.random.RandomState):
        return f"RandomState({_digest(*rng_state_to_json(value.get_state())[1:])})"
    if isinstance(value, np.random.Generator):
        state = json.dumps(value.bit_generator.state, sort_keys=True, default=str)
        return f"Generator({hashlib.sha256(state.encode()).hexdigest()})"
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            mask = np.ma.getmaskarray(value).tolist()
            return f"array({describe(np.asarray(value).tolist())}, mask={mask})"
        return f"array({_digest(np.ma.getdata(value), np.ma.getmaskarray(value))})"
    if isinstance(value, dict):
        items = sorted((repr(k), describe(v)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}[{', '.join(describe(v) for v in value)}]"
    if isinstance(value, functools.partial):
        return (
            f"partial({describe(value.func)}, {describe(value.args)}, "
            f"{describe(value.keywords)})"
        )
    if isinstance(value, types.FunctionType):
        code = hashlib.sha256(value.__code__.co_code).hexdigest()[:16]
        return f"{value.__module__}.{value.__qualname__}[{code}]"
    return _ADDRESS.sub("", repr(value))


def fingerprint(search, space, X, y, folds, budget_params=()):
    """What must match for a checkpoint to be resumed.

    Parameters
    ----------
    search : BaseOptimizerSearchCV
    space : SearchSpace
    X, y : the data given to fit
    folds : list of (train, test) index arrays
    budget_params : tuple of str
        Parameters that only set the budget, free to grow on resume.
    """
    params = search.get_params(deep=False)
    estimator = params.pop("estimator")
    params.pop("param_distributions")
    free = _FREE_PARAMS | set(budget_params)
    settings = {k: v for k, v in params.items() if k not in free}
    return {
        "search": type(search).__name__,
        "estimator": describe(estimator),
        "space": describe(space.subspaces),
        "settings": describe(settings),
        "data_shape": [list(np.shape(X)), list(np.shape(y)) if y is not None else None],
        "data": _digest(X, y),
        "folds": _digest(*(i for pair in folds for i in pair)),
    }


def rng_state_to_json(state):
    """A numpy RandomState state tuple as plain data."""
    name, keys, pos, has_gauss, cached = state
    return [name, [int(k) for k in keys], int(pos), int(has_gauss), float(cached)]


def rng_state_from_json(data):
    """Inverse of :func:`rng_state_to_json`."""
    name, keys, pos, has_gauss, cached = data
    return (name, np.array(keys, dtype=np.uint32), pos, has_gauss, cached)


def key_to_json(key):
    """A space key (nested tuples of numbers) as nested lists."""
    return [key_to_json(k) if isinstance(k, tuple) else k for k in key]


def key_from_json(data):
    """Inverse of :func:`key_to_json`."""
    return tuple(key_from_json(k) if isinstance(k, list) else k for k in data)


_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
_NUMERIC_FIELDS = ("test_scores", "train_scores", "fit_time", "score_time")


def _numbers(value):
    """Inverse of the strings :func:`_plain` writes for non-finite floats."""
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, str) and value in _NON_FINITE.values():
        return float(value)
    return value


def _plain(value):
    """Cross-validation records as JSON-safe data."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (np.floating, float)):
        # Strict JSON has no NaN or infinity (a failed fit scores NaN): they are
        # written as strings, so that any JSON reader accepts the file.
        return float(value) if math.isfinite(value) else _NON_FINITE[repr(float(value))]
    if value is None or isinstance(value, (str, bool)):
        return value
    raise TypeError(
        f"The search produced a record of type {type(value).__name__}, which a "
        "checkpoint cannot store."
    )


def save(path, payload):
    """Write the checkpoint atomically: a temporary file, then a rename."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".skhp-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(_plain(payload), f, allow_nan=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# What every cross-validation record of a checkpoint holds (train_scores too
# with return_train_score).
_RECORD_FIELDS = ("test_scores", "n_test_samples", "fit_time", "score_time")


def _check_layout(data):
    """Raise unless ``data`` has the layout that :func:`save` writes.

    A file can be valid JSON and still be damaged (edited by hand, or written
    by a newer skhp); its errors then surface here, as one clear message,
    instead of as a KeyError deep inside the resumed search.
    """
    if not isinstance(data["fingerprint"], dict):
        raise ValueError("its fingerprint is not a mapping")
    if not isinstance(data["finished"], bool):
        raise ValueError("its 'finished' flag is not a boolean")
    if not isinstance(data["rounds"], list):
        raise ValueError("its rounds are not a list")
    for i, entry in enumerate(data["rounds"]):
        keys, records = entry["keys"], entry["records"]
        if not isinstance(keys, list) or not all(isinstance(k, list) for k in keys):
            raise ValueError(f"the candidates of round {i} are not lists")
        if records is None:
            continue
        if not isinstance(records, list) or not all(
            isinstance(r, dict) and all(f in r for f in _RECORD_FIELDS) for r in records
        ):
            raise ValueError(f"the records of round {i} are incomplete")
        if len(keys) == 0 or len(records) % len(keys):
            raise ValueError(
                f"round {i} has {len(records)} records for {len(keys)} candidates"
            )


def load(path, expected):
    """Read a checkpoint, or None when ``path`` does not exist yet.

    Raises
    ------
    ValueError
        When the file is corrupted or truncated, or belongs to another search,
        estimator, space or data.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        return None
    try:
        with open(path) as f:
            data = json.load(f)
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ValueError("not an skhp search checkpoint of a known version")
        rounds = data["rounds"]
        rng_state_from_json(data["rng_state"])
        _check_layout(data)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        reason = f"it lacks the field {exc}" if isinstance(exc, KeyError) else exc
        raise ValueError(
            f"The checkpoint {path!r} is corrupted or truncated ({reason}). Delete it "
            "to start the search afresh, or give another checkpoint path."
        ) from None
    for field, value in expected.items():
        if data["fingerprint"].get(field) != value:
            raise ValueError(
                f"The checkpoint {path!r} was written by a different search: its "
                f"{field.replace('_', ' ')} does not match this one. A checkpoint "
                "resumes only the same search on the same data; give another "
                "checkpoint path, or delete the file to start afresh."
            )
    for entry in rounds:
        entry["keys"] = [key_from_json(k) for k in entry["keys"]]
        for record in entry["records"] or ():
            for field in _NUMERIC_FIELDS:
                if field in record:
                    record[field] = _numbers(record[field])
    return data


def mean_score(records, metric):
    """Mean over folds of a candidate's test score (NaN when any fold failed)."""
    scores = []
    for record in records:
        value = record["test_scores"]
        scores.append(value.get(metric, math.nan) if isinstance(value, dict) else value)
    return float(np.mean(np.asarray(scores, dtype=float)))
