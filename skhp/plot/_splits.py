"""Diagram of the folds of a cross-validation splitter."""

import numpy as np
from sklearn.utils import indexable

from skhp._compat import _num_samples
from skhp.plot._base import _get_ax

_UNUSED, _TRAIN, _TEST, _GAP = 0, 1, 2, 3
_STYLE = {
    _TRAIN: ("train", "tab:blue"),
    _GAP: ("gap", "tab:orange"),
    _TEST: ("test", "tab:red"),
    _UNUSED: ("unused", "whitesmoke"),
}


def _runs(row):
    """Maximal runs of equal values: (start, length, value) triples."""
    change = np.flatnonzero(np.diff(row)) + 1
    starts = np.r_[0, change]
    lengths = np.diff(np.r_[starts, len(row)])
    return list(
        zip(starts.tolist(), lengths.tolist(), row[starts].tolist(), strict=True)
    )


def _fold_roles(n_samples, train, test):
    """Role of every sample in one fold: unused, train, test or gap.

    A gap is a run of unused samples with training samples on one side and
    test samples on the other, such as the samples a walk-forward splitter
    leaves out between the two.
    """
    row = np.full(n_samples, _UNUSED)
    row[train] = _TRAIN
    row[test] = _TEST
    runs = _runs(row)
    for k, (start, length, role) in enumerate(runs):
        if role != _UNUSED or k == 0 or k == len(runs) - 1:
            continue
        if {runs[k - 1][2], runs[k + 1][2]} == {_TRAIN, _TEST}:
            row[start : start + length] = _GAP
    return row


def plot_splits(cv, X, y=None, groups=None, ax=None):
    """Draw the folds of a cross-validation splitter: train, gap and test.

    Each fold is a row over the sample indices, coloured by the role of each
    sample: training, test, gap (samples left out between training and test
    samples, as :class:`~skhp.model_selection.TimeSeriesGapSplit` does) or
    unused. With ``groups``, a last row shows the groups in alternating
    shades.

    Read more in the :ref:`User Guide <plots>`.

    Parameters
    ----------
    cv : cross-validation splitter
        Any object with a ``split(X, y, groups)`` method, such as
        :class:`~skhp.model_selection.TimeSeriesGapSplit` or
        :class:`~sklearn.model_selection.KFold`.

    X : array-like of shape (n_samples, n_features)
        The data to split (only its length matters to most splitters).

    y : array-like of shape (n_samples,), default=None
        The target, for splitters that use it (stratified ones).

    groups : array-like of shape (n_samples,), default=None
        Group labels, for splitters that use them.

    ax : matplotlib Axes, default=None
        Where to draw; None creates a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn in; fold 0 is the top row.

    See Also
    --------
    skhp.model_selection.TimeSeriesGapSplit : Walk-forward splits with a gap.

    Examples
    --------
    >>> import numpy as np
    >>> from skhp.model_selection import TimeSeriesGapSplit
    >>> from skhp.plot import plot_splits
    >>> X = np.zeros((30, 1))
    >>> ax = plot_splits(TimeSeriesGapSplit(n_splits=3, test_size=5, gap=2), X)
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['fold 0', 'fold 1', 'fold 2']
    >>> ax.get_legend().get_texts()[1].get_text()
    'gap'
    """
    X, y, groups = indexable(X, y, groups)
    n_samples = _num_samples(X)
    folds = list(cv.split(X, y, groups))
    if not folds:
        raise ValueError(f"{cv!r} yielded no fold on {n_samples} samples.")
    rows = [_fold_roles(n_samples, train, test) for train, test in folds]
    ax = _get_ax(ax, figsize=(8, 1.0 + 0.45 * (len(rows) + (groups is not None))))

    for i, row in enumerate(rows):
        for role, (_, color) in _STYLE.items():
            spans = [(s, n) for s, n, r in _runs(row) if r == role]
            if spans:
                ax.broken_barh(spans, (i - 0.4, 0.8), facecolors=color)
    yticks = [f"fold {i}" for i in range(len(rows))]
    if groups is not None:
        _, codes = np.unique(np.asarray(groups), return_inverse=True)
        spans = _runs(codes)
        for parity, color in ((0, "silver"), (1, "dimgray")):
            mine = [(s, n) for k, (s, n, _) in enumerate(spans) if k % 2 == parity]
            if mine:
                ax.broken_barh(mine, (len(rows) - 0.4, 0.8), facecolors=color)
        yticks.append("groups")

    from matplotlib.patches import Patch

    used = {role for row in rows for role in np.unique(row).tolist()}
    handles = [
        Patch(facecolor=color, edgecolor="gray", label=label)
        for role, (label, color) in _STYLE.items()
        if role in used
    ]
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_yticks(np.arange(len(yticks)), yticks)
    ax.set_ylim(len(yticks) - 0.5, -0.5)
    ax.set_xlim(0, n_samples)
    ax.set_xlabel("sample index")
    ax.set_title(type(cv).__name__)
    return ax
