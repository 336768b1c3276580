"""Tests for TimeSeriesGapSplit."""

import copy
import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sklearn import config_context
from sklearn.linear_model import Ridge
from sklearn.model_selection import (
    BaseCrossValidator,
    GridSearchCV,
    TimeSeriesSplit,
    check_cv,
    cross_validate,
)

import skhp
from skhp.model_selection import TimeSeriesGapSplit


def _folds(cv, n_samples=None, groups=None):
    """Return the folds of ``cv`` as lists of ints."""
    if n_samples is None:
        n_samples = len(groups)
    X = np.zeros((n_samples, 1))
    return [(list(tr), list(te)) for tr, te in cv.split(X, groups=groups)]


def _expected_count(value, n_units):
    """Count for a parameter, computing fractions exactly from their decimal."""
    if isinstance(value, int):
        return value
    return math.ceil(Fraction(str(value)) * n_units)


# Hand-computed folds. Each row is (train indices, test indices).
HAND_TABLES = [
    pytest.param(
        10,
        dict(n_splits=3, test_size=2, gap=1),
        None,
        [
            ([0, 1, 2], [4, 5]),
            ([0, 1, 2, 3, 4], [6, 7]),
            ([0, 1, 2, 3, 4, 5, 6], [8, 9]),
        ],
        id="counts-with-gap",
    ),
    pytest.param(
        20,
        dict(n_splits=3, test_size=0.15, gap=0.1),
        None,
        [
            (list(range(9)), [11, 12, 13]),
            (list(range(12)), [14, 15, 16]),
            (list(range(15)), [17, 18, 19]),
        ],
        id="fractions",
    ),
    pytest.param(
        10,
        dict(n_splits=2, test_size=0.25),
        None,
        [([0, 1, 2, 3], [4, 5, 6]), (list(range(7)), [7, 8, 9])],
        id="fraction-rounds-up",
    ),
    pytest.param(
        # 0.14 * 50 is 7.000000000000001 in floating point: still 7, not 8.
        50,
        dict(n_splits=2, test_size=0.14, gap=0.14),
        None,
        [
            (list(range(29)), list(range(36, 43))),
            (list(range(36)), list(range(43, 50))),
        ],
        id="fraction-float-error-not-rounded-up",
    ),
    pytest.param(
        12,
        dict(n_splits=3),
        None,
        [
            ([0, 1, 2], [3, 4, 5]),
            (list(range(6)), [6, 7, 8]),
            (list(range(9)), [9, 10, 11]),
        ],
        id="default-test-size",
    ),
    pytest.param(
        10,
        dict(n_splits=3, test_size=2, gap=1, max_train_size=3),
        None,
        [([0, 1, 2], [4, 5]), ([2, 3, 4], [6, 7]), ([4, 5, 6], [8, 9])],
        id="sliding-window",
    ),
    pytest.param(
        10,
        dict(n_splits=3, test_size=2, gap=1, max_train_size=0.25),
        None,
        [([0, 1, 2], [4, 5]), ([2, 3, 4], [6, 7]), ([4, 5, 6], [8, 9])],
        id="sliding-window-fraction",
    ),
    pytest.param(
        None,
        dict(n_splits=2, test_size=1, gap=1),
        [0, 0, 0, 1, 1, 2, 3, 3, 3, 4, 5, 5],
        [([0, 1, 2, 3, 4, 5], [9]), (list(range(9)), [10, 11])],
        id="groups-counts",
    ),
    pytest.param(
        None,
        dict(n_splits=2, test_size=1, gap=1, max_train_size=2),
        [0, 0, 0, 1, 1, 2, 3, 3, 3, 4, 5, 5],
        [([3, 4, 5], [9]), ([5, 6, 7, 8], [10, 11])],
        id="groups-sliding-window",
    ),
    pytest.param(
        None,
        dict(n_splits=2, test_size=0.2),
        [0, 0, 0, 1, 1, 2, 3, 3, 3, 4, 5, 5],
        [([0, 1, 2, 3, 4], [5, 6, 7, 8]), (list(range(9)), [9, 10, 11])],
        id="groups-fraction",
    ),
    pytest.param(
        None,
        dict(n_splits=2, gap=1),
        np.array(
            ["2024-01-01"] * 2 + ["2024-01-02"] + ["2024-01-05"] * 3 + ["2024-01-08"],
            dtype="datetime64[D]",
        ),
        [([0, 1], [3, 4, 5]), ([0, 1, 2], [6])],
        id="groups-dates",
    ),
]


