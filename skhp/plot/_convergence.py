"""Convergence of searches and per-generation progress of evolutionary ones."""

import numpy as np

from skhp.inspection._importance import _read_results, _score_column
from skhp.plot._base import _get_ax


def _labels(searches, labels):
    if labels is not None:
        labels = list(labels)
        if len(labels) != len(searches):
            raise ValueError(
                f"labels must give one label per search: {len(searches)} here; got "
                f"{len(labels)}. Pass labels=None for the class names."
            )
        return labels
    names = [
        "cv_results_" if isinstance(s, dict) else type(s).__name__ for s in searches
    ]
    return [
        f"{name} {names[:i].count(name) + 1}" if names.count(name) > 1 else name
        for i, name in enumerate(names)
    ]


def _scores(search, metric):
    results, _ = _read_results(search)
    key = _score_column(results, metric, search)
    return key, np.asarray(results[key], dtype=float)


def plot_convergence(*searches, ax=None, labels=None, metric=None):
    """Plot the best score found so far against the number of evaluations.

    Candidates are taken in the order they were evaluated (the row order of
    ``cv_results_``); each search draws a step line of its best mean test
    score so far and faint dots for every candidate's score. Several searches
    are overlaid, to compare how fast they find good candidates.

    Read more in the :ref:`User Guide <plots>`.

    Parameters
    ----------
    *searches : fitted searches, optimizers or dicts
        Fitted searches with ``cv_results_`` (skhp's,
        :class:`~sklearn.model_selection.GridSearchCV`,
        :class:`~sklearn.model_selection.RandomizedSearchCV`),
        ``cv_results_`` dicts, or ask/tell optimizers of :mod:`skhp.optimize`
        (their scores in the order they were told).

    ax : matplotlib Axes, default=None
        Where to draw; None creates a new figure.

    labels : list of str, default=None
        One legend label per search; None uses their class names.

    metric : str, default=None
        With several scoring metrics, the one to plot; None means the only
        one, or each search's ``refit`` metric.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn in.

    See Also
    --------
    skhp.plot.plot_evolution : Per-generation statistics of an evolutionary
        search.

    Notes
    -----
    Failed candidates (a NaN mean score) are drawn as no dot and leave the
    best score so far unchanged. The candidates of a
    :class:`~sklearn.model_selection.GridSearchCV` are in grid order.

    Examples
    --------
    >>> from skhp.plot import plot_convergence
    >>> ax = plot_convergence(
    ...     {"params": [{}] * 4, "mean_test_score": [0.2, 0.5, 0.4, 0.7]},
    ...     labels=["my search"],
    ... )
    >>> ax.lines[0].get_ydata().tolist()
    [0.2, 0.5, 0.5, 0.7]
    """
    if not searches:
        raise ValueError(
            "plot_convergence needs at least one fitted search or cv_results_ dict."
        )
    labels = _labels(searches, labels)
    ax = _get_ax(ax)
    for search, label in zip(searches, labels, strict=True):
        key, scores = _scores(search, metric)
        x = np.arange(1, len(scores) + 1)
        best = np.fmax.accumulate(scores)
        (line,) = ax.plot(x, best, drawstyle="steps-post", label=label)
        ax.plot(
            x, scores, linestyle="none", marker=".", alpha=0.35, color=line.get_color()
        )
    ax.set_xlabel("evaluations")
    ax.set_ylabel(f"best {key} so far")
    ax.legend(fontsize="small")
    return ax


def _generation_stats(search, metric):
    """Per-generation best, mean and standard deviation of the scores."""
    history = getattr(search, "history_", None)
    if isinstance(history, dict) and {"best_score", "mean_score"} <= set(history):
        generation = np.asarray(
            history.get("generation", np.arange(len(history["best_score"])))
        )
        stats = {
            "generation": generation,
            "best": np.asarray(history["best_score"], dtype=float),
            "mean": np.asarray(history["mean_score"], dtype=float),
            "std": np.asarray(
                history.get("std_score", np.zeros(len(generation))), dtype=float
            ),
        }
        if "diversity" in history:
            stats["diversity"] = np.asarray(history["diversity"], dtype=float)
        return stats, "mean_test_score"

    results, _ = _read_results(search)
    column = next((c for c in ("generation", "round") if c in results), None)
    if column is None:
        raise ValueError(
            "plot_evolution needs a search that records generations: a history_ "
            "or a 'generation' or 'round' column in cv_results_ (as "
            "EvolutionarySearchCV and BayesianSearchCV have); got "
            f"{type(search).__name__}, which has neither. Use plot_convergence."
        )
    key, scores = _scores(search, metric)
    rounds = np.asarray(results[column])
    generation = np.unique(rounds)
    best, mean, std = [], [], []
    for g in generation:
        s = scores[(rounds == g) & np.isfinite(scores)]
        best.append(s.max() if s.size else np.nan)
        mean.append(s.mean() if s.size else np.nan)
        std.append(s.std() if s.size else np.nan)
    return {
        "generation": generation,
        "best": np.array(best),
        "mean": np.array(mean),
        "std": np.array(std),
    }, key


