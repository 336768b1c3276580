"""LayerSizes: a structured dimension for neural-network architectures."""

import itertools
import numbers

import numpy as np
from sklearn.utils import check_random_state

from skhp.space._dimensions import Dimension, Integer

# Unit coordinate written for the layers an architecture does not have. Any
# constant works (the first coordinate holds the number of layers); the middle
# of the unit interval is the value SearchSpace uses for inactive dimensions.
_INACTIVE = 0.5

# ``values()`` refuses to list more architectures than this.
_MAX_VALUES = 1_000_000


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_range(name, label, bounds, what):
    """Check one (low, high) pair of positive integers."""
    if (
        isinstance(bounds, (str, bytes))
        or not hasattr(bounds, "__len__")
        or len(bounds) != 2
        or not all(_is_int(b) for b in bounds)
    ):
        raise TypeError(
            f"Parameter {name!r}: the {label} of LayerSizes must be a pair "
            f"(low, high) of ints giving the range of {what}; got {bounds!r} "
            f"instead. Write e.g. {label}=(1, 3), or ({label}, {label}) to fix it."
        )
    low, high = bounds
    if not 1 <= low <= high:
        raise ValueError(
            f"Parameter {name!r}: the {label} of LayerSizes needs "
            f"1 <= low <= high; got {tuple(bounds)!r}. Give a positive lower "
            "bound no larger than the upper one."
        )


