"""Tests of the closed-form value schedules: warm-up, decays, cosine, cyclic."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skhp.schedules import (
    Constant,
    CosineAnnealing,
    CyclicTriangular,
    ExponentialDecay,
    LinearWarmup,
    OneCycle,
    StepDecay,
)

COS_QUARTER = (1 + math.cos(math.pi / 4)) / 2  # 0.8535...

# Hand-computed values: (schedule, n_epochs, expected).
HAND_VALUES = [
    pytest.param(Constant(value=0.3), 3, [0.3, 0.3, 0.3], id="constant"),
    pytest.param(
        LinearWarmup(start_value=0.1, end_value=0.5, warmup_epochs=4),
        6,
        [0.1, 0.2, 0.3, 0.4, 0.5, 0.5],
        id="warmup",
    ),
    pytest.param(
        LinearWarmup(start_value=1.0, end_value=0.0, warmup_epochs=2),
        4,
        [1.0, 0.5, 0.0, 0.0],
        id="warmup-down",
    ),
    pytest.param(
        ExponentialDecay(initial_value=1.0, decay=0.5, min_value=0.1),
        6,
        [1.0, 0.5, 0.25, 0.125, 0.1, 0.1],
        id="exponential",
    ),
    pytest.param(
        StepDecay(initial_value=2.0, factor=0.5, step_size=3, min_value=0.3),
        10,
        [2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.3],
        id="step",
    ),
    pytest.param(
        CosineAnnealing(max_value=1.0, min_value=0.0),
        4,
        [1.0, COS_QUARTER, 0.5, 1 - COS_QUARTER],
        id="cosine-budget",
    ),
    pytest.param(
        CosineAnnealing(max_value=1.0, min_value=0.2, period=2),
        5,
        [1.0, 0.6, 1.0, 0.6, 1.0],
        id="cosine-restarts",
    ),
    pytest.param(
        CosineAnnealing(max_value=1.0, min_value=0.0, period=1, period_mult=2),
        8,
        [1.0, 1.0, 0.5, 1.0, COS_QUARTER, 0.5, 1 - COS_QUARTER, 1.0],
        id="cosine-period-mult",
    ),
    pytest.param(
        CyclicTriangular(base_value=1.0, peak_value=3.0, step_size=2),
        7,
        [1.0, 2.0, 3.0, 2.0, 1.0, 2.0, 3.0],
        id="triangular",
    ),
    pytest.param(
        CyclicTriangular(
            base_value=0.0, peak_value=1.0, step_size=1, mode="triangular2"
        ),
        7,
        [0.0, 1.0, 0.0, 0.5, 0.0, 0.25, 0.0],
        id="triangular2",
    ),
    pytest.param(
        CyclicTriangular(
            base_value=0.0, peak_value=1.0, step_size=1, mode="exp_range", gamma=0.5
        ),
        6,
        [0.0, 0.5, 0.0, 0.125, 0.0, 0.03125],
        id="exp-range",
    ),
    pytest.param(
        CyclicTriangular(base_value=0.9, peak_value=0.8, step_size=1),
        4,
        [0.9, 0.8, 0.9, 0.8],
        id="triangular-inverse",
    ),
    pytest.param(
        OneCycle(
            start_value=0.1,
            peak_value=1.0,
            end_value=0.0,
            up_fraction=0.25,
            anneal="linear",
        ),
        5,
        [0.1, 1.0, 2 / 3, 1 / 3, 0.0],
        id="one-cycle-linear",
    ),
    pytest.param(
        OneCycle(start_value=0.0, peak_value=1.0, end_value=0.0, up_fraction=0.5),
        5,
        [0.0, 0.5, 1.0, 0.5, 0.0],
        id="one-cycle-cosine",
    ),
    pytest.param(
        OneCycle(start_value=0.95, peak_value=0.85, end_value=0.9, up_fraction=0.5),
        5,
        [0.95, 0.9, 0.85, 0.875, 0.9],
        id="one-cycle-momentum",
    ),
    pytest.param(
        OneCycle(start_value=0.5, peak_value=1.0, end_value=0.0, up_fraction=0.0),
        3,
        [1.0, 0.5, 0.0],
        id="one-cycle-no-rise",
    ),
    pytest.param(
        OneCycle(start_value=0.0, peak_value=1.0, end_value=0.5, up_fraction=1.0),
        3,
        [0.0, 0.5, 1.0],
        id="one-cycle-no-fall",
    ),
    pytest.param(OneCycle(peak_value=0.7), 1, [0.7], id="one-cycle-one-epoch"),
]


@pytest.mark.parametrize("schedule, n_epochs, expected", HAND_VALUES)
def test_hand_computed_values(schedule, n_epochs, expected):
    """Each schedule gives the values computed by hand from its formula."""
    np.testing.assert_allclose(schedule.preview(n_epochs), expected, rtol=1e-12)


@pytest.mark.parametrize(
    "schedule, n_epochs, later",
    [
        (CosineAnnealing(max_value=1.0, min_value=0.1), 4, 0.1),
        (OneCycle(end_value=0.01), 4, 0.01),
        (LinearWarmup(end_value=0.2), 4, 0.2),
    ],
)
def test_value_beyond_the_budget(schedule, n_epochs, later):
    """Past the epoch budget, one-span schedules hold their final value."""
    state = schedule.start(n_epochs)
    for _ in range(n_epochs + 5):
        state.update(None)
    assert state.value == pytest.approx(later)


finite = {"allow_nan": False, "allow_infinity": False}
values = st.floats(min_value=0.0, max_value=10.0, **finite)
n_epochs = st.integers(min_value=1, max_value=60)


def _non_increasing(array):
    return bool(np.all(np.diff(array) <= 1e-12 * np.maximum(1, np.abs(array[1:]))))


@settings(max_examples=40, deadline=None)
@given(
    initial=values,
    decay=st.floats(min_value=0.01, max_value=1.0, **finite),
    min_fraction=st.floats(min_value=0.0, max_value=1.0, **finite),
    step_size=st.integers(min_value=1, max_value=5),
    n=n_epochs,
)
def test_decays_are_bounded_and_non_increasing(
    initial, decay, min_fraction, step_size, n
):
    """Exponential and step decay stay in [min_value, initial] and never rise."""
    min_value = initial * min_fraction
    for schedule in [
        ExponentialDecay(initial_value=initial, decay=decay, min_value=min_value),
        StepDecay(
            initial_value=initial,
            factor=decay,
            step_size=step_size,
            min_value=min_value,
        ),
    ]:
        preview = schedule.preview(n)
        assert preview[0] == initial
        assert np.all(preview >= min_value) and np.all(preview <= initial)
        assert _non_increasing(preview)


@settings(max_examples=40, deadline=None)
@given(start=values, end=values, warmup=st.integers(1, 10), n=n_epochs)
def test_warmup_is_monotone_between_its_ends(start, end, warmup, n):
    """Linear warm-up moves monotonically from start to end and then holds."""
    preview = LinearWarmup(
        start_value=start, end_value=end, warmup_epochs=warmup
    ).preview(n)
    low, high = min(start, end), max(start, end)
    assert np.all(preview >= low - 1e-12) and np.all(preview <= high + 1e-12)
    assert _non_increasing(preview if start >= end else -preview)
    if n > warmup:
        assert np.all(preview[warmup:] == pytest.approx(end))


@settings(max_examples=40, deadline=None)
@given(
    low=values,
    spread=values,
    period=st.integers(min_value=1, max_value=8),
    mult=st.integers(min_value=1, max_value=3),
    n=n_epochs,
)
def test_cosine_restarts_at_the_right_epochs(low, spread, period, mult, n):
    """SGDR stays in [min, max], restarts at 0, T, T + mT, ... and falls between."""
    high = low + spread
    schedule = CosineAnnealing(
        max_value=high, min_value=low, period=period, period_mult=mult
    )
    preview = schedule.preview(n)
    assert np.all(preview >= low - 1e-12) and np.all(preview <= high + 1e-12)

    restarts, length = [0], period
    while restarts[-1] + length < n:
        restarts.append(restarts[-1] + length)
        length *= mult
    for start, end in zip(restarts, [*restarts[1:], n], strict=True):
        assert preview[start] == pytest.approx(high)
        assert _non_increasing(preview[start:end])
        if spread > 1e-6 and end - start > 1:
            assert np.all(np.diff(preview[start:end]) < 0)


@settings(max_examples=40, deadline=None)
@given(low=values, spread=values, n=n_epochs)
def test_cosine_without_period_anneals_once(low, spread, n):
    """Without a period the cosine falls from max towards min over the budget."""
    preview = CosineAnnealing(max_value=low + spread, min_value=low).preview(n)
    assert preview[0] == pytest.approx(low + spread)
    assert _non_increasing(preview)
    assert np.all(preview >= low - 1e-12)


@settings(max_examples=40, deadline=None)
@given(
    base=values,
    peak=values,
    step_size=st.integers(min_value=1, max_value=6),
    mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
    gamma=st.floats(min_value=0.5, max_value=1.0, **finite),
    n=n_epochs,
)
def test_cyclic_stays_between_base_and_peak(base, peak, step_size, mode, gamma, n):
    """Cyclic values stay between base and peak and return to base every cycle."""
    preview = CyclicTriangular(
        base_value=base, peak_value=peak, step_size=step_size, mode=mode, gamma=gamma
    ).preview(n)
    assert np.all(preview >= min(base, peak) - 1e-12)
    assert np.all(preview <= max(base, peak) + 1e-12)
    np.testing.assert_allclose(preview[:: 2 * step_size], base, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    start=values,
    peak=values,
    end=values,
    up_fraction=st.floats(min_value=0.0, max_value=1.0, **finite),
    anneal=st.sampled_from(["cosine", "linear"]),
    n=n_epochs,
)
def test_one_cycle_rises_then_falls(start, peak, end, up_fraction, anneal, n):
    """One-cycle stays within its three values, monotone on each side of the peak."""
    schedule = OneCycle(
        start_value=start,
        peak_value=peak,
        end_value=end,
        up_fraction=up_fraction,
        anneal=anneal,
    )
    preview = schedule.preview(n)
    assert np.all(preview >= min(start, peak, end) - 1e-12)
    assert np.all(preview <= max(start, peak, end) + 1e-12)
    if n > 1 and up_fraction < 1:
        assert preview[-1] == pytest.approx(end)
    if start <= peak and end <= peak:
        top = int(np.argmax(preview))
        assert _non_increasing(-preview[: top + 1])
        assert _non_increasing(preview[top:])


BAD_ARGUMENTS = [
    (Constant(value=-0.1), ValueError, "'value' parameter of Constant must be a "
     r"finite float >= 0; got -0.1 instead. Pass a valid value, for example "
     r"Constant\(value=0.001\)"),
    (Constant(value=float("nan")), ValueError, "got nan instead"),
    (Constant(value="0.1"), TypeError, "'value' .* got '0.1' instead"),
    (LinearWarmup(warmup_epochs=0), ValueError,
     "'warmup_epochs' parameter of LinearWarmup must be an int >= 1; got 0"),
    (LinearWarmup(warmup_epochs=2.5), TypeError, "'warmup_epochs' .* got 2.5"),
    (LinearWarmup(start_value=-1.0), ValueError, "'start_value' .* >= 0; got -1.0"),
    (ExponentialDecay(decay=0.0), ValueError,
     r"'decay' parameter of ExponentialDecay must be a finite float in \(0, 1\]; "
     "got 0.0"),
    (ExponentialDecay(decay=1.5), ValueError, r"in \(0, 1\]; got 1.5"),
    (ExponentialDecay(initial_value=0.1, min_value=0.5), ValueError,
     r"'min_value' .* <= initial_value \(0.1\); got 0.5 instead. Lower min_value"),
    (StepDecay(step_size=0), ValueError, "'step_size' .* >= 1; got 0"),
    (StepDecay(factor=2.0), ValueError, r"'factor' .* \(0, 1\]; got 2.0"),
    (CosineAnnealing(max_value=0.1, min_value=0.2), ValueError,
     r"'max_value' .* >= min_value \(0.2\); got 0.1 instead. Raise max_value"),
    (CosineAnnealing(period=0), ValueError, "'period' .* >= 1 or None; got 0"),
    (CosineAnnealing(period_mult=1.5), TypeError, "'period_mult' .* got 1.5"),
    (CosineAnnealing(period_mult=0), ValueError, "'period_mult' .* got 0"),
    (CyclicTriangular(mode="triangle"), ValueError,
     "'mode' parameter of CyclicTriangular must be one of 'triangular', "
     "'triangular2', 'exp_range'; got 'triangle' instead"),
    (CyclicTriangular(gamma=0.0), ValueError, "'gamma' .* got 0.0"),
    (CyclicTriangular(step_size=-2), ValueError, "'step_size' .* got -2"),
    (CyclicTriangular(peak_value=-1.0), ValueError, "'peak_value' .* got -1.0"),
    (OneCycle(up_fraction=1.5), ValueError,
     r"'up_fraction' .* in \[0, 1\]; got 1.5"),
    (OneCycle(anneal="cos"), ValueError, "'anneal' .* 'cosine', 'linear'; got 'cos'"),
    (OneCycle(end_value=float("inf")), ValueError, "'end_value' .* got inf"),
]  # fmt: skip


@pytest.mark.parametrize("schedule, error, match", BAD_ARGUMENTS)
def test_bad_arguments_fail_at_start_and_preview(schedule, error, match):
    """Bad arguments raise at ``start`` and ``preview`` with a helpful message."""
    with pytest.raises(error, match=match):
        schedule.start(10)
    with pytest.raises(error, match=match):
        schedule.preview(10)
