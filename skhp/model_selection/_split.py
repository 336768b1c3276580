"""Walk-forward cross-validation with a gap between train and test."""

import math
import numbers
from typing import ClassVar

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import indexable

from skhp._compat import _num_samples

# Fractions are turned into counts by rounding up, except that a product within
# this relative distance of an integer is that integer: 0.1 * 30 is stored as
# 3.0000000000000004 and must give 3, not 4.
_FRACTION_RTOL = 1e-9

# Above this many candidate sizes, the search for the smallest workable number of
# samples in the "too few samples" message gives up and reports an upper bound.
_MAX_SIZE_SEARCH = 10_000


class TimeSeriesGapSplit(BaseCrossValidator):
    """Walk-forward cross-validator with a gap between train and test.

    Splits time-ordered data into ``n_splits`` folds. Each fold tests on a block of
    consecutive samples and trains on the samples before it, leaving out the
    ``gap`` samples just before the test block so that features built from a
    look-back window cannot leak test-period information into training. The
    test blocks are consecutive and end with the last sample; successive folds
    move forward in time, oldest first.

    With ``groups`` (for example a date per row, with several rows per date),
    the folds are made of whole groups: no group is ever split between train,
    gap and test, and ``test_size``, ``gap`` and ``max_train_size`` count
    groups instead of samples.

    With ``groups=None``, an integer ``test_size`` (or None) and an integer
    ``gap``, the folds are exactly those of scikit-learn's
    :class:`~sklearn.model_selection.TimeSeriesSplit` with the same arguments.

    Read more in the :ref:`User Guide <time_series_gap_split>`.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds. Must be at least 2.

    test_size : int or float, default=None
        Size of each test block. An int is a number of samples (of groups when
        ``groups`` are given); a float in (0, 1) is a fraction of all samples (of
        all groups), rounded up. None means ``n // (n_splits + 1)`` where ``n`` is
        the number of samples (of groups), as in
        :class:`~sklearn.model_selection.TimeSeriesSplit`.

    gap : int or float, default=0
        Number of samples (of groups) dropped between the end of each training
        set and the start of its test block. An int >= 0 is a count; a float in
        [0, 1) is a fraction of all samples (of all groups), rounded up. Set it to
        at least the length of the longest look-back window used to build
        features or targets.

    max_train_size : int or float, default=None
        Largest training set, for a sliding window instead of an expanding one:
        each fold keeps only the latest ``max_train_size`` samples (groups)
        before the gap. An int >= 1 is a count; a float in (0, 1) is a fraction
        of all samples (of all groups), rounded up. None keeps every earlier
        sample.

    See Also
    --------
    sklearn.model_selection.TimeSeriesSplit : The same walk-forward folds, with
        counts only and without groups.
    sklearn.model_selection.GroupKFold : K-fold on groups, without time order.

    Notes
    -----
    Write ``n`` for the number of samples (of groups when given), and ``t``,
    ``g`` and ``m`` for ``test_size``, ``gap`` and ``max_train_size`` once
    converted to counts. Fold ``i`` (from 0) tests on the block starting at
    ``n - (n_splits - i) * t`` and trains on the ``m`` units (all of them when
    ``max_train_size=None``) ending ``g`` units before it. The first fold must
    train on at least one unit, so ``n >= n_splits * t + g + 1``; otherwise
    ``split`` raises a ``ValueError`` that says how many would be needed.

    With 10 samples, ``n_splits=3``, ``test_size=2`` and ``gap=1``, reading
    ``x`` as train, ``-`` as gap, ``T`` as test and ``.`` as unused::

        index   0 1 2 3 4 5 6 7 8 9
        fold 0  x x x - T T . . . .
        fold 1  x x x x x - T T . .
        fold 2  x x x x x x x - T T

    With ``max_train_size=2`` each row keeps only the last two ``x``.

    With ``groups``, the values must be sorted in time order (non-decreasing),
    so that each group forms one contiguous block of rows; values that decrease
    anywhere, including a group that comes back after another one began, raise
    a ``ValueError`` asking to sort the data by time. Requiring sorted values,
    rather than only contiguous blocks, also catches data sorted newest first.

    ``split`` only reads the parameters: the sizes derived from the data are
    local to each call, so the same splitter can be used on data of any size.

    Examples
    --------
    >>> import numpy as np
    >>> from skhp.model_selection import TimeSeriesGapSplit
    >>> X = np.arange(10).reshape(-1, 1)
    >>> cv = TimeSeriesGapSplit(n_splits=3, test_size=2, gap=1)
    >>> cv
    TimeSeriesGapSplit(gap=1, max_train_size=None, n_splits=3, test_size=2)
    >>> for train, test in cv.split(X):
    ...     print(f"train={train} test={test}")
    train=[0 1 2] test=[4 5]
    train=[0 1 2 3 4] test=[6 7]
    train=[0 1 2 3 4 5 6] test=[8 9]

    With several rows per date, the sizes count dates and no date is split:

    >>> dates = np.array(["d1", "d1", "d2", "d3", "d3", "d4", "d5", "d5"])
    >>> cv = TimeSeriesGapSplit(n_splits=2, test_size=1, gap=1)
    >>> for train, test in cv.split(X[:8], groups=dates):
    ...     print(f"train={train} test={test}")
    train=[0 1 2] test=[5]
    train=[0 1 2 3 4] test=[6 7]
    """

    # Ask for ``groups`` by default, so that searches pass them on when
    # scikit-learn's metadata routing is enabled.
    __metadata_request__split: ClassVar[dict] = {"groups": True}

    def __init__(self, n_splits=5, *, test_size=None, gap=0, max_train_size=None):
        self.n_splits = n_splits
        self.test_size = test_size
        self.gap = gap
        self.max_train_size = max_train_size

    def get_n_splits(self, X=None, y=None, groups=None):
        """Return the number of splitting iterations of the cross-validator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), default=None
            Always ignored, exists for compatibility.

        y : array-like of shape (n_samples,), default=None
            Always ignored, exists for compatibility.

        groups : array-like of shape (n_samples,), default=None
            Always ignored, exists for compatibility.

        Returns
        -------
        n_splits : int
            The number of splitting iterations, ``n_splits``.
        """
        self._check_params()
        return self.n_splits

    def split(self, X, y=None, groups=None):
        """Generate indices to split data into training and test sets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, sorted by time.

        y : array-like of shape (n_samples,), default=None
            The target; only its length is checked.

        groups : array-like of shape (n_samples,), default=None
            Time stamp or period of each sample, sorted (non-decreasing). When
            given, folds are made of whole groups and the sizes count groups.

        Yields
        ------
        train : ndarray
            The training set indices for that split.

        test : ndarray
            The testing set indices for that split.

        Raises
        ------
        ValueError
            If a parameter is invalid, if ``groups`` are not sorted, or if there
            are too few samples (groups) for the requested folds. The errors are
            raised when ``split`` is called, before the first fold is yielded.
        """
        self._check_params()
        X, y, groups = indexable(X, y, groups)
        if groups is None:
            bounds = np.arange(_num_samples(X) + 1)
            unit = "samples"
        else:
            bounds = _group_bounds(groups)
            unit = "groups"

        folds = self._unit_folds(len(bounds) - 1, unit)
        return _iter_folds(bounds, folds)

    def _check_params(self):
        """Raise a ValueError naming the first invalid parameter."""
        if not _is_int(self.n_splits) or self.n_splits < 2:
            _raise_invalid("n_splits", "an int >= 2", self.n_splits, "n_splits=5")
        if not (
            self.test_size is None
            or (_is_int(self.test_size) and self.test_size >= 1)
            or _is_fraction(self.test_size, closed_left=False)
        ):
            rule = "None, an int >= 1 (a count) or a float in (0, 1) (a fraction)"
            example = "test_size=100 (samples), test_size=0.2 (a fifth of them)"
            _raise_invalid("test_size", rule, self.test_size, example)
        if not (
            (_is_int(self.gap) and self.gap >= 0)
            or _is_fraction(self.gap, closed_left=True)
        ):
            rule = "an int >= 0 (a count) or a float in [0, 1) (a fraction)"
            example = "gap=5 (samples), gap=0.05 (a twentieth of them)"
            _raise_invalid("gap", rule, self.gap, example)
        if not (
            self.max_train_size is None
            or (_is_int(self.max_train_size) and self.max_train_size >= 1)
            or _is_fraction(self.max_train_size, closed_left=False)
        ):
            rule = "None, an int >= 1 (a count) or a float in (0, 1) (a fraction)"
            example = "max_train_size=1000, or None for a growing window"
            _raise_invalid("max_train_size", rule, self.max_train_size, example)

    def _sizes(self, n_units):
        """Return ``(test_size, gap, max_train_size)`` as counts for ``n_units``."""
        if self.test_size is None:
            test_size = n_units // (self.n_splits + 1)
        else:
            test_size = _to_count(self.test_size, n_units)
        gap = _to_count(self.gap, n_units)
        if self.max_train_size is None:
            max_train_size = n_units
        else:
            max_train_size = _to_count(self.max_train_size, n_units)
        return test_size, gap, max_train_size

    def _fits(self, n_units):
        """Whether ``n_units`` give every fold a non-empty train and test set."""
        test_size, gap, _ = self._sizes(n_units)
        return test_size >= 1 and n_units - self.n_splits * test_size - gap >= 1

    def _unit_folds(self, n_units, unit):
        """Return ``(train_start, train_end, test_start, test_end)`` per fold.

        The positions count samples, or groups when ``unit="groups"``.
        """
        if not self._fits(n_units):
            raise ValueError(self._too_few_message(n_units, unit))

        test_size, gap, max_train_size = self._sizes(n_units)
        folds = []
        for test_start in range(
            n_units - self.n_splits * test_size, n_units, test_size
        ):
            train_end = test_start - gap
            train_start = max(0, train_end - max_train_size)
            folds.append((train_start, train_end, test_start, test_start + test_size))
        return folds

    def _too_few_message(self, n_units, unit):
        """Say why ``n_units`` are too few and how many would be enough."""
        test_size, gap, _ = self._sizes(n_units)
        message = (
            f"Too few {unit} for TimeSeriesGapSplit: n_{unit}={n_units}, "
            f"n_splits={self.n_splits}, "
            f"test_size={_describe(self.test_size, test_size, unit)}, "
            f"gap={_describe(self.gap, gap, unit)}. "
        )
        if test_size >= 1:
            message += (
                f"The folds need n_splits * test_size + gap + 1 = "
                f"{self.n_splits * test_size + gap + 1} {unit}, so that the first "
                f"fold trains on at least one. "
            )
        else:
            message += (
                f"The test blocks are empty: test_size=None needs at least "
                f"n_splits + 1 = {self.n_splits + 1} {unit}. "
            )

        # With counts only, the size above is exact and any larger one works;
        # otherwise the sizes grow with the data and the answer needs a search.
        if _is_int(self.gap) and _is_int(self.test_size):
            return (
                message + f"Lower n_splits, test_size or gap, or provide more {unit}."
            )
        needed = self._next_size_that_fits(n_units)
        if needed is None:
            return message + (
                f"No number of {unit} is enough: test_size and gap grow with the "
                f"data and leave nothing to train on (n_splits * test_size + gap "
                f"reaches 1 as fractions, test_size=None counting as "
                f"1 / (n_splits + 1)). Lower n_splits, test_size or gap."
            )
        return message + (
            f"With these parameters, the smallest n_{unit} above {n_units} that "
            f"works is {needed}. Lower n_splits, test_size or gap, or provide more "
            f"{unit}."
        )

    def _next_size_that_fits(self, n_units):
        """Smallest size above ``n_units`` giving valid folds, or None.

        Used when fractions or the default ``test_size`` make the sizes grow with
        the data, so that the required size is not a closed formula (and not
        monotonic: 5 samples work for ``n_splits=2, gap=2`` but 6 do not).
        Returns None when the test blocks and the gap leave nothing to train on
        at any size that the search reaches.
        """
        # Share of the data that the test blocks and the gap take, asymptotically.
        share = 0.0
        if self.test_size is None:
            share += self.n_splits / (self.n_splits + 1)
        elif not _is_int(self.test_size):
            share += self.n_splits * self.test_size
        if not _is_int(self.gap):
            share += self.gap
        if share < 1 - _FRACTION_RTOL:
            # Rounding costs at most one unit per test block and one for the gap,
            # so every size from ``bound`` on fits.
            constant = self.n_splits + 2 + (self.gap if _is_int(self.gap) else 0)
            bound = math.ceil(constant / (1 - share)) + self.n_splits + 1
            stop = min(max(bound, n_units + 1), n_units + _MAX_SIZE_SEARCH)
        elif self.test_size is not None:
            # Counts round fractions up, so they take everything at every size.
            return None
        else:
            bound, stop = None, self._last_size_that_may_fit(n_units)

        for size in range(n_units + 1, stop + 1):
            if self._fits(size):
                return size
        # XXX: reached only when the search stops at _MAX_SIZE_SEARCH, that is when
        # test_size and gap fractions leave under about 1e-3 of the data to train
        # on; ``bound`` then works but may not be the smallest size that does.
        return bound

    def _last_size_that_may_fit(self, n_units):
        """Where to stop looking when test_size=None and a fraction gap take all.

        Write a size as ``(n_splits + 1) * j + r`` with ``0 <= r <= n_splits``:
        the default test blocks leave ``j + r`` units, of which the gap takes at
        least ``gap * size``, so ``j * excess <= r * (1 - gap) - 1`` with the
        ``excess`` below, which bounds ``j``. Without excess the pattern of
        sizes that fit repeats every ``n_splits + 1`` sizes.
        """
        period = self.n_splits + 1
        excess = self.gap * period - 1
        if excess <= _FRACTION_RTOL:
            return n_units + 2 * period
        last_j = math.floor((self.n_splits * (1 - self.gap) - 1) / excess)
        return period * (last_j + 1) + self.n_splits