@pytest.mark.parametrize("n_samples, params, groups, expected", HAND_TABLES)
def test_split_matches_hand_computed_folds(n_samples, params, groups, expected):
    """Folds match tables computed by hand for counts, fractions and groups."""
    cv = TimeSeriesGapSplit(**params)
    assert _folds(cv, n_samples, groups) == expected


@given(
    n_samples=st.integers(0, 60),
    n_splits=st.integers(2, 6),
    test_size=st.none() | st.integers(1, 8),
    gap=st.integers(0, 6),
    max_train_size=st.none() | st.integers(1, 20),
)
def test_split_equals_sklearn_time_series_split(
    n_samples, n_splits, test_size, gap, max_train_size
):
    """With counts and no groups the folds are exactly TimeSeriesSplit's."""
    params = dict(
        n_splits=n_splits, test_size=test_size, gap=gap, max_train_size=max_train_size
    )
    X = np.zeros((n_samples, 1))
    try:
        expected = [(list(a), list(b)) for a, b in TimeSeriesSplit(**params).split(X)]
    except ValueError:
        with pytest.raises(ValueError, match="Too few samples"):
            list(TimeSeriesGapSplit(**params).split(X))
        return
    assert _folds(TimeSeriesGapSplit(**params), n_samples) == expected


def fractions(low, high):
    """Floats k / 100 for k in [low, high], which print as typed."""
    return st.integers(low, high).map(lambda k: k / 100)


@settings(max_examples=300)
@given(
    n_splits=st.integers(2, 6),
    test_size=st.none() | st.integers(1, 8) | fractions(1, 30),
    gap=st.integers(0, 6) | fractions(0, 30),
    max_train_size=st.none() | st.integers(1, 20) | fractions(1, 99),
    group_sizes=st.none() | st.lists(st.integers(1, 3), max_size=80),
    n_samples=st.integers(0, 100),
)
def test_split_properties(
    n_splits, test_size, gap, max_train_size, group_sizes, n_samples
):
    """Folds are contiguous, ordered, gapped, sized as documented, whole groups."""
    cv = TimeSeriesGapSplit(
        n_splits, test_size=test_size, gap=gap, max_train_size=max_train_size
    )
    if group_sizes is None:
        groups = None
        unit_of_row = np.arange(n_samples)
    else:
        # Spaced, non-consecutive group values, as dates would be.
        groups = np.repeat(3 * np.arange(len(group_sizes)) + 7, group_sizes)
        unit_of_row = np.repeat(np.arange(len(group_sizes)), group_sizes)
        n_samples = len(groups)
    n_units = len(unit_of_row) and unit_of_row[-1] + 1

    t = (
        n_units // (n_splits + 1)
        if test_size is None
        else _expected_count(test_size, n_units)
    )
    g = _expected_count(gap, n_units)
    m = n_units if max_train_size is None else _expected_count(max_train_size, n_units)
    if t < 1 or n_units < n_splits * t + g + 1:
        event("too few")
        with pytest.raises(ValueError, match=r"Too few (samples|groups)"):
            cv.split(np.zeros((n_samples, 1)), groups=groups)
        return
    event("folds")

    folds = _folds(cv, n_samples, groups)
    assert len(folds) == n_splits == cv.get_n_splits()
    for i, (train, test) in enumerate(folds):
        assert train and test
        assert np.all(np.diff(train) == 1) and np.all(np.diff(test) == 1)
        # Whole groups: each block starts and ends at a group boundary.
        for block in (train, test):
            first, last = block[0], block[-1]
            assert first == 0 or unit_of_row[first - 1] != unit_of_row[first]
            assert last == n_samples - 1 or unit_of_row[last + 1] != unit_of_row[last]

        test_start, test_end = unit_of_row[test[0]], unit_of_row[test[-1]] + 1
        train_start, train_end = unit_of_row[train[0]], unit_of_row[train[-1]] + 1
        assert test_end - test_start == t
        assert test_start == n_units - (n_splits - i) * t
        assert test_start - train_end == g
        assert train_end - train_start == min(m, train_end)

    assert folds[-1][1][-1] == n_samples - 1
    for (_, test), (_, next_test) in itertools.pairwise(folds):
        assert next_test[0] == test[-1] + 1


