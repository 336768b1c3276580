"""Tests of SearchSpace: conversion, encoding, design and estimator checks."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import expon, loguniform, norm, randint, truncnorm, uniform
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhp.space import Categorical, Integer, Real, SearchSpace

CONDITIONAL = [
    {"kernel": ["linear"], "C": Real(1e-2, 1e2, log=True)},
    {
        "kernel": ["rbf"],
        "C": Real(1e-2, 1e2, log=True),
        "gamma": Real(1e-3, 1.0, log=True),
    },
]


def test_scipy_distributions_convert_exactly():
    """uniform, loguniform and randint become the dimension they sample."""
    space = SearchSpace(
        {"a": uniform(2, 3), "b": loguniform(1e-3, 10), "c": randint(1, 5)}
    )
    sub = space.subspaces[0]
    assert sub["a"] == Real(2.0, 5.0)
    assert sub["b"] == Real(1e-3, 10.0, log=True)
    assert sub["c"] == Integer(1, 4)


def test_scaled_loguniform_converts_and_shifted_one_is_refused():
    """A scale keeps loguniform log-uniform; a shift does not and is refused."""
    space = SearchSpace({"a": loguniform(1e-3, 10, scale=2)})
    assert space.subspaces[0]["a"] == Real(2e-3, 20.0, log=True)
    for dist in (loguniform(1e-3, 10, loc=1), loguniform(1, 10, loc=-2)):
        with pytest.raises(ValueError, match=r"Parameter 'a'.*shifted \(loc != 0\)"):
            SearchSpace({"a": dist})


@pytest.mark.parametrize("dist", [norm(0, 1), expon()])
def test_unbounded_distribution_is_an_error_naming_the_parameter(dist):
    """A distribution that cannot be bounded is refused with its name."""
    with pytest.raises(ValueError, match=r"Parameter 'alpha'.*unbounded support"):
        SearchSpace({"alpha": dist})


def test_bounded_but_not_uniform_distribution_is_refused():
    """A bounded distribution other than the three is not silently made uniform."""
    with pytest.raises(ValueError, match=r"Parameter 'x'.*cannot be converted exactly"):
        SearchSpace({"x": truncnorm(-1, 1)})


def test_plain_lists_are_categorical_and_other_values_are_refused():
    """Lists become Categorical; a bare scalar is a type error with a fix."""
    assert SearchSpace({"k": ["a", "b"]}).subspaces[0]["k"] == Categorical(["a", "b"])
    with pytest.raises(TypeError, match=r"Parameter 'C'.*got 3.0.*write \[3.0\]"):
        SearchSpace({"C": 3.0})
    with pytest.raises(TypeError, match=r"names must be strings"):
        SearchSpace({1: [1, 2]})
    with pytest.raises(TypeError, match=r"must be a dict of name -> dimension"):
        SearchSpace(["C"])
    with pytest.raises(ValueError, match=r"empty list"):
        SearchSpace([])


def test_space_is_not_modified_and_dimensions_are_validated():
    """Building a space never changes the user's dict, and checks each dimension."""
    spec = {"C": loguniform(1e-2, 1e2), "k": ["a", "b"]}
    before = dict(spec)
    SearchSpace(spec)
    assert spec == before
    with pytest.raises(ValueError, match=r"Parameter 'C': Real needs low < high"):
        SearchSpace({"C": Real(2, 1)})


def test_conditional_space_shares_equal_dimensions():
    """Sub-spaces share the columns of a dimension they both have."""
    space = SearchSpace(CONDITIONAL)
    # 2 indicators, C shared, kernel "linear", gamma, kernel "rbf".
    assert space.n_features == 6
    Z = space.encode(
        [{"kernel": "linear", "C": 1.0}, {"kernel": "rbf", "C": 1.0, "gamma": 0.1}]
    )
    np.testing.assert_allclose(Z[:, :3], [[1, 0, 0.5], [0, 1, 0.5]])
    assert Z[0, 4] == 0.5  # gamma is inactive for the linear kernel
    assert space.continuous_columns().tolist() == [0, 0, 1, 0, 1, 0]


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_decode_of_any_encoding_is_a_valid_candidate(seed):
    """Any point of the unit cube decodes to a member that re-encodes to itself."""
    space = SearchSpace(
        [
            *CONDITIONAL,
            {"kernel": ["poly"], "degree": Integer(2, 5), "coef0": [0.0, 1.0]},
        ]
    )
    Z = np.random.default_rng(seed).uniform(size=(20, space.n_features))
    params = space.decode(Z)
    assert all(p in space for p in params)
    again = space.decode(space.encode(params))
    # Real values survive up to floating-point round-off of the log scale.
    for a, b in zip(again, params, strict=True):
        np.testing.assert_allclose(space.key(a), space.key(b), rtol=1e-12)


