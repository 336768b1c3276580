"""Importance bars and the main effects of a surrogate of the objective."""

import numbers

import numpy as np
from sklearn.utils import check_random_state

from skhp._compat import Interval, StrOptions, validate_params
from skhp.inspection import HyperparameterImportance, hyperparameter_importance
from skhp.inspection._importance import (
    _candidates,
    _read_results,
    _score_column,
    _Surrogate,
)
from skhp.plot._base import _get_ax, _get_axes, _short_label
from skhp.space import SearchSpace

_IMPORTANCE_LABELS = {
    "fanova": "share of score variance (main effect)",
    "spearman": "|Spearman correlation| with the score",
}

# Number of points at which a continuous main effect is drawn.
_N_POINTS = 256


def plot_importance(importance, ax=None):
    """Plot hyperparameter importances as bars with their uncertainty.

    Read more in the :ref:`User Guide <plots>`.

    Parameters
    ----------
    importance : HyperparameterImportance, fitted search, optimizer or dict
        The result of :func:`~skhp.inspection.hyperparameter_importance`; a
        fitted search (or ``cv_results_`` dict, or ask/tell optimizer) is
        passed to it first, with its default arguments.

    ax : matplotlib Axes, default=None
        Where to draw; None creates a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn in: one horizontal bar per hyperparameter, the most
        important at the top, with error bars of one standard deviation
        across trees (one standard error for Spearman correlations).

    See Also
    --------
    skhp.inspection.hyperparameter_importance : Computes the importances.

    Examples
    --------
    >>> import numpy as np
    >>> from skhp.inspection import hyperparameter_importance
    >>> from skhp.plot import plot_importance
    >>> rng = np.random.RandomState(0)
    >>> params = [{"a": a, "b": b} for a, b in rng.uniform(size=(40, 2))]
    >>> scores = [p["a"] + 0.1 * p["b"] for p in params]
    >>> result = hyperparameter_importance(
    ...     {"params": params, "mean_test_score": scores}, random_state=0
    ... )
    >>> ax = plot_importance(result)
    >>> [label.get_text() for label in ax.get_yticklabels()]  # top to bottom
    ['a', 'b']
    """
    if not isinstance(importance, HyperparameterImportance):
        importance = hyperparameter_importance(importance)
    n = len(importance.names)
    # The bars keep about 4 inches beside the longest name (10-point text is
    # about 0.08 inch a character), so that a pipeline's long names fit.
    longest = max(map(len, importance.names), default=0)
    ax = _get_ax(ax, figsize=(max(6.4, 4 + 0.08 * longest), 1.4 + 0.4 * n))
    y = np.arange(n)[::-1]
    ax.barh(
        y,
        importance.importances_mean,
        xerr=np.nan_to_num(importance.importances_std),
        capsize=3,
        color="tab:blue",
    )
    ax.set_yticks(y, importance.names)
    ax.set_xlabel(_IMPORTANCE_LABELS[importance.method])
    ax.set_xlim(left=0)
    ax.set_title(
        f"Hyperparameter importance\n{importance.method}, "
        f"{importance.n_candidates} candidates"
    )
    return ax


def _check_params(params, names):
    unknown = [p for p in params if p not in names]
    if unknown or not params:
        raise ValueError(
            f"params must name hyperparameters of the search; got {list(params)!r}. "
            f"Choose among {names}."
        )


def _draw_continuous(ax, surrogate, j):
    feature = surrogate.features[j]
    x = np.linspace(feature.low, feature.high, _N_POINTS)
    marginals = surrogate.marginals(j, x)
    mean, std = marginals.mean(axis=0), marginals.std(axis=0)
    values = feature.to_values(x)
    (line,) = ax.plot(values, mean, label="main effect")
    ax.fill_between(
        values, mean - std, mean + std, color=line.get_color(), alpha=0.25, lw=0
    )
    present = surrogate.X[:, j] != feature.absent_code
    ax.plot(
        feature.to_values(surrogate.X[present, j]),
        surrogate.scores[present],
        linestyle="none",
        marker=".",
        color="black",
        alpha=0.4,
        label="candidates",
    )
    if feature.absent_weight > 0:
        absent = surrogate.marginals(j, np.array([feature.absent_code])).mean()
        ax.axhline(absent, color="tab:gray", linestyle=":", label="when absent")
    if feature.log:
        ax.set_xscale("log")


def _draw_discrete(ax, surrogate, j):
    feature = surrogate.features[j]
    codes = np.arange(len(feature.values), dtype=float)
    labels = [_short_label(v) for v in feature.values]
    if feature.absent_weight > 0:
        codes = np.r_[feature.absent_code, codes]
        labels = ["(absent)", *labels]
    marginals = surrogate.marginals(j, codes)
    ax.errorbar(
        np.arange(len(codes)),
        marginals.mean(axis=0),
        yerr=marginals.std(axis=0),
        fmt="o",
        capsize=4,
        label="main effect",
    )
    position = np.searchsorted(codes, surrogate.X[:, j])
    offsets = np.zeros(len(position))
    for k in range(len(codes)):
        # Spread each choice's candidates evenly so that they do not overlap.
        rows = np.flatnonzero(position == k)
        offsets[rows] = np.linspace(-0.2, 0.2, len(rows)) if len(rows) > 1 else 0
    ax.plot(
        position + offsets,
        surrogate.scores,
        linestyle="none",
        marker=".",
        color="black",
        alpha=0.4,
        label="candidates",
    )
    # Past a dozen choices, label every k-th one so that the labels stay legible.
    step = max(1, int(np.ceil(len(labels) / 12)))
    ticks = np.arange(0, len(codes), step)
    labels = [labels[t] for t in ticks]
    crowded = sum(len(label) + 2 for label in labels) > 40
    if crowded:
        ax.set_xticks(ticks, labels, rotation=30, ha="right", rotation_mode="anchor")
    else:
        ax.set_xticks(ticks, labels)
    ax.set_xlim(-0.5, len(codes) - 0.5)


