"""One-dimensional search dimensions: Real, Integer and Categorical.

Every dimension is an immutable value object: it stores its constructor arguments
and computes everything else. It samples values, maps them to and from the unit
interval (log scales and integer rounding are handled here, once, for every
optimizer), encodes them for a surrogate model and tells whether a value belongs
to it.
"""

import math
import numbers

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state


class Dimension:
    """Base class of the search dimensions.

    Subclasses define the unit encoding (``n_unit``, ``to_unit``, ``from_unit``),
    the surrogate encoding (``n_columns``, ``encode``, ``decode``, by default the
    unit encoding), membership, a hashable ``key`` per value and ``cardinality``.

    Examples
    --------
    Every dimension maps its values to the unit interval and back, which is
    how the optimizers of :mod:`skhp.optimize` see it:

    >>> from skhp.space import Dimension, Integer
    >>> depth = Integer(1, 4)
    >>> isinstance(depth, Dimension)
    True
    >>> depth.rvs(5, random_state=1)
    [2, 3, 1, 2, 1]
    >>> depth.from_unit(depth.to_unit([2, 3]))
    [2, 3]
    """

    #: Number of unit-interval coordinates that describe one value.
    n_unit = 1

    def __eq__(self, other):
        return type(self) is type(other) and self._identity() == other._identity()

    def __hash__(self):
        return hash((type(self).__name__, repr(self._identity())))

    def _identity(self):
        raise NotImplementedError

    def check(self, name):
        """Raise an error naming ``name`` when the dimension is invalid.

        Parameters
        ----------
        name : str
            The hyperparameter this dimension describes, used in messages.
        """

    @property
    def n_columns(self):
        """Number of columns of the surrogate encoding."""
        return self.n_unit

    def rvs(self, n, random_state=None):
        """Draw ``n`` values uniformly over the unit encoding.

        Parameters
        ----------
        n : int
            Number of values.
        random_state : int, RandomState instance or None, default=None
            Source of randomness.

        Returns
        -------
        values : list
            ``n`` values of this dimension.
        """
        rng = check_random_state(random_state)
        return self.from_unit(rng.uniform(size=(n, self.n_unit)))

    def encode(self, values):
        """Encode values as rows of the surrogate's unit-cube features.

        Parameters
        ----------
        values : list
            Values of this dimension.

        Returns
        -------
        Z : ndarray of shape (n, n_columns)
            One row per value, by default its unit encoding.
        """
        return self.to_unit(values)

    def decode(self, Z):
        """Turn rows of the surrogate encoding back into valid values.

        Parameters
        ----------
        Z : array-like of shape (n, n_columns)
            Rows of the surrogate encoding, possibly off the encoding of any
            value (an optimizer's proposal).

        Returns
        -------
        values : list
            The nearest value of this dimension for each row.
        """
        return self.from_unit(Z)

    def _as_unit_matrix(self, U):
        U = np.asarray(U, dtype=float)
        if U.ndim == 1:
            U = U.reshape(-1, self.n_unit)
        return np.clip(U, 0.0, 1.0)


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_bounds(cls, name, low, high, log):
    for label, bound in (("low", low), ("high", high)):
        if not _is_number(bound) or not math.isfinite(bound):
            raise TypeError(
                f"Parameter {name!r}: the {label} bound of {cls} must be a finite "
                f"number; got {bound!r} instead."
            )
    if low >= high:
        raise ValueError(
            f"Parameter {name!r}: {cls} needs low < high; got low={low!r}, "
            f"high={high!r}. Swap the bounds, or use a list [value] to fix the "
            "parameter to one value."
        )
    if log and low <= 0:
        raise ValueError(
            f"Parameter {name!r}: {cls} with log=True needs low > 0; got "
            f"low={low!r}. Use a positive lower bound or log=False."
        )