def test_design_is_balanced_space_filling_and_seeded():
    """The initial design spreads over sub-spaces and each dimension's range."""
    space = SearchSpace(CONDITIONAL)
    design = space.design(20, random_state=0)
    assert design == space.design(20, random_state=0)
    kernels = [p["kernel"] for p in design]
    assert kernels.count("linear") == kernels.count("rbf") == 10
    # A Latin hypercube puts exactly one of 10 points in each tenth of log C.
    C = [p["C"] for p in design if p["kernel"] == "rbf"]
    deciles = np.floor((np.log10(C) + 2) / 4 * 10).astype(int)
    assert sorted(deciles) == list(range(10))


def test_cardinality_and_enumeration():
    """Finite spaces count and list their candidates; Real ones are infinite."""
    space = SearchSpace([{"a": [1, 2, 3], "b": Integer(0, 1)}, {"c": ["x"]}])
    assert space.cardinality == 7
    listed = space.enumerate()
    assert len(listed) == 7 and len({space.key(p) for p in listed}) == 7
    assert math.isinf(SearchSpace({"x": Real(0, 1)}).cardinality)
    with pytest.raises(ValueError, match="cannot be enumerated"):
        SearchSpace({"x": Real(0, 1)}).enumerate()


def test_sample_draws_members_of_every_subspace():
    """Random samples belong to the space and visit every sub-space."""
    space = SearchSpace(CONDITIONAL)
    samples = space.sample(50, random_state=1)
    assert all(p in space for p in samples)
    assert {p["kernel"] for p in samples} == {"linear", "rbf"}


def test_check_estimator_accepts_nested_pipeline_names():
    """Nested names reach through a Pipeline, including a searched step."""
    pipe = Pipeline([("scale", StandardScaler()), ("clf", SVC())])
    SearchSpace({"clf__C": Real(0.1, 10), "scale__with_mean": [True, False]})
    SearchSpace({"clf__C": Real(0.1, 10)}).check_estimator(pipe)
    SearchSpace(
        {"clf": [SVC(), LogisticRegression()], "clf__C": Real(0.1, 10)}
    ).check_estimator(pipe)


def test_unknown_name_lists_the_valid_ones():
    """A name the estimator lacks is refused, listing what is valid."""
    pipe = Pipeline([("scale", StandardScaler()), ("clf", SVC())])
    with pytest.raises(ValueError, match=r"'svc__C'.*not a parameter of Pipeline.*"):
        SearchSpace({"svc__C": Real(0.1, 10)}).check_estimator(pipe)
    with pytest.raises(ValueError, match=r"Valid parameters are: \[.*'clf__C'"):
        SearchSpace({"svc__C": Real(0.1, 10)}).check_estimator(pipe)


@pytest.mark.parametrize(
    "spec, match",
    [
        (
            {"C": Real(-1.0, 1.0)},
            r"'C'.*low bound of Real\(-1.0, 1.0\) is not a valid value",
        ),
        ({"kernel": Real(0, 1)}, r"'kernel'.*is not a valid value"),
        ({"max_iter": Real(10, 100)}, r"'max_iter'.*must be an int"),
        ({"kernel": ["rbf", "cubic"]}, r"'kernel'.*'cubic' is not a valid value"),
    ],
)
def test_values_of_a_wrong_type_or_range_are_refused(spec, match):
    """Values are checked against the estimator's declared constraints."""
    with pytest.raises((TypeError, ValueError), match=match):
        SearchSpace(spec).check_estimator(SVC())