@given(
    n_samples=st.integers(0, 40),
    n_splits=st.integers(2, 5),
    test_size=st.none() | st.integers(1, 6) | fractions(1, 49),
    gap=st.integers(0, 4) | fractions(0, 29),
)
def test_split_with_one_row_per_group_equals_no_groups(
    n_samples, n_splits, test_size, gap
):
    """Groups of one row each give the same folds as no groups."""
    cv = TimeSeriesGapSplit(n_splits, test_size=test_size, gap=gap)
    groups = np.arange(n_samples) * 10
    try:
        expected = _folds(cv, n_samples)
    except ValueError:
        with pytest.raises(ValueError, match="Too few groups"):
            cv.split(np.zeros((n_samples, 1)), groups=groups)
        return
    assert _folds(cv, groups=groups) == expected


def test_split_leaves_the_splitter_unchanged():
    """split derives its sizes locally and writes nothing on the splitter."""
    cv = TimeSeriesGapSplit(3, test_size=0.2, gap=0.1, max_train_size=0.5)
    before = copy.deepcopy(vars(cv))
    _folds(cv, 30)
    _folds(cv, groups=np.repeat(np.arange(15), 2))
    with pytest.raises(ValueError):
        cv.split(np.zeros((3, 1)))
    assert vars(cv) == before


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(n_splits=1), r"`n_splits` must be an int >= 2; got 1 instead\."),
        (dict(n_splits=3.0), r"`n_splits` must be an int >= 2; got 3\.0 instead\."),
        (dict(n_splits=True), r"`n_splits` must be an int >= 2; got True instead\."),
        (dict(n_splits=None), r"`n_splits` must be an int >= 2; got None instead\."),
        (dict(test_size=0), r"`test_size` must be None, an int >= 1 .*; got 0 inst"),
        (dict(test_size=1.0), r"`test_size` must be .* float in \(0, 1\).*; got 1\.0"),
        (dict(test_size=0.0), r"`test_size` must be .*; got 0\.0 instead\."),
        (dict(test_size="2"), r"`test_size` must be .*; got '2' instead\."),
        (dict(gap=-1), r"`gap` must be an int >= 0 .* float in \[0, 1\).*; got -1 "),
        (dict(gap=1.0), r"`gap` must be .*; got 1\.0 instead\."),
        (dict(gap=None), r"`gap` must be .*; got None instead\."),
        (dict(gap=float("nan")), r"`gap` must be .*; got nan instead\."),
        (
            dict(max_train_size=0),
            r"`max_train_size` must be None, an int >= 1 .*; got 0",
        ),
        (dict(max_train_size=2.5), r"`max_train_size` must be .*; got 2\.5 instead\."),
    ],
)
def test_invalid_parameters_are_rejected(params, match):
    """Invalid parameters raise at split and get_n_splits time, not in __init__."""
    cv = TimeSeriesGapSplit(**params)
    with pytest.raises(ValueError, match=match) as error:
        cv.split(np.zeros((100, 1)))
    # The message ends with a valid value of the parameter, as the fix.
    (name,) = params
    assert f"For example: {name}=" in str(error.value)
    with pytest.raises(ValueError, match=match):
        cv.get_n_splits()


@pytest.mark.parametrize(
    "n_samples, params, match",
    [
        (
            10,
            dict(n_splits=3, test_size=3, gap=1),
            r"Too few samples .*n_samples=10, n_splits=3, test_size=3, gap=1\. "
            r"The folds need n_splits \* test_size \+ gap \+ 1 = 11 samples",
        ),
        (
            3,
            dict(n_splits=3),
            r"n_samples=3, n_splits=3, test_size=None \(n_samples // \(n_splits "
            r"\+ 1\) = 0\), gap=0\. The test blocks are empty: .* needs at least "
            r"n_splits \+ 1 = 4 samples\. .*smallest n_samples above 3 that works "
            r"is 4",
        ),
        (
            6,
            dict(n_splits=2, gap=2),
            r"test_size=None \(n_samples // \(n_splits \+ 1\) = 2\), gap=2\. .*"
            r"= 7 samples.*smallest n_samples above 6 that works is 7\. Lower",
        ),
        (
            6,
            dict(n_splits=3, test_size=0.1, gap=0.5),
            r"test_size=0\.1 \(resolved to 1\), gap=0\.5 \(resolved to 3\)\. .*"
            r"= 7 samples.*smallest n_samples above 6 that works is 8\.",
        ),
        (
            50,
            dict(n_splits=5, test_size=0.2),
            r"n_samples=50, n_splits=5, test_size=0\.2 \(resolved to 10\), gap=0\. "
            r".*No number of samples is enough",
        ),
        (
            10,
            dict(n_splits=2, gap=0.5),
            r"test_size=None \(n_samples // \(n_splits \+ 1\) = 3\), gap=0\.5 "
            r"\(resolved to 5\)\. .*= 12 samples.*No number of samples is enough",
        ),
    ],
)
def test_too_few_samples_says_how_many_are_needed(n_samples, params, match):
    """Too little data is an error naming the sizes and how many would work."""
    with pytest.raises(ValueError, match=match):
        TimeSeriesGapSplit(**params).split(np.zeros((n_samples, 1)))


