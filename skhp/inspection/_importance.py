"""Hyperparameter importance from the results of any search.

The main tool is the functional ANOVA of a random-forest surrogate (Hutter, Hoos
and Leyton-Brown, 2014): a forest is fitted to the scores as a function of the
hyperparameters, and for every tree the variance of each hyperparameter's
marginal (its main effect) is computed exactly over the tree's partition of the
space, then divided by the tree's total variance.
"""

import math
import numbers
import warnings
from collections.abc import Mapping

import numpy as np
from scipy.stats import spearmanr
from sklearn.ensemble import RandomForestRegressor
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state

from skhp._compat import Interval, StrOptions, validate_params
from skhp.space import Categorical, Integer, Real, SearchSpace
from skhp.space._dimensions import _is_number, _same_choice
from skhp.space._space import _as_dimension

# Without a search space, positive numbers whose largest and smallest values are
# at least this far apart may be on a log scale; the data then decide which scale
# (see _data_scale).
_LOG_RATIO = 10.0

# A tree whose total variance is below this (relative to the spread of the
# scores) is constant: it explains nothing and is left out of the averages.
_FLAT_TREE_RTOL = 1e-12


# -- how each hyperparameter is encoded --------------------------------------------


class _Feature:
    """One hyperparameter as a surrogate feature, with its measure.

    A feature is either continuous (the uniform distribution between ``low`` and
    ``high`` on the feature's scale, ``log`` telling whether that scale is the
    logarithm of the values) or discrete (``values``, encoded as the codes 0 to
    ``k - 1``, each equally likely). When some candidates lack the
    hyperparameter (a conditional one, in a list-of-dicts space), "absent" is
    one more value: an atom at ``absent_code``, below every present value,
    weighted by the share of candidates without the hyperparameter.
    """

    def __init__(self, name, *, values=None, low=None, high=None, log=False):
        self.name = name
        self.values = values
        self.low = low
        self.high = high
        self.log = log
        self.absent_weight = 0.0

    @property
    def continuous(self):
        return self.values is None

    @property
    def absent_code(self):
        if self.continuous:
            # Any value below ``low`` works: a tree's threshold between it and
            # the smallest present value then lies below ``low`` as well.
            return float(np.float32(self.low - (self.high - self.low) - 1.0))
        return -1.0

    def encode_present(self, values):
        """Feature values of present (non-absent) hyperparameter values."""
        if self.continuous:
            x = np.asarray(values, dtype=float)
            return np.log(x) if self.log else x
        lookup = _Lookup(self.values)
        return np.array([lookup.index(v) for v in values], dtype=float)

    def to_values(self, x):
        """Hyperparameter values of continuous feature values (for plots)."""
        x = np.asarray(x, dtype=float)
        return np.exp(x) if self.log else x

    def atoms(self):
        """The discrete part of the measure: points and weights."""
        present = 1.0 - self.absent_weight
        points, weights = [], []
        if self.absent_weight > 0:
            points.append(self.absent_code)
            weights.append(self.absent_weight)
        if not self.continuous:
            k = len(self.values)
            points.extend(range(k))
            weights.extend([present / k] * k)
        return np.array(points, dtype=float), np.array(weights, dtype=float)

    def mass(self, lo, hi):
        """Measure of the intervals (lo, hi], elementwise."""
        points, weights = self.atoms()
        cum = np.concatenate([[0.0], np.cumsum(weights)])
        out = cum[np.searchsorted(points, hi, side="right")]
        out -= cum[np.searchsorted(points, lo, side="right")]
        if self.continuous:
            width = self.high - self.low
            frac_hi = np.clip((hi - self.low) / width, 0.0, 1.0)
            frac_lo = np.clip((lo - self.low) / width, 0.0, 1.0)
            out += (1.0 - self.absent_weight) * (frac_hi - frac_lo)
        return out

    def cells(self, thresholds):
        """Cells on which a tree's marginal is constant: points and weights.

        Every cell is represented by one point inside it; the weights sum to 1.
        """
        points, weights = self.atoms()
        if self.continuous:
            inside = thresholds[(thresholds > self.low) & (thresholds < self.high)]
            edges = np.unique(np.concatenate([[self.low, self.high], inside]))
            mids = (edges[:-1] + edges[1:]) / 2
            share = np.diff(edges) / (self.high - self.low)
            points = np.concatenate([points, mids])
            weights = np.concatenate([weights, (1.0 - self.absent_weight) * share])
        order = np.argsort(points, kind="stable")
        return points[order], weights[order]


