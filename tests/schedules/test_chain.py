"""Tests of Chain: segments, per-segment epochs, nested parameters."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.model_selection import ParameterGrid

from skhp.schedules import (
    Chain,
    Constant,
    CosineAnnealing,
    ExponentialDecay,
    GeometricBatchSize,
    LinearWarmup,
    ReduceOnPlateau,
    StepDecay,
)


def _warmup_cosine():
    return Chain(
        schedules=[
            ("warmup", LinearWarmup(start_value=0.0, end_value=1.0, warmup_epochs=2)),
            ("cosine", CosineAnnealing(max_value=1.0)),
        ],
        milestones=[2],
    )


def test_warmup_then_cosine_values():
    """The cosine after a warm-up spans exactly the remaining epochs."""
    expected = [0.0, 0.5, *CosineAnnealing(max_value=1.0).preview(4)]
    np.testing.assert_allclose(_warmup_cosine().preview(6), expected, rtol=1e-12)


def test_each_schedule_counts_epochs_from_its_own_start():
    """A chained schedule sees epoch 0 at its milestone."""
    chain = Chain(
        schedules=[
            ("first", Constant(value=5.0)),
            ("second", ExponentialDecay(initial_value=1.0, decay=0.5)),
            ("third", StepDecay(initial_value=2.0, factor=0.5, step_size=2)),
        ],
        milestones=[1, 3],
    )
    np.testing.assert_array_equal(chain.preview(7), [5.0, 1.0, 0.5, 2.0, 2.0, 1.0, 1.0])


def test_losses_reach_only_the_running_schedule():
    """A plateau schedule after a warm-up only sees losses of its own epochs."""
    chain = Chain(
        schedules=[
            ("warmup", LinearWarmup(start_value=0.5, end_value=1.0, warmup_epochs=1)),
            ("plateau", ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=2)),
        ],
        milestones=[2],
    )
    # The bad epochs 0 and 1 happen during the warm-up, so they do not count.
    np.testing.assert_array_equal(
        chain.preview(6, [9.0, 9.0, 1.0, 1.0, 1.0]), [0.5, 1.0, 1.0, 1.0, 1.0, 0.5]
    )


def test_milestones_beyond_the_budget():
    """Segments past the budget are never reached inside it, but still valid."""
    chain = Chain(
        schedules=[("a", Constant(value=1.0)), ("b", CosineAnnealing(max_value=2.0))],
        milestones=[10],
    )
    np.testing.assert_array_equal(chain.preview(3), [1.0, 1.0, 1.0])
    state = chain.start(3)
    for _ in range(10):
        state.update(None)
    assert state.value == 2.0


def test_chains_nest():
    """A chain can be a link of another chain, with doubly nested parameters."""
    inner = Chain(
        schedules=[("a", Constant(value=1.0)), ("b", Constant(value=2.0))],
        milestones=[1],
    )
    outer = Chain(
        schedules=[("inner", inner), ("c", Constant(value=3.0))], milestones=[3]
    )
    np.testing.assert_array_equal(outer.preview(5), [1.0, 2.0, 2.0, 3.0, 3.0])
    outer.set_params(inner__b__value=5.0)
    assert outer.get_params()["inner__b__value"] == 5.0
    np.testing.assert_array_equal(outer.preview(4), [1.0, 5.0, 5.0, 3.0])


def test_default_chain_is_a_constant():
    """With no arguments a chain is the default constant."""
    np.testing.assert_array_equal(Chain().preview(3), Constant().preview(3))


def test_nested_params_are_exposed_and_settable():
    """Named schedules and their arguments are nested parameters."""
    chain = _warmup_cosine()
    params = chain.get_params()
    assert params["warmup"] is chain.schedules[0][1]
    assert params["cosine__max_value"] == 1.0
    assert "schedules" in params and "milestones" in params
    assert "cosine" not in chain.get_params(deep=False)

    chain.set_params(cosine__max_value=0.5, warmup__warmup_epochs=3, milestones=[3])
    assert chain.schedules[1][1].max_value == 0.5
    assert chain.schedules[0][1].warmup_epochs == 3
    assert chain.milestones == [3]


def test_set_params_replaces_a_named_schedule():
    """Setting a name replaces that schedule and keeps the order."""
    chain = _warmup_cosine()
    decay = ExponentialDecay(initial_value=1.0, decay=0.5)
    chain.set_params(cosine=decay, cosine__decay=0.25)
    assert [name for name, _ in chain.schedules] == ["warmup", "cosine"]
    assert chain.schedules[1][1] is decay and decay.decay == 0.25
    np.testing.assert_array_equal(chain.preview(4), [0.0, 0.5, 1.0, 0.25])


def test_set_params_schedules_and_nested_together():
    """``schedules`` is set before nested parameters that refer to it."""
    chain = Chain().set_params(
        schedules=[("only", Constant(value=0.2))], only__value=0.3
    )
    np.testing.assert_array_equal(chain.preview(2), [0.3, 0.3])


def test_unknown_nested_parameter_is_an_error():
    """A parameter of no schedule is rejected as by scikit-learn."""
    with pytest.raises(ValueError, match="Invalid parameter 'missing'"):
        _warmup_cosine().set_params(missing__value=1.0)


def test_clone_copies_the_nested_schedules():
    """``clone`` gives independent copies of the chained schedules."""
    chain = _warmup_cosine()
    copy = clone(chain)
    copy.set_params(cosine__max_value=7.0)
    assert chain.get_params()["cosine__max_value"] == 1.0
    assert copy.get_params()["cosine__max_value"] == 7.0


def test_parameter_grid_over_nested_parameters():
    """A grid over nested chain parameters gives distinct previews."""
    grid = ParameterGrid({"cosine__max_value": [0.5, 1.0], "milestones": [[1], [2]]})
    previews = {
        tuple(clone(_warmup_cosine()).set_params(**params).preview(5))
        for params in grid
    }
    assert len(previews) == 4


@settings(max_examples=30, deadline=None)
@given(
    lengths=st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=4),
    extra=st.integers(min_value=-3, max_value=3),
)
def test_segments_match_their_schedules(lengths, extra):
    """Each segment of a chain equals its schedule previewed on its own budget."""
    schedules = [
        (f"s{i}", CosineAnnealing(max_value=float(i + 1), period=2))
        for i in range(len(lengths))
    ]
    milestones = list(np.cumsum(lengths[:-1]).tolist())
    n_epochs = max(1, sum(lengths) + extra)
    preview = Chain(schedules=schedules, milestones=milestones).preview(n_epochs)
    for (_, schedule), start, length in zip(
        schedules, [0, *milestones], lengths, strict=True
    ):
        segment = preview[start : start + length]
        np.testing.assert_array_equal(segment, schedule.preview(length)[: len(segment)])


@pytest.mark.parametrize(
    "chain, error, match",
    [
        (Chain(schedules=[Constant()]), TypeError,
         r"'schedules' parameter of Chain must be a non-empty list of \(name, "
         r"value schedule\) tuples; got \[Constant\(\)\] instead. Pass for "
         "example"),
        (Chain(schedules=[]), TypeError, r"non-empty list .* got \[\] instead"),
        (Chain(schedules=[("a", Constant()), ("a", Constant())], milestones=[1]),
         ValueError, "unique names; got .* Rename one of the schedules named 'a'"),
        (Chain(schedules=[("a__b", Constant())]), ValueError,
         "named without '__'.* got 'a__b' instead"),
        (Chain(schedules=[("milestones", Constant())]), ValueError,
         "not 'schedules' or 'milestones'; got 'milestones'"),
        (Chain(schedules=[("a", GeometricBatchSize())]), TypeError,
         "list of value schedules .* batch-size schedules cannot be chained"),
        (Chain(schedules=[("a", 0.1)]), TypeError,
         "value schedules from skhp.schedules; got 0.1"),
        (Chain(schedules=[("a", Constant()), ("b", Constant())]), ValueError,
         r"'milestones' parameter of Chain must be a strictly increasing list of "
         r"1 int\(s\) >= 1 \(one fewer than the 2 schedule\(s\)\); got None"),
        (Chain(schedules=[("a", Constant()), ("b", Constant()), ("c", Constant())],
               milestones=[3, 2]), ValueError, r"got \[3, 2\] instead"),
        (Chain(schedules=[("a", Constant()), ("b", Constant())], milestones=[0]),
         ValueError, r"got \[0\] instead"),
        (Chain(schedules=[("a", Constant()), ("b", Constant())], milestones=[1.5]),
         ValueError, r"got \[1.5\] instead"),
        (Chain(schedules=[("a", Constant()), ("b", Constant())], milestones=3),
         TypeError, "got 3 instead"),
        (Chain(schedules=[("a", Constant(value=-1.0))]), ValueError,
         "'value' parameter of Constant must be a finite float >= 0; got -1.0"),
    ],
)  # fmt: skip
def test_bad_arguments(chain, error, match):
    """Bad chains raise at ``start`` with a message naming the argument."""
    with pytest.raises(error, match=match):
        chain.start(5)
