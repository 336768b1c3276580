"""Search spaces: a dict of dimensions, or a list of such dicts."""

import itertools
import math
from collections.abc import Mapping

import numpy as np
from scipy.stats import qmc
from sklearn.utils import check_random_state

from skhp._compat import InvalidParameterError, validate_parameter_constraints
from skhp.space._dimensions import Categorical, Dimension, Integer, Real

# Value written in the surrogate encoding for a dimension that the candidate's
# sub-space does not have. Any constant works (the sub-space indicator columns
# already tell candidates apart); the middle of the unit interval keeps inactive
# candidates close to every active value.
_INACTIVE = 0.5


def _from_scipy(name, dist):
    """Convert a frozen scipy.stats distribution to the dimension it samples."""
    kind = getattr(getattr(dist, "dist", None), "name", None)
    try:
        low, high = (float(b) for b in dist.support())
    except Exception as exc:  # any object with rvs but no usable support
        raise TypeError(
            f"Parameter {name!r}: {dist!r} is not a frozen scipy.stats "
            "distribution. Use Real, Integer, Categorical or a list."
        ) from exc
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(
            f"Parameter {name!r}: the distribution {kind!r} has the unbounded "
            f"support [{low}, {high}] and cannot be searched over. Give bounds "
            "with Real(low, high) or Integer(low, high), or use scipy.stats.uniform, "
            "loguniform or randint."
        )
    if kind == "uniform":
        return Real(low, high)
    if kind in ("loguniform", "reciprocal"):
        # A shift (loc != 0) keeps the support bounded but makes the values
        # log-uniform in x - loc, not in x, so no Real samples them; a scale
        # keeps them log-uniform. The median tells the two apart.
        if low <= 0 or not math.isclose(
            float(dist.median()), math.sqrt(low * high), rel_tol=1e-9
        ):
            raise ValueError(
                f"Parameter {name!r}: this {kind!r} distribution is shifted "
                f"(loc != 0), so it is not log-uniform over its support [{low}, "
                f"{high}] and cannot be converted exactly. Write the bounds "
                "themselves, without loc: loguniform(a, b) or Real(a, b, log=True) "
                "with 0 < a < b."
            )
        return Real(low, high, log=True)
    if kind == "randint":
        return Integer(int(low), int(high))
    raise ValueError(
        f"Parameter {name!r}: the {kind!r} distribution cannot be converted "
        "exactly; skhp converts only scipy.stats uniform, loguniform and randint. "
        f"Use Real({low}, {high}) or Integer({low}, {high}) instead."
    )


def _as_dimension(name, value):
    """Turn one entry of a user's space into a validated Dimension."""
    if not isinstance(name, str):
        raise TypeError(
            f"Search space names must be strings; got {name!r} of type "
            f"{type(name).__name__}."
        )
    if isinstance(value, Dimension):
        dim = value
    elif isinstance(value, (list, tuple, np.ndarray)):
        dim = Categorical(list(value))
    elif hasattr(value, "rvs"):
        dim = _from_scipy(name, value)
    else:
        raise TypeError(
            f"Parameter {name!r}: a search space value must be Real, Integer, "
            "Categorical, a list of choices or a scipy.stats uniform, loguniform or "
            f"randint distribution; got {value!r} of type {type(value).__name__}. "
            f"To fix the parameter to one value, write [{value!r}]."
        )
    dim.check(name)
    return dim


def _as_subspace(spec):
    if not isinstance(spec, Mapping):
        raise TypeError(
            "A search space must be a dict of name -> dimension, or a list of such "
            f"dicts; got {spec!r} of type {type(spec).__name__}."
        )
    return {name: _as_dimension(name, spec[name]) for name in sorted(spec)}