class Real(Dimension):
    """A real-valued hyperparameter between two bounds.

    Parameters
    ----------
    low : float
        Lower bound (inclusive).
    high : float
        Upper bound (inclusive).
    log : bool, default=False
        Search on a logarithmic scale, so that each decade gets the same share
        of the samples. Needs ``low > 0``.

    See Also
    --------
    scipy.stats.loguniform : The distribution ``Real(low, high, log=True)``
        samples from.

    Examples
    --------
    >>> from skhp.space import Real
    >>> C = Real(1e-3, 1e3, log=True)
    >>> C.from_unit([0.0, 0.5, 1.0])
    [0.001, 1.0, 1000.0]
    >>> 2000.0 in C
    False
    """

    def __init__(self, low, high, *, log=False):
        self.low = low
        self.high = high
        self.log = log

    def _identity(self):
        return (self.low, self.high, bool(self.log))

    def __repr__(self):
        log = ", log=True" if self.log else ""
        return f"Real({self.low!r}, {self.high!r}{log})"

    def check(self, name):
        _check_bounds("Real", name, self.low, self.high, self.log)

    def _scale(self):
        if self.log:
            return math.log(self.low), math.log(self.high)
        return float(self.low), float(self.high)

    def to_unit(self, values):
        """Map values to the unit interval, linearly or by their logarithm.

        Parameters
        ----------
        values : list of float
            Values between the bounds.

        Returns
        -------
        U : ndarray of shape (n, 1)
            The unit coordinate of each value.
        """
        x = np.asarray(values, dtype=float).reshape(-1, 1)
        if self.log:
            x = np.log(x)
        lo, hi = self._scale()
        return (x - lo) / (hi - lo)

    def from_unit(self, U):
        """Map unit-interval coordinates to values.

        Parameters
        ----------
        U : array-like of shape (n, 1) or (n,)
            Unit coordinates; values outside [0, 1] are clipped.

        Returns
        -------
        values : list of float
            Values between the bounds; 0 and 1 map to the bounds exactly.
        """
        lo, hi = self._scale()
        u = self._as_unit_matrix(U)[:, 0]
        x = lo + u * (hi - lo)
        if self.log:
            x = np.exp(x)
        # The ends map to the bounds exactly, free of exp/log round-off.
        x = np.where(u <= 0.0, self.low, np.where(u >= 1.0, self.high, x))
        return [float(v) for v in np.clip(x, self.low, self.high)]

    def __contains__(self, value):
        return (
            _is_number(value)
            and math.isfinite(value)
            and self.low <= value <= self.high
        )

    def key(self, value):
        """A hashable key identifying ``value`` within this dimension.

        Parameters
        ----------
        value : float
            A value of this dimension.

        Returns
        -------
        key : float
            The value as a Python float.
        """
        return float(value)

    @property
    def cardinality(self):
        """Number of distinct values (infinite for a real interval)."""
        return math.inf