def _iter_folds(bounds, folds):
    """Yield sample indices for folds given in units delimited by ``bounds``."""
    for train_start, train_end, test_start, test_end in folds:
        yield (
            np.arange(bounds[train_start], bounds[train_end]),
            np.arange(bounds[test_start], bounds[test_end]),
        )


def _group_bounds(groups):
    """Return the first row of each group, followed by the number of rows.

    Raises a ValueError unless the groups are sorted (non-decreasing).
    """
    groups = np.asarray(groups)
    if groups.ndim != 1:
        raise ValueError(
            f"`groups` must be a 1-D array-like with one value per sample; got an "
            f"array of shape {groups.shape} instead."
        )
    if (groups.dtype.kind == "f" and np.isnan(groups).any()) or (
        groups.dtype.kind in "mM" and np.isnat(groups).any()
    ):
        raise ValueError(
            "`groups` must not contain missing values (NaN or NaT), which cannot "
            "be placed in time; drop or fill those rows before splitting."
        )

    try:
        decreasing = np.flatnonzero(groups[1:] < groups[:-1])
    except TypeError as exc:
        raise ValueError(
            "`groups` must hold values that can be ordered in time (numbers, "
            f"dates or strings of one type); got values of dtype {groups.dtype} "
            "that cannot be compared."
        ) from exc
    if decreasing.size:
        i = decreasing[0]
        raise ValueError(
            "`groups` must be sorted in time order (non-decreasing), so that each "
            f"group is one contiguous block of rows; got group "
            f"{_show(groups[i + 1])} at index {i + 1} after group "
            f"{_show(groups[i])} at index {i}. Sort X, y "
            "and groups together by time (for example by the date column) before "
            "splitting."
        )

    starts = np.flatnonzero(groups[1:] != groups[:-1]) + 1
    return np.concatenate([[0], starts, [len(groups)]]).astype(np.intp)