@pytest.mark.parametrize(
    "n_samples, params",
    [
        (6, dict(n_splits=3, test_size=0.1, gap=0.5)),
        (6, dict(n_splits=2, gap=2)),
        (5, dict(n_splits=4, gap=0.1)),
        (4, dict(n_splits=2, gap=0.34)),
        (2, dict(n_splits=2, test_size=0.3, gap=0.25, max_train_size=0.1)),
    ],
)
def test_too_few_samples_proposes_the_next_size_that_works(n_samples, params):
    """The size the message proposes works, and no size between does."""
    cv = TimeSeriesGapSplit(**params)
    with pytest.raises(ValueError, match=r"that works is \d+\.") as info:
        cv.split(np.zeros((n_samples, 1)))
    needed = int(str(info.value).split("that works is ")[1].split(".")[0])
    for size in range(n_samples + 1, needed):
        with pytest.raises(ValueError, match="Too few"):
            cv.split(np.zeros((size, 1)))
    assert len(_folds(cv, needed)) == cv.n_splits


@given(
    n_samples=st.integers(0, 30),
    n_splits=st.integers(2, 5),
    test_size=st.none() | fractions(1, 60),
    gap=st.integers(0, 5) | fractions(0, 60),
)
def test_too_few_samples_proposal_holds(n_samples, n_splits, test_size, gap):
    """A proposed size is the next that works; "no number" means none does."""
    cv = TimeSeriesGapSplit(n_splits, test_size=test_size, gap=gap)

    def works(size):
        try:
            cv.split(np.zeros((size, 1)))
        except ValueError:
            return False
        return True

    if works(n_samples):
        return
    with pytest.raises(ValueError) as info:
        cv.split(np.zeros((n_samples, 1)))
    message = str(info.value)
    if "No number of samples is enough" in message:
        event("no number")
        assert not any(works(size) for size in range(n_samples + 1, 200))
    else:
        event("proposed")
        needed = int(message.split("that works is ")[1].split(".")[0])
        assert works(needed)
        assert not any(works(size) for size in range(n_samples + 1, needed))


def test_too_few_groups_counts_groups():
    """With groups the error counts groups, not rows."""
    groups = np.repeat([1, 2, 3, 4], 5)
    with pytest.raises(ValueError, match=r"Too few groups .*n_groups=4, n_splits=2"):
        TimeSeriesGapSplit(2, test_size=1, gap=2).split(
            np.zeros((20, 1)), groups=groups
        )


@pytest.mark.parametrize(
    "groups, match",
    [
        ([0, 0, 1, 1, 0, 2], r"got group 0 at index 4 after group 1 at index 3\."),
        ([3, 3, 2, 2, 1, 1], r"got group 2 at index 2 after group 3 at index 1\."),
        (
            np.array(["2024-03", "2024-01", "2024-02"] * 2, dtype="datetime64[M]"),
            r"got group 2024-01 at index 1 after group 2024-03 at index 0\.",
        ),
        (
            ["b", "b", "a", "c", "c", "c"],
            r"got group 'a' at index 2 after group 'b' at index 1\.",
        ),
    ],
)
def test_unsorted_groups_are_rejected(groups, match):
    """Groups that go back in time are an error telling to sort by time."""
    cv = TimeSeriesGapSplit(2, test_size=1)
    with pytest.raises(ValueError, match=r"`groups` must be sorted in time order"):
        cv.split(np.zeros((6, 1)), groups=groups)
    with pytest.raises(ValueError, match=match + r" Sort X, y and groups together"):
        cv.split(np.zeros((6, 1)), groups=groups)