class SearchSpace:
    """A validated search space: one or several disjoint sub-spaces.

    Built from what a user writes as ``param_distributions``: a dict of name ->
    dimension, or a list of such dicts (disjoint sub-spaces, like a list of grids
    in :class:`~sklearn.model_selection.GridSearchCV`). Values may be
    :class:`Real`, :class:`Integer`, :class:`Categorical`, plain lists (taken as
    categorical) or frozen ``scipy.stats`` ``uniform``, ``loguniform`` and
    ``randint`` distributions, converted exactly.

    The space gives every optimizer the same tools: sampling, a space-filling
    initial design, a joint unit-cube encoding for surrogate models (sub-space
    indicator columns, then each distinct dimension's columns, with a constant
    in the columns a candidate's sub-space lacks), membership and hashable keys.

    Parameters
    ----------
    spec : dict, list of dict or SearchSpace
        The space as written by the user. It is never modified.

    Attributes
    ----------
    subspaces : tuple of dict
        Each sub-space as a dict of name -> :class:`Dimension`, names sorted.
    n_features : int
        Width of the surrogate encoding returned by :meth:`encode`.

    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from skhp.space import SearchSpace
    >>> space = SearchSpace([
    ...     {"kernel": ["linear"], "C": loguniform(1e-2, 1e2)},
    ...     {"kernel": ["rbf"], "C": loguniform(1e-2, 1e2), "gamma": [0.1, 1.0]},
    ... ])
    >>> space.subspaces[1]
    {'C': Real(0.01, 100.0, log=True), 'gamma': Categorical([0.1, 1.0]), \
'kernel': Categorical(['rbf'])}
    >>> space.n_features  # 2 indicators, C, kernel "linear", gamma (2), kernel "rbf"
    7
    >>> space.encode([{"kernel": "linear", "C": 1.0}]).round(2).tolist()
    [[1.0, 0.0, 0.5, 1.0, 0.5, 0.5, 0.5]]
    """

    def __init__(self, spec):
        if isinstance(spec, SearchSpace):
            spec = spec.spec
        self.spec = spec
        specs = spec if isinstance(spec, (list, tuple)) else [spec]
        if len(specs) == 0:
            raise ValueError(
                "The search space is an empty list; give at least one dict."
            )
        self.subspaces = tuple(_as_subspace(s) for s in specs)
        if all(len(s) == 0 for s in self.subspaces):
            raise ValueError("The search space has no parameters to search.")
        self._build_blocks()

    def _build_blocks(self):
        """Lay out the surrogate encoding's columns."""
        n_sub = len(self.subspaces)
        start = n_sub if n_sub > 1 else 0
        self._blocks = []  # [name, dim, set of sub-space indices, column slice]
        for s, sub in enumerate(self.subspaces):
            for name, dim in sub.items():
                for block in self._blocks:
                    # Sub-spaces that share a name and a dimension share its
                    # columns, so what is learnt about it in one helps the others.
                    if block[0] == name and block[1] == dim and s not in block[2]:
                        block[2].add(s)
                        break
                else:
                    width = dim.n_columns
                    self._blocks.append([name, dim, {s}, slice(start, start + width)])
                    start += width
        self.n_features = start

    def __repr__(self):
        return f"SearchSpace({self.spec!r})"

    @property
    def names(self):
        """All hyperparameter names, sorted."""
        return sorted({name for sub in self.subspaces for name in sub})

    @property
    def cardinality(self):
        """Number of distinct candidates (``math.inf`` when any is real)."""
        return sum(
            math.prod(dim.cardinality for dim in sub.values()) for sub in self.subspaces
        )

    def enumerate(self):
        """Every candidate of a finite space, sub-space by sub-space.

        Returns
        -------
        params : list of dict
            All ``cardinality`` candidates.

        Raises
        ------
        ValueError
            When the space has a real dimension (infinitely many candidates).
        """
        if not math.isfinite(self.cardinality):
            raise ValueError("A space with a Real dimension cannot be enumerated.")
        out = []
        for sub in self.subspaces:
            names = list(sub)
            for values in itertools.product(*(sub[n].values() for n in names)):
                out.append(dict(zip(names, values, strict=True)))
        return out

    def continuous_columns(self):
        """Boolean mask of the encoding's columns that hold a Real dimension.

        Returns
        -------
        mask : ndarray of shape (n_features,), dtype=bool
            True in the columns of :class:`Real` dimensions.
        """
        mask = np.zeros(self.n_features, dtype=bool)
        for _, dim, _, cols in self._blocks:
            mask[cols] = isinstance(dim, Real)
        return mask

    def subspace_index(self, params):
        """Index of the first sub-space that contains ``params``.

        Parameters
        ----------
        params : dict
            A candidate, as a dict of name -> value.

        Returns
        -------
        s : int
            The position of its sub-space in ``subspaces``.

        Raises
        ------
        ValueError
            When no sub-space has exactly these names and values.
        """
        for s, sub in enumerate(self.subspaces):
            if set(params) == set(sub) and all(
                params[name] in dim for name, dim in sub.items()
            ):
                return s
        raise ValueError(f"{params!r} does not belong to the search space {self!r}.")

    def __contains__(self, params):
        try:
            self.subspace_index(params)
        except ValueError:
            return False
        return True

    def key(self, params):
        """A hashable key that identifies a candidate within the space.

        Parameters
        ----------
        params : dict
            A candidate of this space.

        Returns
        -------
        key : tuple
            Its sub-space, then each value's key in name order; equal
            candidates have equal keys.
        """
        s = self.subspace_index(params)
        sub = self.subspaces[s]
        return (s, *(dim.key(params[name]) for name, dim in sub.items()))

    def _rng(self, random_state):
        return check_random_state(random_state)

    def _allocate(self, n, rng):
        """Spread ``n`` candidates as evenly as possible over the sub-spaces."""
        n_sub = len(self.subspaces)
        counts = np.full(n_sub, n // n_sub)
        counts[rng.permutation(n_sub)[: n % n_sub]] += 1
        return counts

    def subspace_from_unit(self, s, U):
        """Map unit coordinates to candidates of sub-space ``s``.

        Parameters
        ----------
        s : int
            The sub-space.
        U : array-like of shape (n, n_unit)
            Unit coordinates; the dimensions' coordinates side by side, in the
            sub-space's (sorted) name order.

        Returns
        -------
        params : list of dict
            One candidate per row of ``U``.
        """
        U = np.atleast_2d(np.asarray(U, dtype=float))
        sub = self.subspaces[s]
        columns, start = {}, 0
        for name, dim in sub.items():
            columns[name] = dim.from_unit(U[:, start : start + dim.n_unit])
            start += dim.n_unit
        return [{name: columns[name][i] for name in sub} for i in range(len(U))]

    def subspace_to_unit(self, s, params):
        """Map candidates of sub-space ``s`` to unit coordinates.

        Parameters
        ----------
        s : int
            The sub-space.
        params : list of dict
            Candidates of that sub-space.

        Returns
        -------
        U : ndarray of shape (n, n_unit)
            The dimensions' coordinates side by side, in the sub-space's
            (sorted) name order.
        """
        sub = self.subspaces[s]
        parts = [dim.to_unit([p[name] for p in params]) for name, dim in sub.items()]
        if not parts:
            return np.zeros((len(params), 0))
        return np.hstack(parts)

    def n_unit(self, s):
        """Number of unit coordinates of sub-space ``s``.

        Parameters
        ----------
        s : int
            The sub-space.

        Returns
        -------
        n_unit : int
            The sum of its dimensions' ``n_unit``.
        """
        return sum(dim.n_unit for dim in self.subspaces[s].values())

    def sample(self, n, random_state=None):
        """Draw ``n`` candidates uniformly (over each dimension's unit scale).

        Parameters
        ----------
        n : int
            Number of candidates.
        random_state : int, RandomState instance or None, default=None
            Source of randomness.

        Returns
        -------
        params : list of dict
            ``n`` candidates, each from a sub-space drawn uniformly.
        """
        rng = self._rng(random_state)
        subs = rng.randint(len(self.subspaces), size=n)
        return [
            self.subspace_from_unit(s, rng.uniform(size=(1, self.n_unit(s))))[0]
            for s in subs
        ]

    def design(self, n, random_state=None):
        """A space-filling initial design of ``n`` candidates.

        Candidates are spread evenly over the sub-spaces; within each, a scrambled
        Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`) places one point
        in every row and column of each pair of dimensions.

        Parameters
        ----------
        n : int
            Number of candidates.
        random_state : int, RandomState instance or None, default=None
            Source of randomness.

        Returns
        -------
        params : list of dict
            In random order.
        """
        rng = self._rng(random_state)
        out = []
        for s, count in enumerate(self._allocate(n, rng)):
            if count == 0:
                continue
            d = self.n_unit(s)
            if d == 0:
                out.extend({} for _ in range(count))
                continue
            seed = np.random.default_rng(rng.randint(np.iinfo(np.int32).max))
            engine = qmc.LatinHypercube(d=d, scramble=True, seed=seed)
            out.extend(self.subspace_from_unit(s, engine.random(count)))
        return [out[i] for i in rng.permutation(len(out))]

    def encode(self, params):
        """Encode candidates for a surrogate model.

        Parameters
        ----------
        params : list of dict
            Candidates of this space.

        Returns
        -------
        Z : ndarray of shape (n, n_features)
            Values in [0, 1].
        """
        Z = np.full((len(params), self.n_features), _INACTIVE)
        subs = np.array([self.subspace_index(p) for p in params], dtype=int)
        if len(self.subspaces) > 1:
            Z[:, : len(self.subspaces)] = 0.0
            Z[np.arange(len(params)), subs] = 1.0
        for name, dim, owners, cols in self._blocks:
            rows = np.flatnonzero(np.isin(subs, list(owners)))
            if len(rows):
                Z[rows, cols] = dim.encode([params[i][name] for i in rows])
        return Z

    def decode(self, Z):
        """Turn rows of the surrogate encoding back into valid candidates.

        Rounds integers, takes the largest column of one-hot blocks, and picks
        the sub-space by its largest indicator column.

        Parameters
        ----------
        Z : array-like of shape (n, n_features)
            Rows of the encoding, possibly off the encoding of any candidate
            (a surrogate's proposal).

        Returns
        -------
        params : list of dict
            The nearest valid candidate of each row.
        """
        Z = np.atleast_2d(np.asarray(Z, dtype=float))
        n_sub = len(self.subspaces)
        subs = np.argmax(Z[:, :n_sub], axis=1) if n_sub > 1 else np.zeros(len(Z), int)
        out = [{} for _ in range(len(Z))]
        for name, dim, owners, cols in self._blocks:
            rows = np.flatnonzero(np.isin(subs, list(owners)))
            if len(rows):
                for i, value in zip(rows, dim.decode(Z[rows, cols]), strict=True):
                    out[i][name] = value
        return out

    def check_estimator(self, estimator):
        """Check every name and value against ``estimator``'s parameters.

        Names may be nested (``svc__C``). A name below a parameter that the same
        sub-space searches over (``clf__C`` beside ``clf``) is accepted, since
        the sub-estimator it belongs to is only known per candidate. Values are
        checked against scikit-learn's declared parameter constraints where the
        estimator declares them (the bounds of Real and Integer, every choice).

        Parameters
        ----------
        estimator : estimator instance
            The estimator the space will be searched on, a pipeline included.

        Raises
        ------
        ValueError
            For an unknown name, listing the valid ones.
        TypeError or ValueError
            For a value the estimator does not accept.
        """
        valid = estimator.get_params(deep=True)
        for sub in self.subspaces:
            for name, dim in sub.items():
                parent = name.rpartition("__")[0]
                if name not in valid and parent not in sub:
                    raise ValueError(
                        f"Parameter {name!r} of the search space is not a parameter "
                        f"of {type(estimator).__name__}. Valid parameters are: "
                        f"{sorted(valid)}."
                    )
                if name in valid:
                    _check_values(estimator, valid, name, dim)


def _owner_of(estimator, params, name):
    """The (sub-)estimator that owns parameter ``name`` and its short name."""
    parent, _, short = name.rpartition("__")
    return (params[parent] if parent else estimator), short


def _check_values(estimator, params, name, dim):
    owner, short = _owner_of(estimator, params, name)
    constraints = getattr(owner, "_parameter_constraints", {}).get(short)
    if constraints is None:
        return
    if isinstance(dim, Categorical):
        probes = [(repr(c), c) for c in dim._choices()]
    else:
        probes = [
            # Probe with what the dimension produces: floats for Real.
            (f"the low bound of {dim!r}", dim.from_unit([0.0])[0]),
            (f"the high bound of {dim!r}", dim.from_unit([1.0])[0]),
        ]
    for label, value in probes:
        try:
            validate_parameter_constraints(
                {short: constraints}, {short: value}, type(owner).__name__
            )
        except InvalidParameterError as exc:
            raise type(exc)(
                f"Parameter {name!r} of the search space: {label} is not a valid "
                f"value. {exc} Change the search space for {name!r}."
            ) from None