class Integer(Dimension):
    """An integer hyperparameter between two bounds, both included.

    Each integer owns an equal share of the unit interval (of its logarithm when
    ``log=True``), so that rounding a continuous proposal never favours the ends.

    Parameters
    ----------
    low : int
        Lower bound (inclusive).
    high : int
        Upper bound (inclusive).
    log : bool, default=False
        Search on a logarithmic scale. Needs ``low >= 1``.

    See Also
    --------
    scipy.stats.randint : ``randint(low, high)`` converts to
        ``Integer(low, high - 1)``.

    Examples
    --------
    >>> from skhp.space import Integer
    >>> depth = Integer(1, 4)
    >>> depth.from_unit([0.0, 0.3, 0.99])
    [1, 2, 4]
    >>> depth.to_unit([1, 4]).ravel().tolist()
    [0.125, 0.875]
    """

    def __init__(self, low, high, *, log=False):
        self.low = low
        self.high = high
        self.log = log

    def _identity(self):
        return (self.low, self.high, bool(self.log))

    def __repr__(self):
        log = ", log=True" if self.log else ""
        return f"Integer({self.low!r}, {self.high!r}{log})"

    def check(self, name):
        _check_bounds("Integer", name, self.low, self.high, self.log)
        for label, bound in (("low", self.low), ("high", self.high)):
            if float(bound) != int(bound):
                raise TypeError(
                    f"Parameter {name!r}: the {label} bound of Integer must be a "
                    f"whole number; got {bound!r} instead. Use Real for a "
                    "continuous parameter."
                )

    def _edges(self):
        # Each integer k owns [k - 0.5, k + 0.5] (in log space when log=True).
        lo, hi = int(self.low) - 0.5, int(self.high) + 0.5
        if self.log:
            return math.log(lo), math.log(hi)
        return lo, hi

    def to_unit(self, values):
        """Map integers to the centres of their shares of the unit interval.

        Parameters
        ----------
        values : list of int
            Integers between the bounds.

        Returns
        -------
        U : ndarray of shape (n, 1)
            The unit coordinate of each integer.
        """
        x = np.asarray(values, dtype=float).reshape(-1, 1)
        if self.log:
            x = np.log(x)
        lo, hi = self._edges()
        return (x - lo) / (hi - lo)

    def from_unit(self, U):
        """Map unit-interval coordinates to the integers owning them.

        Parameters
        ----------
        U : array-like of shape (n, 1) or (n,)
            Unit coordinates; values outside [0, 1] are clipped.

        Returns
        -------
        values : list of int
            Integers between the bounds.
        """
        lo, hi = self._edges()
        x = lo + self._as_unit_matrix(U)[:, 0] * (hi - lo)
        if self.log:
            x = np.exp(x)
        x = np.clip(np.rint(x), int(self.low), int(self.high))
        return [int(v) for v in x]

    def __contains__(self, value):
        if not _is_number(value) or not math.isfinite(value):
            return False
        return float(value) == int(value) and self.low <= value <= self.high

    def key(self, value):
        """A hashable key identifying ``value`` within this dimension.

        Parameters
        ----------
        value : int
            A value of this dimension (``3.0`` counts as ``3``).

        Returns
        -------
        key : int
            The value as a Python int.
        """
        return int(value)

    @property
    def cardinality(self):
        """Number of distinct values."""
        return int(self.high) - int(self.low) + 1

    def values(self):
        """All values, in increasing order.

        Returns
        -------
        values : list of int
            Every integer from ``low`` to ``high``.
        """
        return list(range(int(self.low), int(self.high) + 1))


def _is_estimator(obj):
    return hasattr(obj, "get_params") and hasattr(obj, "fit")


def _same_choice(a, b):
    """Whether two categorical choices are the same value."""
    if a is b:
        return True
    if _is_estimator(a) or _is_estimator(b):
        return (
            type(a) is type(b)
            and _is_estimator(a)
            and repr(a.get_params(deep=False)) == repr(b.get_params(deep=False))
        )
    if isinstance(a, bool) != isinstance(b, bool) or type(a) is not type(b):
        # 1 == True == 1.0 in Python, but they are different hyperparameter
        # values (e.g. ``fit_intercept`` takes booleans and ``n_jobs`` ints).
        if not (_is_number(a) and _is_number(b)):
            return False
        if isinstance(a, bool) or isinstance(b, bool):
            return False
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


