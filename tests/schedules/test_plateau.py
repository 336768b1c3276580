"""Tests of ReduceOnPlateau: patience, counter reset, cooldown, thresholds."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skhp.schedules import ReduceOnPlateau


def test_reduces_after_exactly_patience_bad_epochs():
    """The value drops in the epoch after the ``patience``-th bad epoch."""
    schedule = ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=2)
    np.testing.assert_array_equal(
        schedule.preview(6, [3.0, 2.0, 2.0, 2.0, 2.0]),
        [1.0, 1.0, 1.0, 1.0, 0.5, 0.5],
    )


def test_counter_resets_after_each_reduction():
    """A second reduction needs ``patience`` new bad epochs, not one more."""
    schedule = ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=2)
    np.testing.assert_array_equal(
        schedule.preview(8, [1.0] * 7),
        [1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125],
    )


def test_counter_resets_on_improvement():
    """An improvement in between restarts the count of bad epochs."""
    schedule = ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=2)
    state = schedule.start(10)
    for loss in [1.0, 1.0, 0.5, 0.5]:
        state.update(loss)
    assert state.value == 1.0
    assert state.n_bad_epochs == 1
    state.update(0.5)
    assert state.value == 0.5


def test_cooldown_ignores_bad_epochs_after_a_reduction():
    """Bad epochs during the ``cooldown`` epochs after a reduction do not count."""
    schedule = ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=1, cooldown=2)
    np.testing.assert_array_equal(
        schedule.preview(8, [3.0] * 7),
        [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25],
    )


def test_improvement_during_cooldown_updates_the_best_loss():
    """The best loss keeps tracking improvements while cooling down."""
    schedule = ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=1, cooldown=3)
    state = schedule.start(10)
    for loss in [2.0, 2.0, 1.0]:
        state.update(loss)
    assert state.value == 0.5
    assert state.best == 1.0


def test_best_loss_is_kept_across_reductions():
    """After a reduction an epoch must still beat the best loss seen before."""
    schedule = ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=1)
    np.testing.assert_array_equal(
        schedule.preview(4, [1.0, 2.0, 1.5]), [1.0, 1.0, 0.5, 0.25]
    )


@pytest.mark.parametrize(
    "mode, threshold, expected",
    [
        # 0.95 is not below 1.0 * (1 - 0.1) = 0.9: a bad epoch.
        ("rel", 0.1, [1.0, 1.0, 0.5]),
        # 0.95 is below 1.0 - 0.01 = 0.99: an improvement.
        ("abs", 0.01, [1.0, 1.0, 1.0]),
        # 0.95 is not below 1.0 - 0.1 = 0.9: a bad epoch.
        ("abs", 0.1, [1.0, 1.0, 0.5]),
    ],
)
def test_threshold_modes(mode, threshold, expected):
    """Improvements are measured relatively or absolutely against the best loss."""
    schedule = ReduceOnPlateau(
        initial_value=1.0,
        factor=0.5,
        patience=1,
        threshold=threshold,
        threshold_mode=mode,
    )
    np.testing.assert_array_equal(schedule.preview(3, [1.0, 0.95]), expected)


def test_relative_threshold_with_negative_losses():
    """A relative threshold still asks for a lower loss when losses are negative."""
    schedule = ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=1, threshold=0.1)
    # -1.05 is not below -1.0 - 0.1 * 1.0 = -1.1; -1.2 is.
    np.testing.assert_array_equal(
        schedule.preview(4, [-1.0, -1.2, -1.05]), [1.0, 1.0, 1.0, 0.5]
    )


def test_min_value_floors_the_value():
    """Reductions never go below ``min_value``."""
    schedule = ReduceOnPlateau(
        initial_value=1.0, factor=0.1, patience=1, min_value=0.05
    )
    np.testing.assert_allclose(
        schedule.preview(5, [1.0] * 4), [1.0, 1.0, 0.1, 0.05, 0.05]
    )


def test_unmonitored_epochs_never_reduce():
    """Without a monitored loss the value never drops."""
    schedule = ReduceOnPlateau(initial_value=1.0, patience=1)
    np.testing.assert_array_equal(schedule.preview(20), np.ones(20))
    state = schedule.start(5)
    state.update(1.0)
    state.update(None)
    state.update(2.0)
    assert state.value == 0.1


def test_nan_loss_is_a_bad_epoch():
    """A NaN loss never counts as an improvement."""
    schedule = ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=1)
    np.testing.assert_array_equal(
        schedule.preview(3, [1.0, float("nan")]), [1.0, 1.0, 0.5]
    )


@settings(max_examples=50, deadline=None)
@given(
    losses=st.lists(
        st.floats(min_value=-5, max_value=5, allow_nan=False), min_size=1, max_size=30
    ),
    factor=st.floats(min_value=0.05, max_value=0.95),
    patience=st.integers(min_value=1, max_value=4),
    cooldown=st.integers(min_value=0, max_value=3),
    min_value=st.floats(min_value=0.0, max_value=1.0),
)
def test_values_bounded_and_non_increasing(
    losses, factor, patience, cooldown, min_value
):
    """For any losses the value stays in [min_value, initial] and never rises."""
    schedule = ReduceOnPlateau(
        initial_value=1.0,
        factor=factor,
        patience=patience,
        cooldown=cooldown,
        min_value=min_value,
    )
    preview = schedule.preview(len(losses), losses)
    assert np.all(preview <= 1.0) and np.all(preview >= min_value)
    assert np.all(np.diff(preview) <= 0)
    # Reductions are at least ``patience`` epochs apart.
    drops = np.flatnonzero(np.diff(preview) < 0)
    assert np.all(np.diff(drops) >= patience + cooldown)


@pytest.mark.parametrize(
    "schedule, error, match",
    [
        (ReduceOnPlateau(factor=1.0), ValueError,
         r"'factor' parameter of ReduceOnPlateau must be a finite float in "
         r"\(0, 1\); got 1.0 instead"),
        (ReduceOnPlateau(factor=0), ValueError, r"'factor' .* got 0 instead"),
        (ReduceOnPlateau(patience=0), ValueError,
         r"'patience' .* int >= 1; got 0 instead. Pass a valid patience, for "
         r"example ReduceOnPlateau\(patience=10\)"),
        (ReduceOnPlateau(cooldown=-1), ValueError, "'cooldown' .* >= 0; got -1"),
        (ReduceOnPlateau(cooldown=None), TypeError, "'cooldown' .* got None"),
        (ReduceOnPlateau(initial_value=0.1, min_value=0.2), ValueError,
         r"'min_value' .* <= initial_value \(0.1\); got 0.2 instead"),
        (ReduceOnPlateau(threshold=-1e-3), ValueError, "'threshold' .* got -0.001"),
        (ReduceOnPlateau(threshold_mode="relative"), ValueError,
         "'threshold_mode' .* one of 'rel', 'abs'; got 'relative' instead"),
    ],
)  # fmt: skip
def test_bad_arguments(schedule, error, match):
    """Bad arguments raise at ``start`` with a message naming the argument."""
    with pytest.raises(error, match=match):
        schedule.start(5)