def _index(values, value):
    for i, v in enumerate(values):
        if not _is_number(v) and _same_choice(value, v):
            return i
    raise ValueError(f"{value!r} is not one of {values!r}.")


def _value_key(value):
    """A hashable key for a value; None for values without one (estimators)."""
    if _is_number(value):
        return float(value)
    if hasattr(value, "get_params") and hasattr(value, "fit"):
        return None
    try:
        hash(value)
    except TypeError:
        return None
    # The type is part of the key: True and 1 are different choices.
    return (type(value), value)


class _Lookup:
    """Positions of distinct values, by hashing where the values allow it."""

    def __init__(self, values=()):
        self.values, self._keys, self._unhashable = [], {}, []
        for value in values:
            self.index(value, add=True)

    def index(self, value, add=False):
        key = _value_key(value)
        if key is not None:
            i = self._keys.get(key)
        else:
            i = next(
                (i for i in self._unhashable if _same_choice(value, self.values[i])),
                None,
            )
        if i is None:
            if not add:
                raise ValueError(f"{value!r} is not one of {self.values!r}.")
            i = len(self.values)
            self.values.append(value)
            if key is None:
                self._unhashable.append(i)
            else:
                self._keys[key] = i
        return i


def _distinct(values):
    """Distinct values: numbers in increasing order, then the others as met."""
    found = _Lookup(values).values
    numbers_ = sorted((v for v in found if _is_number(v)), key=float)
    return numbers_ + [v for v in found if not _is_number(v)]


def _data_scale(x):
    """Whether positive values look log-uniform rather than uniform.

    The median of a uniform sample sits near the middle of its range on the
    scale it was drawn on; the scale that puts it closer to the middle wins.
    """
    x = np.asarray(x, dtype=float)
    if np.any(x <= 0) or x.max() / x.min() < _LOG_RATIO:
        return False
    med = np.median(x)
    linear = (med - x.min()) / (x.max() - x.min())
    logs = np.log(x)
    logged = (np.log(med) - logs.min()) / (logs.max() - logs.min())
    return abs(logged - 0.5) < abs(linear - 0.5)


def _space_dimensions(spec):
    """Dimensions per name in a user's space; None where it cannot be read."""
    specs = spec if isinstance(spec, (list, tuple)) else [spec]
    dims = {}
    for sub in specs:
        if not isinstance(sub, Mapping):
            continue
        for name, value in sub.items():
            try:
                dims.setdefault(name, []).append(_as_dimension(name, value))
            except (TypeError, ValueError):
                dims.setdefault(name, []).append(None)
    return dims


def _is_number_sequence(value):
    return (
        isinstance(value, (tuple, list))
        and len(value) > 0
        and all(_is_number(v) for v in value)
    )


def _space_order(distinct, dims):
    """Order of the choices given to the trees.

    Numbers come first, in increasing order, then the other values in the
    order the space lists them. Sequences of numbers (layer sizes) are ordered
    by length then sum, so that the trees can group similar architectures.
    """
    if all(_is_number_sequence(v) for v in distinct):
        return sorted(distinct, key=lambda v: (len(v), sum(float(u) for u in v)))
    choices = [c for d in dims if isinstance(d, Categorical) for c in d._choices()]

    def position(value):
        if _is_number(value):
            return -1
        try:
            return _index(choices, value)
        except ValueError:
            return len(choices)

    return sorted(distinct, key=position)


