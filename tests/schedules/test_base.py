"""Tests of the schedule protocol shared by every schedule in skhp.schedules."""

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

import skhp.schedules
from skhp.schedules import (
    Chain,
    Constant,
    ConstantBatchSize,
    CosineAnnealing,
    CyclicTriangular,
    ExponentialDecay,
    GeometricBatchSize,
    GrowBatchSizeOnPlateau,
    LinearWarmup,
    OneCycle,
    ReduceOnPlateau,
    StepDecay,
)
from skhp.schedules._base import BaseSchedule, as_schedule

VALUE_SCHEDULES = [
    Constant,
    LinearWarmup,
    ExponentialDecay,
    StepDecay,
    CosineAnnealing,
    CyclicTriangular,
    OneCycle,
    ReduceOnPlateau,
    Chain,
]
BATCH_SIZE_SCHEDULES = [ConstantBatchSize, GrowBatchSizeOnPlateau, GeometricBatchSize]
ALL_SCHEDULES = VALUE_SCHEDULES + BATCH_SIZE_SCHEDULES

# Non-default instances, including plateau-driven and chained ones, used by the
# replay properties below.
EXAMPLES = [
    LinearWarmup(start_value=0.0, end_value=0.5, warmup_epochs=3),
    ExponentialDecay(initial_value=0.5, decay=0.9, min_value=0.1),
    StepDecay(initial_value=0.5, factor=0.5, step_size=3),
    CosineAnnealing(max_value=0.5, min_value=0.01, period=3, period_mult=2),
    CyclicTriangular(base_value=0.1, peak_value=0.5, step_size=2, mode="exp_range"),
    OneCycle(start_value=0.05, peak_value=0.5, end_value=0.001, up_fraction=0.4),
    ReduceOnPlateau(initial_value=0.5, factor=0.5, patience=2, cooldown=1),
    Chain(
        schedules=[
            ("warmup", LinearWarmup(warmup_epochs=2)),
            ("plateau", ReduceOnPlateau(patience=1)),
        ],
        milestones=[2],
    ),
    GrowBatchSizeOnPlateau(initial_batch_size=8, patience=1, threshold=0.2),
    GeometricBatchSize(initial_batch_size=8, factor=1.5, step_size=2),
]
LOSSES = st.lists(
    st.floats(min_value=0.0, max_value=10.0, allow_nan=False), min_size=1, max_size=25
)


def _step_by_hand(schedule, monitored, **run):
    """Return the values a state gives when driven epoch by epoch."""
    state = schedule.start(len(monitored), **run)
    values = []
    for loss in monitored:
        values.append(state.value)
        state.update(loss)
    return values


@pytest.mark.parametrize("cls", ALL_SCHEDULES)
def test_default_construction_runs(cls):
    """Every schedule builds with no argument and previews a sensible series."""
    values = cls().preview(12, n_samples=1000)
    assert values.shape == (12,)
    assert np.all(np.isfinite(values)) and np.all(values >= 0)
    if cls._schedule_kind == "batch_size":
        assert values.dtype.kind == "i" and np.all(values >= 1)


def test_all_is_complete():
    """``skhp.schedules.__all__`` lists every schedule class, and only those."""
    exported = {getattr(skhp.schedules, name) for name in skhp.schedules.__all__}
    assert exported == set(ALL_SCHEDULES)
    assert all(issubclass(cls, BaseSchedule) for cls in exported)


@pytest.mark.parametrize("cls", ALL_SCHEDULES)
def test_get_params_set_params_clone_round_trip(cls):
    """Schedules behave as scikit-learn parameter objects."""
    schedule = cls()
    params = schedule.get_params()
    copy = clone(schedule)
    assert copy is not schedule
    assert copy.get_params() == params
    assert cls(**schedule.get_params(deep=False)).get_params() == params

    name = next(iter(schedule.get_params(deep=False)))
    copy.set_params(**{name: params[name]})
    assert copy.get_params() == params