class LayerSizes(Dimension):
    """The sizes of the hidden layers of a neural network, as a searchable value.

    Values are tuples of ints, one per hidden layer, usable as
    ``hidden_layer_sizes`` of :class:`~sklearn.neural_network.MLPClassifier`,
    :class:`~sklearn.neural_network.MLPRegressor` and skhp's MLP estimators.
    Both the depth and the width of each layer are searched.

    Random draws take a number of layers uniformly, then each layer's size
    uniformly (log-uniformly when ``log=True``). The unit encoding has a
    fixed length, one coordinate for the number of layers and one per
    possible layer for its size, the layers an architecture lacks set to a
    constant; this lets surrogate models such as
    :class:`~skhp.model_selection.BayesianSearchCV`'s Gaussian process search
    it like any other dimension. Evolutionary searches use its own operators,
    :meth:`mutate` (add, drop or resize a layer) and :meth:`crossover` (mix
    the layers of two parents).

    Parameters
    ----------
    n_layers : tuple of (int, int), default=(1, 4)
        Smallest and largest number of hidden layers, both included.
    units : tuple of (int, int), default=(16, 256)
        Smallest and largest number of units of a layer, both included.
    log : bool, default=True
        Draw layer sizes on a logarithmic scale, so that 16 to 32 units is
        as likely as 128 to 256.

    See Also
    --------
    skhp.space.Integer : The dimension of each layer size.
    sklearn.neural_network.MLPClassifier : Its ``hidden_layer_sizes`` takes
        these values.

    Examples
    --------
    >>> from skhp.space import LayerSizes
    >>> layers = LayerSizes(n_layers=(1, 3), units=(16, 256))
    >>> layers.from_unit([[0.9, 0.5, 1.0, 0.0]])
    [(63, 256, 16)]
    >>> layers.to_unit([(63,)]).round(2).tolist()
    [[0.17, 0.5, 0.5, 0.5]]
    >>> (32, 32) in layers, (8,) in layers
    (True, False)
    """

    def __init__(self, n_layers=(1, 4), units=(16, 256), *, log=True):
        self.n_layers = n_layers
        self.units = units
        self.log = log

    def _identity(self):
        return (tuple(self.n_layers), tuple(self.units), bool(self.log))

    def __repr__(self):
        n_layers, units = tuple(self.n_layers), tuple(self.units)
        return f"LayerSizes(n_layers={n_layers!r}, units={units!r}, log={self.log!r})"

    def check(self, name):
        """Raise an error naming ``name`` when the bounds are invalid.

        Parameters
        ----------
        name : str
            The hyperparameter this dimension describes, used in messages.
        """
        _check_range(name, "n_layers", self.n_layers, "hidden layers")
        _check_range(name, "units", self.units, "units per layer")
        if not isinstance(self.log, (bool, np.bool_)):
            raise TypeError(
                f"Parameter {name!r}: log of LayerSizes must be True or False; got "
                f"{self.log!r} instead."
            )

    # -- the two one-dimensional parts ---------------------------------------------

    @property
    def _depth(self):
        low, high = self.n_layers
        return Integer(int(low), int(high))

    @property
    def _width(self):
        low, high = self.units
        return Integer(int(low), int(high), log=bool(self.log))

    @property
    def _max_layers(self):
        return int(self.n_layers[1])

    # -- unit and surrogate encodings ------------------------------------------------

    @property
    def n_unit(self):
        """One coordinate for the number of layers, one per possible layer."""
        return 1 + self._max_layers

    def to_unit(self, values):
        """Map architectures to unit coordinates.

        Layers an architecture does not have get a constant coordinate.

        Parameters
        ----------
        values : list of tuple of int
            Architectures of this dimension.

        Returns
        -------
        U : ndarray of shape (n, 1 + max layers)
            The number of layers, then each layer's size, on the unit interval.
        """
        U = np.full((len(values), self.n_unit), _INACTIVE)
        if len(values) == 0:
            return U
        U[:, 0] = self._depth.to_unit([len(v) for v in values])[:, 0]
        width = self._width
        for row, value in enumerate(values):
            if len(value):
                U[row, 1 : 1 + len(value)] = width.to_unit(list(value))[:, 0]
        return U

    def from_unit(self, U):
        """Map unit coordinates to architectures.

        The first coordinate picks the number of layers ``k``, the next ``k``
        the layer sizes; the remaining ones are ignored. A 1-d array gives one
        coordinate per architecture, used for all of its coordinates: ``[0.0]``
        is the smallest architecture and ``[1.0]`` the largest.

        Parameters
        ----------
        U : array-like of shape (n, 1 + max layers) or (n,)
            Unit coordinates; values outside [0, 1] are clipped.

        Returns
        -------
        values : list of tuple of int
            Valid architectures.
        """
        U = np.asarray(U, dtype=float)
        if U.ndim == 1:
            U = np.repeat(U[:, None], self.n_unit, axis=1)
        U = self._as_unit_matrix(U)
        depths = self._depth.from_unit(U[:, :1])
        sizes = np.asarray(
            self._width.from_unit(U[:, 1:].reshape(-1, 1)), dtype=int
        ).reshape(len(U), self._max_layers)
        return [
            tuple(int(s) for s in row[:k]) for k, row in zip(depths, sizes, strict=True)
        ]

    # -- membership, keys, enumeration -------------------------------------------------

    def __contains__(self, value):
        if isinstance(value, np.ndarray):
            if value.ndim != 1:
                return False
            value = value.tolist()
        if not isinstance(value, (tuple, list)):
            return False
        width = self._width
        return len(value) in self._depth and all(
            _is_int(size) and size in width for size in value
        )

    def key(self, value):
        """A hashable key identifying an architecture.

        Parameters
        ----------
        value : sequence of int
            An architecture of this dimension.

        Returns
        -------
        key : tuple of int
            Its layer sizes as Python ints.
        """
        return tuple(int(size) for size in value)

    @property
    def cardinality(self):
        """Number of distinct architectures (finite, possibly huge)."""
        n_sizes = self._width.cardinality
        low, high = (int(b) for b in self.n_layers)
        return sum(n_sizes**k for k in range(low, high + 1))

    def values(self):
        """All architectures, by number of layers then lexicographically.

        Returns
        -------
        values : list of tuple of int
            Every architecture of this dimension.

        Raises
        ------
        ValueError
            When there are more than a million of them.
        """
        if self.cardinality > _MAX_VALUES:
            raise ValueError(
                f"{self!r} has {self.cardinality} architectures, too many to list "
                f"(the limit is {_MAX_VALUES}); sample them with rvs instead."
            )
        sizes = self._width.values()
        low, high = (int(b) for b in self.n_layers)
        return [
            tuple(arch)
            for k in range(low, high + 1)
            for arch in itertools.product(sizes, repeat=k)
        ]

    # -- evolutionary operators --------------------------------------------------------

    def _resize(self, size, scale, rng):
        """A Gaussian step on one layer size in the unit (log) scale."""
        width = self._width
        u = width.to_unit([size])[0, 0] + scale * rng.standard_normal()
        new = width.from_unit([[_reflect(u)]])[0]
        if new == size and width.cardinality > 1:
            # A step too small to change the size moves it by one unit, so that
            # a mutation always changes the architecture.
            step = 1 if rng.uniform() < 0.5 else -1
            if (new + step) not in width:
                step = -step
            new = size + step
        return new

    def mutate(self, value, scale=0.2, random_state=None):
        """A mutated copy of an architecture: one layer added, dropped or resized.

        Each operation allowed by the bounds is equally likely. A new layer is
        inserted at a random depth with the size of a neighbour, then resized;
        a resized layer takes a Gaussian step of standard deviation ``scale``
        on the unit (logarithmic when ``log=True``) scale of sizes.

        Parameters
        ----------
        value : tuple of int
            An architecture of this dimension.
        scale : float, default=0.2
            Standard deviation of resizing steps, as a fraction of the unit scale.
        random_state : int, RandomState instance or None, default=None
            Source of randomness.

        Returns
        -------
        child : tuple of int
            An architecture of this dimension, different from ``value`` unless
            the dimension has a single architecture.
        """
        rng = check_random_state(random_state)
        sizes = [int(s) for s in value]
        low, high = (int(b) for b in self.n_layers)
        ops = ["resize"] if self._width.cardinality > 1 else []
        ops += ["add"] if len(sizes) < high else []
        ops += ["drop"] if len(sizes) > low else []
        if not ops:
            return tuple(sizes)
        op = ops[rng.randint(len(ops))]
        if op == "add":
            at = rng.randint(len(sizes) + 1)
            neighbour = sizes[min(at, len(sizes) - 1)] if sizes else self.units[0]
            sizes.insert(at, self._resize(neighbour, scale, rng))
        elif op == "drop":
            del sizes[rng.randint(len(sizes))]
        else:
            at = rng.randint(len(sizes))
            sizes[at] = self._resize(sizes[at], scale, rng)
        return tuple(sizes)

    def crossover(self, first, second, random_state=None):
        """A child architecture mixing the layers of two parents.

        The child has the depth of one parent, drawn at random; each of its
        layers comes from one of the parents that has a layer at that depth.

        Parameters
        ----------
        first, second : tuple of int
            Architectures of this dimension.
        random_state : int, RandomState instance or None, default=None
            Source of randomness.

        Returns
        -------
        child : tuple of int
            An architecture of this dimension.
        """
        rng = check_random_state(random_state)
        parents = (tuple(first), tuple(second))
        depth = len(parents[rng.randint(2)])
        child = []
        for i in range(depth):
            options = [p[i] for p in parents if len(p) > i]
            child.append(int(options[rng.randint(len(options))]))
        return tuple(child)


def _reflect(u):
    """Fold a coordinate back into [0, 1] at the edges, then clip."""
    u = abs(u)
    if u > 1.0:
        u = 2.0 - u
    return min(max(u, 0.0), 1.0)