def _make_feature(name, present, dims):
    """Choose the encoding of one hyperparameter from its values and space."""
    distinct = _distinct(present)
    if len(distinct) < 2 or not all(_is_number(v) for v in distinct):
        return _Feature(name, values=_space_order(distinct, dims))
    if dims and all(isinstance(d, Categorical) for d in dims):
        # A grid of numbers: each listed value is equally likely.
        return _Feature(name, values=distinct)
    if dims and all(isinstance(d, (Real, Integer)) for d in dims):
        log = all(d.log for d in dims)
        pad = 0.5 if all(isinstance(d, Integer) for d in dims) else 0.0
        low = min(min(d.low for d in dims) - pad, min(distinct))
        high = max(max(d.high for d in dims) + pad, max(distinct))
    elif len(distinct) < len(present):
        # Without a space, repeated numbers come from a list of values.
        return _Feature(name, values=distinct)
    else:
        log = _data_scale(distinct)
        low, high = min(distinct), max(distinct)
    if log and low > 0:
        low, high = math.log(low), math.log(high)
    else:
        log = False
    return _Feature(name, low=float(low), high=float(high), log=log)


def _encode(params, names, space_spec):
    """The surrogate's features and design matrix for candidates ``params``."""
    dims = _space_dimensions(space_spec) if space_spec is not None else {}
    features, columns = [], []
    for name in names:
        rows = [i for i, p in enumerate(params) if name in p]
        name_dims = dims.get(name, [])
        if None in name_dims:
            # A distribution skhp cannot read: infer the range from the values.
            name_dims = []
        feature = _make_feature(name, [params[i][name] for i in rows], name_dims)
        feature.absent_weight = 1.0 - len(rows) / len(params)
        column = np.full(len(params), feature.absent_code)
        column[rows] = feature.encode_present([params[i][name] for i in rows])
        features.append(feature)
        columns.append(column)
    return features, np.column_stack(columns).astype(np.float32).astype(float)


# -- reading a search's results ----------------------------------------------------


def _read_results(search):
    """``cv_results_`` and the search space of a fitted search (or a dict)."""
    if isinstance(search, Mapping):
        return search, None
    if hasattr(search, "params_history") and hasattr(search, "scores_history"):
        # An ask/tell optimizer of skhp.optimize: its history reads as the
        # cv_results_ of a search with one score per candidate.
        results = {
            "params": search.params_history,
            "mean_test_score": search.scores_history,
        }
        spec = search.space
        return results, spec.spec if isinstance(spec, SearchSpace) else spec
    results = getattr(search, "cv_results_", None)
    if results is None:
        raise NotFittedError(
            f"This {type(search).__name__} instance has no cv_results_: it is not "
            "fitted yet. Call fit before computing hyperparameter importance, or "
            "pass the cv_results_ dict of a fitted search."
        )
    spec = getattr(search, "param_distributions", None)
    if spec is None:
        spec = getattr(search, "param_grid", None)
    if isinstance(spec, SearchSpace):
        spec = spec.spec
    return results, spec


def _score_column(results, metric, search):
    """The ``cv_results_`` key of the mean test score to explain."""
    metrics = sorted(
        k[len("mean_test_") :] for k in results if k.startswith("mean_test_")
    )
    if not metrics:
        raise ValueError(
            "cv_results_ has no numeric scores: no 'mean_test_<metric>' column. "
            "Pass the cv_results_ of a fitted search, which always has one."
        )
    if metric is None:
        refit = getattr(search, "refit", None)
        if "score" in metrics:
            metric = "score"
        elif isinstance(refit, str) and refit in metrics:
            metric = refit
        else:
            raise ValueError(
                f"The search scored several metrics ({metrics}); choose the one "
                "to explain with metric=..., e.g. "
                f"metric={metrics[0]!r}."
            )
    if metric not in metrics:
        raise ValueError(
            f"metric={metric!r} is not a metric of the search: cv_results_ has "
            f"no 'mean_test_{metric}' column. Use one of {metrics}."
        )
    return f"mean_test_{metric}"


