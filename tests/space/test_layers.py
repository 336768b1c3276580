"""Tests of the LayerSizes dimension (neural-network architectures)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.neural_network import MLPClassifier

from skhp.space import Integer, LayerSizes, SearchSpace

unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def layer_dims(draw):
    low = draw(st.integers(1, 3))
    high = low + draw(st.integers(0, 3))
    ulow = draw(st.integers(1, 64))
    uhigh = ulow + draw(st.integers(0, 300))
    return LayerSizes(
        n_layers=(low, high), units=(ulow, uhigh), log=draw(st.booleans())
    )


@st.composite
def dim_and_values(draw, min_size=1):
    dim = draw(layer_dims())
    rows = draw(
        st.lists(
            st.lists(unit, min_size=dim.n_unit, max_size=dim.n_unit),
            min_size=min_size,
            max_size=8,
        )
    )
    return dim, dim.from_unit(rows)


@given(dim_and_values())
def test_from_unit_is_always_a_valid_architecture(dv):
    """Any unit coordinates decode to tuples of ints within the bounds."""
    dim, values = dv
    for value in values:
        assert isinstance(value, tuple)
        assert all(type(size) is int for size in value)
        assert dim.n_layers[0] <= len(value) <= dim.n_layers[1]
        assert all(dim.units[0] <= size <= dim.units[1] for size in value)
        assert value in dim


@given(dim_and_values())
def test_unit_and_surrogate_encodings_round_trip(dv):
    """Encoding then decoding gives back the same architectures."""
    dim, values = dv
    U = dim.to_unit(values)
    assert U.shape == (len(values), dim.n_unit)
    assert np.all((U >= 0) & (U <= 1))
    assert dim.from_unit(U) == values
    Z = dim.encode(values)
    assert Z.shape == (len(values), dim.n_columns)
    assert dim.decode(Z) == values


def test_inactive_layers_have_a_constant_coordinate():
    """Layers an architecture lacks are encoded by the same constant."""
    dim = LayerSizes(n_layers=(1, 4), units=(16, 256))
    U = dim.to_unit([(16,), (256, 16)])
    assert U[0, 2:].tolist() == [0.5, 0.5, 0.5]
    assert U[1, 3:].tolist() == [0.5, 0.5]
    assert U[0, 1] == pytest.approx(Integer(16, 256, log=True).to_unit([16])[0, 0])


@given(dim_and_values(), st.integers(0, 2**32 - 1), st.floats(0.001, 1.0))
def test_mutation_gives_a_different_valid_architecture(dv, seed, scale):
    """A mutation changes the architecture and stays within the bounds."""
    dim, values = dv
    rng = np.random.RandomState(seed)
    for value in values:
        child = dim.mutate(value, scale, random_state=rng)
        assert child in dim
        assert child != value or dim.cardinality == 1


@given(dim_and_values(min_size=2), st.integers(0, 2**32 - 1))
def test_crossover_mixes_layers_of_the_parents(dv, seed):
    """A crossover child takes a parent's depth and each layer from a parent."""
    dim, values = dv
    rng = np.random.RandomState(seed)
    first, second = values[0], values[1]
    child = dim.crossover(first, second, random_state=rng)
    assert child in dim
    assert len(child) in (len(first), len(second))
    for i, size in enumerate(child):
        assert size in [p[i] for p in (first, second) if len(p) > i]


def test_mutation_adds_drops_and_resizes_layers():
    """All three mutations happen, each as often as the others."""
    dim = LayerSizes(n_layers=(1, 4), units=(16, 256))
    rng = np.random.RandomState(0)
    depths = [len(dim.mutate((64, 64), 0.2, random_state=rng)) for _ in range(600)]
    counts = np.bincount(depths, minlength=4)[1:4]
    assert counts.tolist() == pytest.approx([200, 200, 200], abs=50)


@pytest.mark.parametrize(
    "value, expected",
    [
        ((16,), True),
        ([32, 64], True),
        (np.array([32, 64]), True),
        ((np.int64(32), 64), True),
        ((), False),
        ((8,), False),
        ((16, 16, 16, 16, 16), False),
        ((16.5,), False),
        ((True,), False),
        (64, False),
        ("64", False),
        (np.array([[16]]), False),
    ],
)
def test_membership(value, expected):
    """Only sequences of ints of allowed length and sizes belong."""
    assert (value in LayerSizes(n_layers=(1, 4), units=(16, 256))) is expected