def _legend_below(ax, handles, labels):
    """A legend under the x label, at a fixed distance whatever the axes' size."""
    from matplotlib.transforms import offset_copy

    # An offset in points rather than in axes fractions: a fraction of a small
    # panel would put the legend over its own tick labels and x label.
    below = offset_copy(ax.transAxes, fig=ax.figure, y=-36, units="points")
    ax.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=below,
        ncol=2,
        fontsize="small",
    )


def plot_evolution(search, ax=None, *, metric=None, show_diversity=True):
    """Plot the best and mean score of each generation of a search.

    For each generation (round, for a Bayesian search): the mean score with a
    band of one standard deviation on each side (clipped at the generation's
    best), the best score of the generation, and the best score so far. When
    the search records the diversity of each generation
    (``history_["diversity"]`` of
    :class:`~skhp.model_selection.EvolutionarySearchCV`), it is drawn on a
    second y axis on the right.

    Read more in the :ref:`User Guide <plots>`.

    Parameters
    ----------
    search : fitted search or dict
        A fitted :class:`~skhp.model_selection.EvolutionarySearchCV` (read from
        its ``history_``), or any fitted search or ``cv_results_`` dict with a
        ``generation`` or ``round`` column.

    ax : matplotlib Axes, default=None
        Where to draw the scores; None creates a new figure.

    metric : str, default=None
        With several scoring metrics and no ``history_``, the one to plot.

    show_diversity : bool, default=True
        Whether to draw the diversity, when the search records it.

    Returns
    -------
    ax : matplotlib Axes
        The axes of the scores. The diversity, when drawn, is on a twin axes
        sharing its x axis (``ax.figure.axes[-1]``).

    See Also
    --------
    skhp.plot.plot_convergence : Best score so far against evaluations.

    Examples
    --------
    >>> from skhp.plot import plot_evolution
    >>> results = {
    ...     "params": [{}] * 6,
    ...     "mean_test_score": [0.1, 0.3, 0.4, 0.6, 0.7, 0.7],
    ...     "generation": [0, 0, 1, 1, 2, 2],
    ... }
    >>> ax = plot_evolution(results)
    >>> [line.get_label() for line in ax.lines]
    ['mean', 'best so far', 'best of generation']
    >>> ax.lines[2].get_ydata().tolist()
    [0.3, 0.6, 0.7]
    """
    stats, key = _generation_stats(search, metric)
    ax = _get_ax(ax)
    g = stats["generation"]
    (mean,) = ax.plot(g, stats["mean"], marker="o", markersize=3, label="mean")
    # The band is mean ± std, clipped at the generation's best: with skewed
    # scores mean + std can exceed every score, which would mislead.
    band = ax.fill_between(
        g,
        stats["mean"] - stats["std"],
        np.fmin(stats["mean"] + stats["std"], stats["best"]),
        color=mean.get_color(),
        alpha=0.2,
        label="mean ± std",
    )
    (best_so_far,) = ax.plot(
        g,
        np.fmax.accumulate(stats["best"]),
        drawstyle="steps-post",
        linestyle="--",
        linewidth=1,
        color="black",
        label="best so far",
    )
    (best,) = ax.plot(
        g, stats["best"], marker="o", markersize=3, label="best of generation"
    )
    ax.set_xlabel("generation")
    ax.set_ylabel(key)
    # The mean and its band share one entry, so that two columns suffice and
    # the legend stays about as wide as a small panel of a user's grid.
    handles = [(band, mean), best_so_far, best]
    labels = ["mean ± std", "best so far", "best of generation"]
    if show_diversity and "diversity" in stats:
        twin = ax.twinx()
        (diversity,) = twin.plot(
            g, stats["diversity"], color="tab:gray", linestyle=":", label="diversity"
        )
        twin.set_ylabel("diversity")
        twin.set_ylim(bottom=0)
        handles.append(diversity)
        labels.append("diversity")
    _legend_below(ax, handles, labels)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return ax
