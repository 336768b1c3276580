"""Tests of the batch-size schedules: constant, plateau growth, geometric growth."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skhp.schedules import ConstantBatchSize, GeometricBatchSize, GrowBatchSizeOnPlateau


def test_constant_is_capped_by_the_number_of_samples():
    """A constant batch size never exceeds the number of samples."""
    np.testing.assert_array_equal(ConstantBatchSize(64).preview(2), [64, 64])
    np.testing.assert_array_equal(
        ConstantBatchSize(64).preview(2, n_samples=50), [50, 50]
    )


def test_plateau_growth_values():
    """The batch grows after ``patience`` stable epochs, then up to the cap."""
    schedule = GrowBatchSizeOnPlateau(
        initial_batch_size=32, patience=2, threshold=0.01, max_batch_size=100
    )
    np.testing.assert_array_equal(
        schedule.preview(7, [1.0, 0.5, 0.5, 0.5, 0.5, 0.5]),
        [32, 32, 32, 32, 64, 64, 100],
    )


def test_plateau_growth_needs_consecutive_stable_epochs():
    """A large change in between restarts the count of stable epochs."""
    schedule = GrowBatchSizeOnPlateau(initial_batch_size=10, patience=2, threshold=0.1)
    # Relative changes: 0.05 (stable), 0.5 (not), 0.05, 0.05 (grow).
    losses = [1.0, 0.95, 0.475, 0.45125, 0.4286875]
    np.testing.assert_array_equal(schedule.preview(6, losses), [10] * 5 + [20])


def test_plateau_growth_counts_rises_as_changes():
    """A rising loss of more than the threshold is not stable either."""
    schedule = GrowBatchSizeOnPlateau(initial_batch_size=10, patience=1, threshold=0.1)
    np.testing.assert_array_equal(
        schedule.preview(4, [1.0, 1.5, 1.55]), [10, 10, 10, 20]
    )


def test_plateau_growth_ignores_missing_and_nan_losses():
    """Without a monitored loss, or with NaN, the batch size does not grow."""
    schedule = GrowBatchSizeOnPlateau(initial_batch_size=10, patience=1)
    np.testing.assert_array_equal(schedule.preview(5), [10] * 5)
    nan = float("nan")
    np.testing.assert_array_equal(schedule.preview(4, [nan, nan, nan]), [10] * 4)


def test_plateau_growth_with_zero_loss():
    """A loss that stays at exactly zero is stable."""
    schedule = GrowBatchSizeOnPlateau(initial_batch_size=10, patience=1)
    np.testing.assert_array_equal(schedule.preview(3, [0.0, 0.0]), [10, 10, 20])


@pytest.mark.parametrize(
    "initial, factor, expected",
    [
        (5, 1.5, [5, 5, 8, 12, 18]),
        (3, 1.1, [3, 3, 4, 5, 6]),
        (10, 3.0, [10, 10, 30, 90, 270]),
    ],
)
def test_growth_rounds_to_nearest_and_grows_by_at_least_one(initial, factor, expected):
    """Growth rounds half up and always adds at least one sample."""
    schedule = GrowBatchSizeOnPlateau(
        initial_batch_size=initial, factor=factor, patience=1, threshold=0.5
    )
    # The first loss has nothing to compare with, so growth starts at epoch 2.
    np.testing.assert_array_equal(schedule.preview(5, [1.0] * 4), expected)


def test_geometric_values():
    """Geometric growth multiplies every ``step_size`` epochs, rounding."""
    np.testing.assert_array_equal(
        GeometricBatchSize(initial_batch_size=10, factor=2.0, step_size=2).preview(6),
        [10, 10, 20, 20, 40, 40],
    )
    np.testing.assert_array_equal(
        GeometricBatchSize(initial_batch_size=5, factor=1.5).preview(4),
        [5, 8, 11, 17],
    )
    np.testing.assert_array_equal(
        GeometricBatchSize(initial_batch_size=7, factor=1.0).preview(3), [7, 7, 7]
    )


@pytest.mark.parametrize("cls", [GrowBatchSizeOnPlateau, GeometricBatchSize])
@pytest.mark.parametrize(
    "caps, run, expected",
    [
        ({"max_batch_size": 20}, {}, 20),
        ({"memory_budget": 1000.0}, {"bytes_per_sample": 30.0}, 33),
        ({"memory_budget": 1000}, {"bytes_per_sample": 30.0, "n_samples": 25}, 25),
        ({"max_batch_size": 500}, {"n_samples": 40}, 40),
    ],
)
def test_initial_batch_size_above_the_caps_starts_at_the_cap(cls, caps, run, expected):
    """The tightest of max_batch_size, memory budget and n_samples wins."""
    schedule = cls(initial_batch_size=100, factor=2.0, **caps)
    np.testing.assert_array_equal(
        schedule.preview(3, [1.0, 1.0], **run), [expected] * 3
    )


def test_geometric_growth_far_past_the_cap():
    """A batch size that would overflow a float stays at the cap."""
    state = GeometricBatchSize(initial_batch_size=2, factor=10.0).start(
        2000, n_samples=1000
    )
    for _ in range(1500):
        state.update(None)
    assert state.value == 1000


def test_geometric_growth_without_any_cap_overflowing():
    """Without any cap, growing past a float's range is a clear error."""
    state = GeometricBatchSize(factor=10.0).start(500)
    for _ in range(400):
        state.update(None)
    with pytest.raises(ValueError, match="grew past any representable batch size"):
        _ = state.value