@pytest.mark.parametrize(
    "groups, match",
    [
        ([0.0, 1.0, np.nan, 2.0], r"`groups` must not contain missing values"),
        (
            np.array(
                ["2024-01-01", "NaT", "2024-01-03", "2024-01-04"], "datetime64[D]"
            ),
            r"`groups` must not contain missing values",
        ),
        ([[0], [1], [2], [3]], r"`groups` must be a 1-D array-like .*shape \(4, 1\)"),
        (np.array([1, "a", 2, 3], dtype=object), r"can be ordered in time"),
        ([0, 1, 2], r"inconsistent numbers of samples"),
    ],
)
def test_malformed_groups_are_rejected(groups, match):
    """Groups that cannot be placed in time are an error naming the problem."""
    with pytest.raises(ValueError, match=match):
        TimeSeriesGapSplit(2, test_size=1).split(np.zeros((4, 1)), groups=groups)


def test_is_a_scikit_learn_cross_validator():
    """The splitter is a BaseCrossValidator that check_cv returns unchanged."""
    cv = TimeSeriesGapSplit(3, gap=2)
    assert isinstance(cv, BaseCrossValidator)
    assert check_cv(cv) is cv
    assert skhp.TimeSeriesGapSplit is TimeSeriesGapSplit


def test_repr_lists_the_parameters():
    """The repr shows every constructor parameter in scikit-learn's style."""
    assert repr(TimeSeriesGapSplit()) == (
        "TimeSeriesGapSplit(gap=0, max_train_size=None, n_splits=5, test_size=None)"
    )
    assert repr(TimeSeriesGapSplit(3, test_size=0.2, gap=0.1, max_train_size=10)) == (
        "TimeSeriesGapSplit(gap=0.1, max_train_size=10, n_splits=3, test_size=0.2)"
    )


def test_get_n_splits_with_and_without_data():
    """get_n_splits returns n_splits whether or not data are passed."""
    cv = TimeSeriesGapSplit(4, gap=1)
    X = np.zeros((50, 2))
    assert cv.get_n_splits() == 4
    assert cv.get_n_splits(X) == 4
    assert cv.get_n_splits(X, np.zeros(50), np.arange(50)) == 4
    assert cv.get_n_splits(X) == len(list(cv.split(X)))


def _regression_data(n_samples=40):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n_samples, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=n_samples)
    return X, y


def test_works_as_cv_in_grid_search():
    """GridSearchCV fits one model per fold and candidate with the splitter."""
    X, y = _regression_data()
    search = GridSearchCV(
        Ridge(), {"alpha": [0.1, 10.0]}, cv=TimeSeriesGapSplit(3, gap=2)
    ).fit(X, y)
    assert search.n_splits_ == 3
    assert "split2_test_score" in search.cv_results_
    assert search.best_params_ == {"alpha": 0.1}


def test_works_as_cv_in_cross_validate_with_groups():
    """cross_validate uses the group-aware folds when given groups."""
    X, y = _regression_data(30)
    groups = np.repeat(np.arange(10), 3)
    cv = TimeSeriesGapSplit(3, test_size=2, gap=1)
    result = cross_validate(Ridge(), X, y, groups=groups, cv=cv, return_indices=True)
    expected = list(cv.split(X, groups=groups))
    assert len(result["test_score"]) == 3
    for i, (train, test) in enumerate(expected):
        np.testing.assert_array_equal(result["indices"]["train"][i], train)
        np.testing.assert_array_equal(result["indices"]["test"][i], test)
    assert result["indices"]["test"][0].tolist() == [12, 13, 14, 15, 16, 17]


def test_groups_are_routed_with_metadata_routing():
    """With metadata routing on, searches pass groups on to the splitter."""
    X, y = _regression_data(30)
    groups = np.repeat(np.arange(10), 3)
    cv = TimeSeriesGapSplit(3, test_size=2, gap=1)
    with config_context(enable_metadata_routing=True):
        result = cross_validate(
            Ridge(), X, y, params={"groups": groups}, cv=cv, return_indices=True
        )
        search = GridSearchCV(Ridge(), {"alpha": [1.0]}, cv=cv)
        search.fit(X, y, groups=groups)
    assert result["indices"]["test"][0].tolist() == [12, 13, 14, 15, 16, 17]
    assert search.n_splits_ == 3