def _candidates(search, metric, failed, space):
    """Parameters, finite scores and the space spec, failures handled."""
    results, spec = _read_results(search)
    if space is not None:
        spec = SearchSpace(space).spec
    if "params" not in results:
        raise ValueError(
            "cv_results_ has no 'params' entry; pass the cv_results_ of a fitted "
            "search unchanged."
        )
    key = _score_column(results, metric, search)
    params = list(results["params"])
    scores = np.asarray(results[key], dtype=float)
    ok = np.isfinite(scores)
    if ok.sum() < 2:
        raise ValueError(
            f"Hyperparameter importance needs at least 2 candidates with a finite "
            f"{key!r}; got {int(ok.sum())} of {len(scores)}. Run a longer search, "
            "or check why the candidates failed (error_score='raise')."
        )
    if failed == "drop":
        params = [p for p, keep in zip(params, ok, strict=True) if keep]
        scores = scores[ok]
    else:
        scores = np.where(ok, scores, scores[ok].min())
    names = sorted({name for p in params for name in p})
    if not names:
        raise ValueError("The search varied no hyperparameter; nothing to explain.")
    return params, scores, names, spec


# -- the random-forest surrogate and its functional ANOVA --------------------------


def _leaf_boxes(tree, n_features):
    """Bounds (lo, hi] of every leaf of a fitted tree, and the leaf values."""
    t = tree.tree_
    lo = np.full((t.node_count, n_features), -np.inf)
    hi = np.full((t.node_count, n_features), np.inf)
    # scikit-learn numbers every child after its parent.
    nodes = zip(
        t.children_left.tolist(),
        t.children_right.tolist(),
        t.feature.tolist(),
        t.threshold.tolist(),
        strict=True,
    )
    for node, (left, right, f, threshold) in enumerate(nodes):
        if left == -1:
            continue
        lo[left] = lo[right] = lo[node]
        hi[left] = hi[right] = hi[node]
        hi[left, f] = threshold
        lo[right, f] = threshold
    leaves = t.children_left == -1
    return lo[leaves], hi[leaves], t.value[leaves, 0, 0]


def _interval_sums(points, lo, hi, amounts):
    """For each sorted point, the sum of the amounts of intervals (lo, hi] over it."""
    start = np.searchsorted(points, lo, side="right")
    stop = np.searchsorted(points, hi, side="right")
    diff = np.zeros(len(points) + 1)
    np.add.at(diff, start, amounts)
    np.add.at(diff, stop, -amounts)
    return np.cumsum(diff)[:-1]


class _TreeANOVA:
    """The exact functional ANOVA of one tree under a product measure."""

    def __init__(self, tree, features):
        self.features = features
        self.tree = tree
        self.lo, self.hi, self.values = _leaf_boxes(tree, len(features))
        self.mass = np.column_stack(
            [f.mass(self.lo[:, k], self.hi[:, k]) for k, f in enumerate(features)]
        )
        volume = self.mass.prod(axis=1)
        self.mean = volume @ self.values
        self.variance = volume @ (self.values - self.mean) ** 2

    def marginal(self, j, points):
        """The tree's mean prediction with feature ``j`` fixed at sorted points."""
        others = np.prod(np.delete(self.mass, j, axis=1), axis=1)
        return _interval_sums(
            points, self.lo[:, j], self.hi[:, j], self.values * others
        )

    def main_effect(self, j):
        """Variance of the marginal of feature ``j``."""
        t = self.tree.tree_
        points, weights = self.features[j].cells(t.threshold[t.feature == j])
        return weights @ (self.marginal(j, points) - self.mean) ** 2


class _Surrogate:
    """A random forest fitted to the scores, and its trees' ANOVAs."""

    def __init__(self, params, scores, names, spec, n_trees, random_state):
        self.params, self.scores, self.names = params, scores, names
        self.features, self.X = _encode(params, names, spec)
        self.forest = RandomForestRegressor(
            n_estimators=n_trees, max_features=1.0, random_state=random_state
        ).fit(self.X, scores)
        spread = np.ptp(scores)
        self.trees = [
            anova
            for anova in (_TreeANOVA(t, self.features) for t in self.forest.estimators_)
            if anova.variance > _FLAT_TREE_RTOL * spread**2
        ]

    def main_effects(self):
        """Share of each tree's variance per feature, shape (n_features, n_trees)."""
        return np.array(
            [
                [tree.main_effect(j) / tree.variance for tree in self.trees]
                for j in range(len(self.features))
            ]
        ).reshape(len(self.features), len(self.trees))

    def marginals(self, j, points):
        """Every tree's marginal of feature ``j`` at sorted points (trees, points)."""
        return np.array([tree.marginal(j, points) for tree in self.trees])