def test_cardinality_and_values():
    """Cardinality counts every architecture; values lists them in order."""
    dim = LayerSizes(n_layers=(1, 2), units=(2, 4), log=False)
    assert dim.cardinality == 3 + 9
    values = dim.values()
    assert values[:4] == [(2,), (3,), (4,), (2, 2)]
    assert len(set(values)) == dim.cardinality
    assert len({dim.key(v) for v in values}) == dim.cardinality
    big = LayerSizes()
    assert big.cardinality == sum(241**k for k in range(1, 5))
    with pytest.raises(ValueError, match="too many to list"):
        big.values()


def test_sampling_is_uniform_in_depth_and_log_uniform_in_width():
    """Random draws take the depth uniformly, layer sizes per decade evenly."""
    dim = LayerSizes(n_layers=(1, 4), units=(10, 1000), log=True)
    values = dim.rvs(4000, random_state=0)
    depths = np.bincount([len(v) for v in values], minlength=5)[1:]
    assert depths.tolist() == pytest.approx([1000] * 4, abs=100)
    sizes = np.array([s for v in values for s in v])
    assert 0.45 < np.mean(sizes < 100) < 0.55


def test_equality_hash_and_repr():
    """Equal arguments make equal dimensions; repr shows the arguments."""
    dim = LayerSizes(n_layers=(1, 3), units=(8, 64), log=False)
    assert dim == LayerSizes(n_layers=[1, 3], units=(8, 64), log=False)
    assert dim != LayerSizes(n_layers=(1, 3), units=(8, 64), log=True)
    assert hash(dim) == hash(LayerSizes(n_layers=(1, 3), units=(8, 64), log=False))
    assert repr(dim) == "LayerSizes(n_layers=(1, 3), units=(8, 64), log=False)"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_layers": 3}, TypeError, r"'arch'.*n_layers of LayerSizes must be a pair"),
        ({"n_layers": (0, 2)}, ValueError, r"'arch'.*needs 1 <= low <= high.*\(0, 2\)"),
        ({"n_layers": (3, 2)}, ValueError, r"n_layers.*1 <= low <= high"),
        ({"units": (16.0, 32)}, TypeError, r"units of LayerSizes must be a pair"),
        ({"units": (16, 8)}, ValueError, r"units.*1 <= low <= high"),
        ({"units": (1, 2, 3)}, TypeError, r"pair \(low, high\)"),
        ({"log": "yes"}, TypeError, r"log of LayerSizes must be True or False"),
    ],
)
def test_invalid_arguments_are_clear_errors(kwargs, error, match):
    """Bad bounds raise naming the parameter, the rule and the value."""
    with pytest.raises(error, match=match):
        SearchSpace({"arch": LayerSizes(**kwargs)})


def test_search_space_encodes_and_checks_layer_sizes():
    """A SearchSpace with LayerSizes encodes, decodes and checks MLPClassifier."""
    space = SearchSpace(
        {"hidden_layer_sizes": LayerSizes(n_layers=(1, 3)), "alpha": [1e-4, 1e-2]}
    )
    params = space.design(10, random_state=0)
    assert space.decode(space.encode(params)) == params
    assert all(p in space for p in params)
    space.check_estimator(MLPClassifier())
    assert space.cardinality == 2 * sum(241**k for k in range(1, 4))
    assert math.isfinite(space.cardinality)


def test_values_work_as_hidden_layer_sizes():
    """A sampled architecture builds an MLPClassifier of that shape."""
    X = np.random.RandomState(0).normal(size=(30, 3))
    y = (X[:, 0] > 0).astype(int)
    arch = LayerSizes(n_layers=(2, 2), units=(3, 5)).rvs(1, random_state=0)[0]
    model = MLPClassifier(hidden_layer_sizes=arch, max_iter=5, random_state=0)
    with pytest.warns(Warning):
        model.fit(X, y)
    assert [w.shape[1] for w in model.coefs_[:-1]] == list(arch)


def test_one_coordinate_per_value_gives_the_extreme_architectures():
    """A 1-d input repeats each coordinate: 0 is the smallest, 1 the largest."""
    dim = LayerSizes(n_layers=(2, 3), units=(16, 256))
    assert dim.from_unit([0.0, 1.0]) == [(16, 16), (256, 256, 256)]