class Categorical(Dimension):
    """A hyperparameter taking one of a list of choices.

    Choices may be any objects, estimators included: an estimator choice is
    cloned every time it is proposed, so candidates never share a fitted object.

    Parameters
    ----------
    choices : list, tuple or 1-d array
        The values. Order does not matter to the searches.

    See Also
    --------
    sklearn.model_selection.ParameterGrid : Lists in a grid are categorical too.

    Examples
    --------
    >>> from skhp.space import Categorical
    >>> kernel = Categorical(["linear", "rbf"])
    >>> kernel.encode(["rbf"]).tolist()
    [[0.0, 1.0]]
    >>> kernel.from_unit([0.1, 0.9])
    ['linear', 'rbf']
    """

    def __init__(self, choices):
        self.choices = choices

    def _identity(self):
        return tuple(repr(c) for c in self._choices())

    def __repr__(self):
        return f"Categorical({list(self._choices())!r})"

    def _choices(self):
        return list(self.choices)

    def check(self, name):
        if isinstance(self.choices, (str, bytes)) or not hasattr(
            self.choices, "__len__"
        ):
            raise TypeError(
                f"Parameter {name!r}: Categorical choices must be a list, tuple or "
                f"1-d array; got {self.choices!r} instead. Wrap a single value in "
                "a list."
            )
        choices = self._choices()
        if len(choices) == 0:
            raise ValueError(
                f"Parameter {name!r}: Categorical needs at least one choice; got "
                "an empty list. Give the values to try, or drop the parameter."
            )
        for i, a in enumerate(choices):
            for b in choices[:i]:
                if _same_choice(a, b):
                    raise ValueError(
                        f"Parameter {name!r}: Categorical choices must be distinct; "
                        f"{a!r} appears twice. Remove the duplicate."
                    )

    @property
    def n_columns(self):
        """One column per choice (one-hot encoding)."""
        return len(self._choices())

    def index(self, value):
        """Position of ``value`` among the choices.

        Parameters
        ----------
        value : object
            One of the choices, or an equal object (an estimator with the same
            parameters counts as the same choice).

        Returns
        -------
        index : int
            Its position in ``choices``.

        Raises
        ------
        ValueError
            When ``value`` is not one of the choices.
        """
        choices = self._choices()
        for i, choice in enumerate(choices):
            if value is choice:
                return i
        for i, choice in enumerate(choices):
            if _same_choice(value, choice):
                return i
        raise ValueError(f"{value!r} is not one of the choices {choices!r}.")

    def _materialize(self, i):
        choice = self._choices()[i]
        return clone(choice) if _is_estimator(choice) else choice

    def to_unit(self, values):
        """Map choices to the centres of equal bins of the unit interval.

        Parameters
        ----------
        values : list
            Choices of this dimension.

        Returns
        -------
        U : ndarray of shape (n, 1)
            The centre of each choice's bin.
        """
        k = len(self._choices())
        idx = np.array([self.index(v) for v in values], dtype=float)
        return ((idx + 0.5) / k).reshape(-1, 1)

    def from_unit(self, U):
        """Map unit-interval coordinates to choices by equal bins.

        Parameters
        ----------
        U : array-like of shape (n, 1) or (n,)
            Unit coordinates; values outside [0, 1] are clipped.

        Returns
        -------
        values : list
            The choice of each coordinate's bin, estimators cloned.
        """
        k = len(self._choices())
        idx = np.minimum((self._as_unit_matrix(U)[:, 0] * k).astype(int), k - 1)
        return [self._materialize(i) for i in idx]

    def encode(self, values):
        """One-hot encode choices.

        Parameters
        ----------
        values : list
            Choices of this dimension.

        Returns
        -------
        Z : ndarray of shape (n, n_choices)
            A 1 in the column of each value's choice, 0 elsewhere.
        """
        Z = np.zeros((len(values), self.n_columns))
        for row, value in enumerate(values):
            Z[row, self.index(value)] = 1.0
        return Z

    def decode(self, Z):
        """Decode one-hot (or scored) rows by their largest column.

        Parameters
        ----------
        Z : array-like of shape (n, n_choices)
            One-hot rows, or one score per choice.

        Returns
        -------
        values : list
            The choice of each row's largest column, estimators cloned.
        """
        Z = np.asarray(Z, dtype=float).reshape(-1, self.n_columns)
        return [self._materialize(i) for i in np.argmax(Z, axis=1)]

    def __contains__(self, value):
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def key(self, value):
        """A hashable key identifying ``value``: its position among the choices.

        Parameters
        ----------
        value : object
            One of the choices.

        Returns
        -------
        key : int
            Its position in ``choices``, hashable even for an unhashable choice.
        """
        return self.index(value)

    @property
    def cardinality(self):
        """Number of choices."""
        return len(self._choices())

    def values(self):
        """All choices, in their order.

        Returns
        -------
        values : list
            The choices, estimators cloned.
        """
        return [self._materialize(i) for i in range(self.cardinality)]