@pytest.mark.parametrize("schedule", EXAMPLES, ids=lambda s: type(s).__name__)
def test_running_never_mutates_the_schedule(schedule):
    """``start``, ``update`` and ``preview`` leave the parameters untouched."""
    before = repr(schedule.get_params())
    state = schedule.start(6, n_samples=100)
    for loss in [1.0, 1.0, 1.0, 1.0, 1.0]:
        state.update(loss)
    schedule.preview(6, [1.0] * 5, n_samples=100)
    assert repr(schedule.get_params()) == before
    assert set(vars(schedule)) == set(schedule.get_params(deep=False))


@settings(max_examples=30, deadline=None)
@given(index=st.integers(min_value=0, max_value=len(EXAMPLES) - 1), monitored=LOSSES)
def test_preview_equals_stepping_and_replays(index, monitored):
    """``preview`` equals stepping a state by hand, and two starts replay alike."""
    schedule = EXAMPLES[index]
    run = {"n_samples": 50}
    first = _step_by_hand(schedule, monitored, **run)
    second = _step_by_hand(schedule, monitored, **run)
    preview = schedule.preview(len(monitored), monitored, **run)
    assert first == second
    np.testing.assert_array_equal(preview, np.asarray(first))


def test_states_are_independent():
    """Two states of one schedule advance independently."""
    schedule = ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=1)
    first, second = schedule.start(10), schedule.start(10)
    first.update(1.0)
    first.update(2.0)
    assert first.value == 0.5
    assert second.value == 1.0 and second.epoch == 0


def test_set_params_after_start_does_not_change_a_running_state():
    """A state keeps the arguments the schedule had when it started."""
    decay = ExponentialDecay(initial_value=1.0, decay=0.5)
    state = decay.start(5)
    decay.set_params(initial_value=0.25)
    state.update(None)
    assert state.value == 0.5

    plateau = ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=1)
    state = plateau.start(5)
    plateau.set_params(factor=0.1)
    state.update(1.0)
    state.update(1.0)
    assert state.value == 0.5


def test_states_pickle():
    """A state in the middle of a run pickles and continues identically."""
    for schedule in EXAMPLES:
        state = schedule.start(8, n_samples=50)
        state.update(1.0)
        copy = pickle.loads(pickle.dumps(state))
        for loss in [1.0, 1.0, 0.5]:
            state.update(loss)
            copy.update(loss)
            assert copy.value == state.value


def test_value_types():
    """Value schedules give Python floats, batch-size schedules Python ints."""
    assert type(ExponentialDecay().start(3).value) is float
    assert type(GeometricBatchSize().start(3).value) is int
    assert ExponentialDecay().preview(3).dtype == np.float64
    assert GeometricBatchSize().preview(3).dtype == np.int64


def test_as_schedule_converts_numbers():
    """Numbers become constant schedules of the requested kind."""
    learning_rate = as_schedule(0.01, "value", "learning_rate")
    assert isinstance(learning_rate, Constant) and learning_rate.value == 0.01
    assert as_schedule(np.float32(0.5), "value", "momentum").value == 0.5
    assert as_schedule(0, "value", "momentum").value == 0.0
    batch_size = as_schedule(np.int64(64), "batch_size", "batch_size")
    assert isinstance(batch_size, ConstantBatchSize)
    assert batch_size.batch_size == 64 and type(batch_size.batch_size) is int


def test_as_schedule_passes_schedules_through():
    """A schedule of the right kind is returned as is."""
    decay = ExponentialDecay()
    growth = GeometricBatchSize()
    assert as_schedule(decay, "value", "learning_rate") is decay
    assert as_schedule(growth, "batch_size", "batch_size") is growth