def _is_int(value):
    """Whether ``value`` is an integer count (booleans excluded)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_fraction(value, *, closed_left):
    """Whether ``value`` is a float in (0, 1), or [0, 1) if ``closed_left``."""
    if not isinstance(value, numbers.Real) or isinstance(value, numbers.Integral):
        return False
    return (0 <= value if closed_left else 0 < value) and value < 1


def _to_count(value, n_units):
    """Return an int count as is, and a fraction of ``n_units`` rounded up."""
    if _is_int(value):
        return int(value)
    exact = value * n_units
    nearest = round(exact)
    if math.isclose(exact, nearest, rel_tol=_FRACTION_RTOL):
        return int(nearest)
    return math.ceil(exact)


def _describe(value, count, unit):
    """Show a parameter with the count it resolved to, if it is not a count."""
    if _is_int(value):
        return f"{value}"
    if value is None:
        return f"None (n_{unit} // (n_splits + 1) = {count})"
    return f"{value!r} (resolved to {count})"


def _show(value):
    """Show a group value as users wrote it, without numpy's scalar repr."""
    if isinstance(value, np.datetime64 | np.timedelta64):
        return str(value)
    if isinstance(value, np.generic):
        return repr(value.item())
    return repr(value)


def _raise_invalid(name, rule, value, example):
    raise ValueError(
        f"`{name}` must be {rule}; got {value!r} instead. For example: {example}."
    )
