"""Tests of the Real, Integer and Categorical dimensions."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC

from skhp.space import Categorical, Integer, Real

bounds = st.tuples(
    st.floats(-1e6, 1e6, allow_nan=False), st.floats(1e-6, 1e6, allow_nan=False)
).map(lambda t: (t[0], t[0] + t[1]))
positive_bounds = st.tuples(
    st.floats(1e-8, 1e4, allow_nan=False), st.floats(1.001, 1e6, allow_nan=False)
).map(lambda t: (t[0], t[0] * t[1]))
unit = st.floats(0.0, 1.0, allow_nan=False)


@given(bounds, st.lists(unit, min_size=1, max_size=20))
def test_real_from_unit_stays_within_bounds(lh, us):
    """Every unit coordinate maps to a value inside a linear Real."""
    dim = Real(*lh)
    values = dim.from_unit(us)
    assert all(v in dim for v in values)


@given(positive_bounds, st.lists(unit, min_size=1, max_size=20))
def test_real_log_round_trip(lh, us):
    """On a log scale, to_unit inverts from_unit."""
    dim = Real(*lh, log=True)
    values = dim.from_unit(us)
    assert all(v in dim for v in values)
    np.testing.assert_allclose(dim.to_unit(values).ravel(), us, atol=1e-7)


def test_real_log_scale_gives_each_decade_the_same_share():
    """The unit midpoint of a log Real is the geometric midpoint of its bounds."""
    dim = Real(1e-4, 1.0, log=True)
    assert dim.from_unit([0.0, 0.25, 0.5, 1.0]) == pytest.approx([1e-4, 1e-3, 1e-2, 1])
    draws = np.array(dim.rvs(4000, random_state=0))
    share_below = np.mean(draws < 1e-2)
    assert 0.45 < share_below < 0.55


@given(
    st.integers(-50, 50),
    st.integers(1, 60),
    st.booleans(),
    st.lists(unit, min_size=1, max_size=20),
)
def test_integer_from_unit_is_valid_and_round_trips(low, width, log, us):
    """Integers decode to whole numbers in bounds and encode back to themselves."""
    if log:
        low = abs(low) + 1
    dim = Integer(low, low + width, log=log)
    values = dim.from_unit(us)
    assert all(isinstance(v, int) and v in dim for v in values)
    assert dim.from_unit(dim.to_unit(values)) == values


def test_integer_bins_are_equal_on_a_linear_scale():
    """Each integer of a linear Integer owns an equal share of the unit interval."""
    dim = Integer(0, 3)
    grid = np.linspace(0, 1, 4001)[:-1]
    counts = np.bincount(dim.from_unit(grid), minlength=4)
    np.testing.assert_allclose(counts / counts.sum(), 0.25, atol=1e-3)
    assert dim.cardinality == 4
    assert dim.values() == [0, 1, 2, 3]


def test_integer_membership_rejects_fractions_and_bools():
    """Only whole numbers within the bounds belong to an Integer."""
    dim = Integer(1, 5)
    assert 3 in dim and 3.0 in dim and np.int64(5) in dim
    assert 2.5 not in dim and 6 not in dim and True not in dim and "3" not in dim


@given(st.lists(st.integers(0, 4), min_size=1, max_size=30))
def test_categorical_one_hot_round_trip(indices):
    """Categorical choices survive encode/decode and to_unit/from_unit."""
    choices = ["a", 1, 2.5, None, (1, 2)]
    dim = Categorical(choices)
    values = [choices[i] for i in indices]
    Z = dim.encode(values)
    assert Z.shape == (len(values), 5)
    assert (Z.sum(axis=1) == 1).all()
    assert dim.decode(Z) == values
    assert dim.from_unit(dim.to_unit(values)) == values


def test_categorical_keeps_bool_and_int_apart():
    """True and 1 are different choices even though they compare equal."""
    dim = Categorical([1, True])
    dim.check("p")
    assert dim.index(True) == 1
    assert dim.index(1) == 0
    assert 1.0 in dim


def test_categorical_estimator_choices_are_cloned():
    """An estimator choice is cloned each time, so candidates share no object."""
    lr = LogisticRegression(C=2.0)
    dim = Categorical([lr, SVC()])
    first, second = dim.from_unit([0.1, 0.2])
    assert first is not lr and second is not lr and first is not second
    assert first.get_params() == lr.get_params()
    assert LogisticRegression(C=2.0) in dim
    assert LogisticRegression(C=3.0) not in dim
    assert dim.key(first) == 0


def test_rvs_is_reproducible_and_uses_the_given_random_state():
    """The same seed gives the same draws; another seed gives others."""
    dim = Real(0, 1)
    assert dim.rvs(5, random_state=3) == dim.rvs(5, random_state=3)
    assert dim.rvs(5, random_state=3) != dim.rvs(5, random_state=4)


def test_dimensions_are_value_objects():
    """Dimensions compare and hash by their arguments and never change."""
    assert Real(0, 1) == Real(0, 1) and Real(0, 1) != Real(0, 1, log=True)
    assert hash(Integer(1, 3)) == hash(Integer(1, 3))
    assert Categorical(["a", "b"]) == Categorical(["a", "b"])
    dim = Real(1e-3, 1.0, log=True)
    before = dict(vars(dim))
    dim.rvs(10, random_state=0)
    dim.to_unit([0.1])
    assert vars(dim) == before
    assert repr(dim) == "Real(0.001, 1.0, log=True)"


@pytest.mark.parametrize(
    "dim, error, match",
    [
        (Real(5, 1), ValueError, r"'p': Real needs low < high; got low=5, high=1"),
        (Real(1, 1), ValueError, r"needs low < high"),
        (Integer(3, 3), ValueError, r"'p': Integer needs low < high"),
        (Real(0, 1, log=True), ValueError, r"log=True needs low > 0; got low=0"),
        (Integer(-2, 4, log=True), ValueError, r"log=True needs low > 0"),
        (Real("a", 1), TypeError, r"low bound of Real must be a finite number"),
        (Real(0, math.inf), TypeError, r"high bound of Real must be a finite"),
        (Real(math.nan, 1), TypeError, r"low bound of Real must be a finite"),
        (Real(True, 2), TypeError, r"must be a finite number; got True"),
        (Integer(0.5, 4), TypeError, r"low bound of Integer must be a whole number"),
        (Integer(0, 4.5), TypeError, r"high bound of Integer must be a whole number"),
        (Categorical([]), ValueError, r"'p': Categorical needs at least one choice"),
        (Categorical("abc"), TypeError, r"choices must be a list"),
        (Categorical(["a", "a"]), ValueError, r"must be distinct; 'a' appears twice"),
    ],
)
def test_invalid_dimensions_name_the_parameter(dim, error, match):
    """A bad dimension raises an error that names the parameter and the rule."""
    with pytest.raises(error, match=match):
        dim.check("p")