@pytest.mark.parametrize(
    "value, kind, name, match",
    [
        (
            GeometricBatchSize(),
            "value",
            "learning_rate",
            "'learning_rate' parameter takes a value schedule; got "
            r"GeometricBatchSize\(\), a batch-size schedule",
        ),
        (
            ExponentialDecay(),
            "batch_size",
            "batch_size",
            "'batch_size' parameter takes a batch-size schedule; got "
            r"ExponentialDecay\(\), a value schedule",
        ),
        (
            "0.1",
            "value",
            "momentum",
            "'momentum' parameter must be a float or a value schedule; got '0.1' "
            r"of type str instead. Pass a float such as momentum=0.9",
        ),
        (True, "value", "learning_rate", "got True of type bool"),
        (32.0, "batch_size", "batch_size", "must be an int or a batch-size schedule"),
        (True, "batch_size", "batch_size", "got True of type bool"),
    ],
)
def test_as_schedule_type_errors(value, kind, name, match):
    """A wrong type or a schedule of the wrong kind names the parameter."""
    with pytest.raises(TypeError, match=match):
        as_schedule(value, kind, name)


@pytest.mark.parametrize(
    "value, kind, name, kwargs, match",
    [
        (0.0, "value", "learning_rate", {}, "'learning_rate' .* > 0; got 0.0"),
        (-0.1, "value", "momentum", {}, "'momentum' .* >= 0; got -0.1"),
        (float("nan"), "value", "learning_rate", {}, "finite float > 0; got nan"),
        (float("inf"), "value", "momentum", {}, "finite float >= 0; got inf"),
        (0.0, "value", "momentum", {"allow_zero": False}, "> 0; got 0.0"),
        (0, "batch_size", "batch_size", {}, "'batch_size' .* >= 1; got 0 instead"),
        (-5, "batch_size", "batch_size", {}, "got -5 instead. Pass a positive"),
        (1.0, "loss", "learning_rate", {}, "kind must be one of"),
    ],
)
def test_as_schedule_value_errors(value, kind, name, kwargs, match):
    """Non-positive numbers and batch sizes below 1 are rejected."""
    with pytest.raises(ValueError, match=match):
        as_schedule(value, kind, name, **kwargs)


def test_as_schedule_allow_zero_overrides_the_default():
    """``allow_zero=True`` accepts 0 for any value parameter."""
    assert as_schedule(0.0, "value", "learning_rate", allow_zero=True).value == 0


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda s: s.start(0), ValueError, "'n_epochs' argument of .*>= 1; got 0"),
        (lambda s: s.start(2.0), TypeError, "'n_epochs' .* got 2.0 instead"),
        (lambda s: s.start(True), TypeError, "'n_epochs' .* got True instead"),
        (lambda s: s.start(3, n_samples=0), ValueError, "'n_samples' .* got 0"),
        (lambda s: s.start(3, n_samples=1.5), TypeError, "'n_samples' .* got 1.5"),
        (
            lambda s: s.start(3, bytes_per_sample=0.0),
            ValueError,
            "'bytes_per_sample' .* > 0 or None; got 0.0 instead",
        ),
        (
            lambda s: s.start(3, bytes_per_sample="8"),
            TypeError,
            "'bytes_per_sample' .* got '8'",
        ),
        (lambda s: s.preview(-1), ValueError, "'n_epochs' .* got -1 instead"),
        (
            lambda s: s.preview(3, monitored=[1.0]),
            ValueError,
            r"'monitored' argument of \w+.preview must be a 1-d sequence of "
            r"n_epochs - 1 or n_epochs losses \(n_epochs=3\); got shape \(1,\)",
        ),
        (
            lambda s: s.preview(3, monitored=[[1.0, 2.0]]),
            ValueError,
            r"got shape \(1, 2\) instead",
        ),
        (
            lambda s: s.preview(3, monitored=["a", "b"]),
            TypeError,
            "'monitored' .* sequence of floats; got",
        ),
    ],
)
@pytest.mark.parametrize("cls", [ExponentialDecay, GeometricBatchSize])
def test_run_argument_errors(cls, call, error, match):
    """Bad ``start`` and ``preview`` arguments name the class and the argument."""
    with pytest.raises(error, match=match) as info:
        call(cls())
    assert cls.__name__ in str(info.value)


def test_preview_accepts_n_epochs_losses():
    """``preview`` ignores the loss of the last epoch when given."""
    schedule = ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=1)
    np.testing.assert_array_equal(
        schedule.preview(3, [1.0, 2.0]), schedule.preview(3, [1.0, 2.0, 3.0])
    )