@validate_params(
    {
        "search": "no_validation",
        "params": [str, list, tuple, None],
        "n_top": [Interval(numbers.Integral, 1, None, closed="left")],
        "ax": "no_validation",
        "metric": [str, None],
        "failed": [StrOptions({"drop", "worst"})],
        "n_trees": [Interval(numbers.Integral, 1, None, closed="left")],
        "space": [dict, list, SearchSpace, None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def plot_objective(
    search,
    params=None,
    n_top=2,
    ax=None,
    *,
    metric=None,
    failed="drop",
    n_trees=64,
    space=None,
    random_state=None,
):
    """Plot how the score depends on the most important hyperparameters.

    A random-forest surrogate is fitted to the search's mean test scores, as in
    :func:`~skhp.inspection.hyperparameter_importance`. Each panel shows the
    main effect of one hyperparameter, the surrogate's prediction averaged over
    every other hyperparameter (a partial dependence under the uniform
    distribution over the searched space), with a band of one standard
    deviation across trees, and the candidates evaluated as dots.

    Read more in the :ref:`User Guide <plots>`.

    Parameters
    ----------
    search : fitted search, optimizer or dict
        Any fitted search with ``cv_results_``, a ``cv_results_`` dict, or an
        ask/tell optimizer of :mod:`skhp.optimize`.

    params : list of str, default=None
        The hyperparameters to plot. None means the ``n_top`` most important.

    n_top : int, default=2
        Number of hyperparameters plotted when ``params`` is None (all of
        them when the search has fewer).

    ax : matplotlib Axes or array-like of Axes, default=None
        One Axes per panel; None creates a figure with a row of panels.

    metric : str, default=None
        With several scoring metrics, the one to plot, as in
        :func:`~skhp.inspection.hyperparameter_importance`.

    failed : {"drop", "worst"}, default="drop"
        What to do with failed candidates, as in
        :func:`~skhp.inspection.hyperparameter_importance`.

    n_trees : int, default=64
        Number of trees of the surrogate random forest.

    space : dict, list of dict or SearchSpace, default=None
        The searched space; None means the search's own.

    random_state : int, RandomState instance or None, default=None
        Seed of the surrogate random forest.

    Returns
    -------
    axes : ndarray of matplotlib Axes of shape (n_panels,)
        One panel per hyperparameter, most important first.

    See Also
    --------
    skhp.inspection.hyperparameter_importance : The importance of each main
        effect.
    sklearn.inspection.PartialDependenceDisplay : Partial dependence of a
        model on its features.

    Notes
    -----
    Numeric hyperparameters are drawn on their search scale (logarithmic for
    a log-uniform one). Choices, grids of numbers and integers listed as
    choices are drawn as points with error bars; a hyperparameter absent from
    some candidates (a list-of-dicts space) shows the surrogate's prediction
    when it is absent as a dotted line or an "(absent)" choice.

    Examples
    --------
    >>> import numpy as np
    >>> from skhp.plot import plot_objective
    >>> rng = np.random.RandomState(0)
    >>> params = [{"a": a, "b": b} for a, b in rng.uniform(size=(40, 2))]
    >>> scores = [-((p["a"] - 0.5) ** 2) for p in params]
    >>> axes = plot_objective(
    ...     {"params": params, "mean_test_score": scores}, n_trees=8, random_state=0
    ... )
    >>> [ax.get_xlabel() for ax in axes]
    ['a', 'b']
    """
    rng = check_random_state(random_state)
    candidates, scores, names, spec = _candidates(search, metric, failed, space)
    surrogate = _Surrogate(candidates, scores, names, spec, n_trees, rng)
    if not surrogate.trees:
        raise ValueError(
            "The scores barely vary, so the surrogate is constant: there is no "
            "effect to plot."
        )
    shares = surrogate.main_effects().mean(axis=1)
    if params is None:
        params = [names[j] for j in np.argsort(-shares, kind="stable")[:n_top]]
    else:
        params = [params] if isinstance(params, str) else list(params)
        _check_params(params, names)

    axes = _get_axes(ax, len(params), figsize=(4.2 * len(params), 3.6), sharey=True)
    for panel, name in zip(axes, params, strict=True):
        j = names.index(name)
        if surrogate.features[j].continuous:
            _draw_continuous(panel, surrogate, j)
        else:
            _draw_discrete(panel, surrogate, j)
        # The x label names the hyperparameter; repeating the name in the title
        # would make long names (a pipeline's step__param) collide.
        panel.set_xlabel(name)
        panel.set_title(f"importance {shares[j]:.2f}")
        if panel is axes[0] or surrogate.features[j].absent_weight > 0:
            panel.legend(loc="best", fontsize="small")
    results, _ = _read_results(search)
    axes[0].set_ylabel(_score_column(results, metric, search))
    return axes