caps = st.fixed_dictionaries(
    {
        "max_batch_size": st.none() | st.integers(min_value=1, max_value=300),
        "memory_budget": st.none() | st.floats(min_value=8.0, max_value=1e4),
    }
)
run = st.fixed_dictionaries(
    {
        "n_samples": st.none() | st.integers(min_value=1, max_value=500),
        "bytes_per_sample": st.floats(min_value=1.0, max_value=8.0),
    }
)
losses = st.lists(
    st.floats(min_value=0.0, max_value=2.0, allow_nan=False), min_size=1, max_size=30
)


def _cap(caps, run):
    limits = [caps["max_batch_size"], run["n_samples"]]
    if caps["memory_budget"] is not None:
        limits.append(int(caps["memory_budget"] // run["bytes_per_sample"]))
    return min([limit for limit in limits if limit is not None], default=None)


@settings(max_examples=60, deadline=None)
@given(
    caps=caps,
    run=run,
    losses=losses,
    initial=st.integers(min_value=1, max_value=400),
    factor=st.floats(min_value=1.01, max_value=4.0),
    patience=st.integers(min_value=1, max_value=3),
    threshold=st.floats(min_value=0.0, max_value=0.5),
)
def test_plateau_growth_is_capped_and_never_decreases(
    caps, run, losses, initial, factor, patience, threshold
):
    """For any losses the batch stays within the caps and never shrinks."""
    schedule = GrowBatchSizeOnPlateau(
        initial_batch_size=initial,
        factor=factor,
        patience=patience,
        threshold=threshold,
        **caps,
    )
    preview = schedule.preview(len(losses), losses, **run)
    cap = _cap(caps, run)
    assert np.all(preview >= 1) and np.all(np.diff(preview) >= 0)
    assert preview[0] == (initial if cap is None else min(initial, cap))
    if cap is not None:
        assert np.all(preview <= cap)


@settings(max_examples=60, deadline=None)
@given(
    caps=caps,
    run=run,
    n_epochs=st.integers(min_value=1, max_value=80),
    initial=st.integers(min_value=1, max_value=400),
    factor=st.floats(min_value=1.0, max_value=4.0),
    step_size=st.integers(min_value=1, max_value=5),
)
def test_geometric_growth_is_capped_and_never_decreases(
    caps, run, n_epochs, initial, factor, step_size
):
    """Geometric growth stays within the caps and never shrinks."""
    schedule = GeometricBatchSize(
        initial_batch_size=initial, factor=factor, step_size=step_size, **caps
    )
    cap = _cap(caps, run)
    if cap is None:
        # Keep uncapped growth within floats for long runs.
        schedule.set_params(max_batch_size=10**6)
        cap = 10**6
    preview = schedule.preview(n_epochs, **run)
    assert np.all(preview >= 1) and np.all(np.diff(preview) >= 0)
    assert np.all(preview <= cap)
    assert preview[0] == min(initial, cap)


@pytest.mark.parametrize("cls", [GrowBatchSizeOnPlateau, GeometricBatchSize])
@pytest.mark.parametrize(
    "params, run, error, match",
    [
        ({"initial_batch_size": 0}, {}, ValueError,
         "'initial_batch_size' parameter of {cls} must be an int >= 1; got 0 "
         r"instead. Pass a valid initial_batch_size, for example "
         r"{cls}\(initial_batch_size=32\)"),
        ({"initial_batch_size": 32.0}, {}, TypeError,
         "'initial_batch_size' .* got 32.0"),
        ({"factor": 0.5}, {}, ValueError, "'factor' .* got 0.5 instead"),
        ({"max_batch_size": 0}, {}, ValueError,
         "'max_batch_size' .* >= 1 or None; got 0"),
        ({"memory_budget": -1.0}, {}, ValueError,
         "'memory_budget' .* > 0; got -1.0 instead"),
        ({"memory_budget": "1GB"}, {}, TypeError, "'memory_budget' .* got '1GB'"),
        ({"memory_budget": 1e6}, {}, ValueError,
         "'memory_budget' parameter of {cls} needs the memory cost of one sample; "
         "got memory_budget=1000000.0 and bytes_per_sample=None instead. Pass "
         "bytes_per_sample to start"),
        ({"memory_budget": 10.0}, {"bytes_per_sample": 16.0}, ValueError,
         "'memory_budget' parameter of {cls} must hold at least one sample of "
         "16.0 bytes; got memory_budget=10.0 instead"),
    ],
)  # fmt: skip
def test_bad_arguments(cls, params, run, error, match):
    """Bad arguments raise at ``start`` with a message naming the argument."""
    with pytest.raises(error, match=match.format(cls=cls.__name__)):
        cls(**params).start(5, **run)


@pytest.mark.parametrize(
    "schedule, match",
    [
        (GrowBatchSizeOnPlateau(factor=1.0), r"'factor' .* > 1; got 1.0"),
        (GrowBatchSizeOnPlateau(patience=0), "'patience' .* >= 1; got 0"),
        (GrowBatchSizeOnPlateau(threshold=-0.1), "'threshold' .* >= 0; got -0.1"),
        (GeometricBatchSize(step_size=0), "'step_size' .* >= 1; got 0"),
        (ConstantBatchSize(batch_size=0), "'batch_size' .* >= 1; got 0"),
    ],
)
def test_bad_arguments_specific_to_one_schedule(schedule, match):
    """Arguments that only one schedule has are validated too."""
    with pytest.raises(ValueError, match=match):
        schedule.preview(3)