def _spearman(params, scores, names, spec):
    """Absolute Spearman correlation of each hyperparameter with the score."""
    features, X = _encode(params, names, spec)
    rho, se = np.zeros(len(names)), np.full(len(names), np.nan)
    for j, feature in enumerate(features):
        present = X[:, j] != feature.absent_code
        x, y = X[present, j], scores[present]
        if not feature.continuous and not all(_is_number(v) for v in feature.values):
            # Unordered choices have no rank of their own: rank them by their
            # mean score, the order most favourable to a monotone relation.
            means = np.array([y[x == c].mean() for c in range(len(feature.values))])
            x = np.argsort(np.argsort(means))[x.astype(int)]
        n = len(x)
        if n < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
            continue
        rho[j] = abs(spearmanr(x, y).statistic)
        if n > 3:
            # Fisher's z transform of Spearman's rho has standard error
            # sqrt(1.06 / (n - 3)) (Fieller, Hartley and Pearson, 1957).
            se[j] = (1 - rho[j] ** 2) * math.sqrt(1.06 / (n - 3))
    return rho[:, None], se


# -- the public function and its result --------------------------------------------


class HyperparameterImportance:
    """The importance of each hyperparameter of a search, most important first.

    Returned by :func:`hyperparameter_importance`; not meant to be built by
    hand.

    Parameters
    ----------
    names : list of str
        The hyperparameters, in any order.
    importances : ndarray of shape (n_params, n_repeats)
        The importance of each hyperparameter per tree (or repeat).
    std : ndarray of shape (n_params,)
        The uncertainty of each mean importance.
    method : str
        The method that computed them.
    n_candidates : int
        Number of candidates they were computed from.

    Attributes
    ----------
    names : list of str
        The hyperparameters, most important first.
    importances_mean : ndarray of shape (n_params,)
        With ``method="fanova"``, the share of the score's variance explained
        by each hyperparameter's main effect, averaged over the trees; the
        shares add up to at most 1, the rest being interactions. With
        ``method="spearman"``, the absolute Spearman correlation with the score.
    importances_std : ndarray of shape (n_params,)
        With ``method="fanova"``, the standard deviation of the share across
        the trees; with ``method="spearman"``, the approximate standard error
        of the correlation (NaN with fewer than 4 candidates).
    importances : ndarray of shape (n_params, n_trees)
        The share per tree (``method="fanova"``; one column with
        ``method="spearman"``).
    method : str
        The method used.
    n_candidates : int
        Number of candidates the importance was computed from.

    See Also
    --------
    hyperparameter_importance : The function that computes it.
    skhp.plot.plot_importance : Draws it as a bar chart.

    Examples
    --------
    Its representation is a table, most important hyperparameter first:

    >>> import numpy as np
    >>> from skhp.inspection import hyperparameter_importance
    >>> rng = np.random.RandomState(0)
    >>> params = [{"depth": int(d), "lr": float(lr)}
    ...           for d, lr in zip(rng.randint(1, 6, 30), rng.uniform(size=30))]
    >>> scores = [p["depth"] / 5 + 0.1 * rng.uniform() for p in params]
    >>> results = {"params": params, "mean_test_score": scores}
    >>> result = hyperparameter_importance(results, method="spearman")
    >>> result
    HyperparameterImportance(method='spearman', n_candidates=30)
      parameter  importance     std
      depth           0.971   0.011
      lr              0.138   0.194
    >>> result.names
    ['depth', 'lr']
    """

    def __init__(self, names, importances, std, method, n_candidates):
        mean = (
            np.nanmean(importances, axis=1)
            if importances.shape[1]
            else np.zeros(len(names))
        )
        order = np.argsort(-mean, kind="stable")
        self.names = [names[i] for i in order]
        self.importances_mean = mean[order]
        self.importances_std = std[order]
        self.importances = importances[order]
        self.method = method
        self.n_candidates = n_candidates

    def __repr__(self):
        width = max([len("parameter"), *map(len, self.names)])
        lines = [
            f"HyperparameterImportance(method={self.method!r}, "
            f"n_candidates={self.n_candidates})",
            f"  {'parameter':<{width}}  importance     std",
        ]
        for name, mean, std in zip(
            self.names, self.importances_mean, self.importances_std, strict=True
        ):
            lines.append(f"  {name:<{width}}  {mean:10.3f}  {std:6.3f}")
        return "\n".join(lines)

    def to_frame(self):
        """The importances as a :class:`pandas.DataFrame`, one row per parameter.

        Returns
        -------
        frame : pandas.DataFrame
            Columns ``importance`` and ``std``, indexed by parameter name, most
            important first.

        Raises
        ------
        ImportError
            When pandas is not installed; everything else works without it.
        """
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError(
                "HyperparameterImportance.to_frame needs pandas, which is not "
                "installed: pip install pandas. The importances are also in the "
                "attributes names, importances_mean and importances_std."
            ) from exc
        return pd.DataFrame(
            {"importance": self.importances_mean, "std": self.importances_std},
            index=pd.Index(self.names, name="parameter"),
        )


@validate_params(
    {
        "search": "no_validation",
        "method": [StrOptions({"fanova", "spearman"})],
        "metric": [str, None],
        "failed": [StrOptions({"drop", "worst"})],
        "n_trees": [Interval(numbers.Integral, 1, None, closed="left")],
        "space": [dict, list, SearchSpace, None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def hyperparameter_importance(
    search,
    *,
    method="fanova",
    metric=None,
    failed="drop",
    n_trees=64,
    space=None,
    random_state=None,
):
    """Estimate how much each hyperparameter matters to a search's score.

    With ``method="fanova"`` (the default), a random forest is fitted to the
    mean test scores as a function of the hyperparameters, and each tree is
    decomposed exactly by functional ANOVA: a hyperparameter's importance is the
    variance of its main effect (the tree's prediction averaged over all the
    other hyperparameters) divided by the tree's total variance, under the
    uniform distribution over the searched space. It finds effects of any shape,
    non-monotone ones included. The mean over trees is the estimate, and the
    spread across trees its uncertainty.

    With ``method="spearman"``, the importance is the absolute Spearman rank
    correlation between each hyperparameter and the score. It is fast and needs
    no model, but it is blind to non-monotone effects: a hyperparameter with an
    optimum in the middle of its range (a U-shaped score) can get a
    correlation near zero.

    Read more in the :ref:`User Guide <hyperparameter_importance>`.

    Parameters
    ----------
    search : fitted search, optimizer or dict
        Any fitted search with ``cv_results_``
        (:class:`~sklearn.model_selection.GridSearchCV`,
        :class:`~sklearn.model_selection.RandomizedSearchCV`, skhp's searches),
        a ``cv_results_`` dict itself, or an ask/tell optimizer of
        :mod:`skhp.optimize` (its told candidates and scores).

    method : {"fanova", "spearman"}, default="fanova"
        How importance is measured; see above.

    metric : str, default=None
        With several scoring metrics, the one whose mean test score is
        explained (``"accuracy"`` explains ``mean_test_accuracy``). None means
        the only metric, or the search's ``refit`` metric.

    failed : {"drop", "worst"}, default="drop"
        What to do with failed candidates (a NaN mean test score): leave them
        out, or give them the worst finite score, which makes a hyperparameter
        that causes failures important.

    n_trees : int, default=64
        Number of trees of the random forest (``method="fanova"``).

    space : dict, list of dict or SearchSpace, default=None
        The searched space, which gives the range and scale of each numeric
        hyperparameter. None means the search's ``param_distributions`` or
        ``param_grid``; without one (a ``cv_results_`` dict), ranges and scales
        are inferred from the values tried.

    random_state : int, RandomState instance or None, default=None
        Seed of the random forest (``method="fanova"``).

    Returns
    -------
    result : HyperparameterImportance
        Names, mean importances and their uncertainty, most important first;
        ``result.to_frame()`` gives a pandas DataFrame when pandas is installed.

    See Also
    --------
    sklearn.inspection.permutation_importance : Importance of the features of
        a fitted model, rather than of the hyperparameters of a search.
    skhp.plot.plot_importance : Bar chart of the result.
    skhp.plot.plot_objective : The main effects themselves.

    Notes
    -----
    Encoding. A hyperparameter whose values are all numbers is continuous when
    the space declares it with :class:`~skhp.space.Real`,
    :class:`~skhp.space.Integer` or a ``scipy.stats`` distribution: uniform
    between its bounds on the space's scale (logarithmic for ``log=True`` or
    ``loguniform``). Numbers listed as choices (a grid) are discrete, each
    value equally likely. Without a space, numbers that repeat are discrete;
    others are continuous between the smallest and largest value tried, on a
    log scale when the values span a factor of 10 or more and their median
    sits nearer the middle of the range on that scale. Any other
    hyperparameter is categorical, each choice equally likely (strings,
    booleans, None, estimators; a choice list mixing numbers and others too).

    Conditional hyperparameters (those only some sub-spaces of a list of dicts
    have) get one more value, "absent", weighted by the share of candidates
    that lack them. Note that the functional ANOVA averages over every
    combination of values, including combinations that the space excludes;
    the surrogate extrapolates there, as in the original method. The absence
    of a conditional hyperparameter is also confounded with the choice that
    excludes it (``gamma`` is absent exactly when ``kernel="linear"``), and the
    trees may credit that effect to either of the two.

    Categorical choices are coded 0 to k - 1 for the trees, so a split can
    only separate choices that are adjacent in that order; with many trees
    and few choices this matters little. Failed candidates are dropped by
    default, since a failure is not a score; ``failed="worst"`` keeps them.

    The Spearman correlation of a categorical hyperparameter is computed after
    ordering its choices by their mean score, which gives the most favourable
    order, so it overstates the importance of categoricals with many choices.
    Its uncertainty is the standard error of Fisher's z transform,
    ``sqrt(1.06 / (n - 3))``, mapped back to the correlation scale. The
    correlations are not shares and do not add up to 1: a hyperparameter
    with no effect has a correlation near 0, whatever the others.

    References
    ----------
    .. [1] F. Hutter, H. Hoos and K. Leyton-Brown, "An Efficient Approach for
       Assessing Hyperparameter Importance", ICML 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from skhp.inspection import hyperparameter_importance
    >>> rng = np.random.RandomState(0)
    >>> params = [{"a": a, "b": b} for a, b in rng.uniform(size=(60, 2))]
    >>> scores = [-((p["a"] - 0.5) ** 2) for p in params]  # b does not matter
    >>> results = {"params": params, "mean_test_score": scores}
    >>> result = hyperparameter_importance(results, n_trees=16, random_state=0)
    >>> result.names
    ['a', 'b']
    >>> bool(result.importances_mean[0] > 0.9 > 0.05 > result.importances_mean[1])
    True
    """
    params, scores, names, spec = _candidates(search, metric, failed, space)
    if method == "spearman":
        importances, std = _spearman(params, scores, names, spec)
        return HyperparameterImportance(names, importances, std, method, len(scores))

    rng = check_random_state(random_state)
    surrogate = _Surrogate(params, scores, names, spec, n_trees, rng)
    if not surrogate.trees:
        warnings.warn(
            "The surrogate is constant (the scores barely vary), so no "
            "hyperparameter explains any variance; all importances are 0.",
            UserWarning,
            stacklevel=2,
        )
        zeros = np.zeros((len(names), 1))
        return HyperparameterImportance(names, zeros, zeros[:, 0], method, len(scores))
    shares = surrogate.main_effects()
    return HyperparameterImportance(
        names, shares, shares.std(axis=1), method, len(scores)
    )
