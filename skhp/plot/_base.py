"""Helpers shared by the plotting functions: matplotlib, axes and labels."""

import numpy as np

_MISSING_MATPLOTLIB = (
    "skhp.plot needs matplotlib, which is not installed. Install it with the "
    'plot extra: pip install "skhp[plot]"'
)


def _pyplot():
    """Import matplotlib's pyplot, or say how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(_MISSING_MATPLOTLIB) from exc
    return plt


def _get_ax(ax, **subplots):
    """The axes to draw in: ``ax``, or those of a new figure."""
    plt = _pyplot()
    if ax is None:
        # Constrained layout keeps legends placed outside the axes in the figure.
        _, ax = plt.subplots(layout="constrained", **subplots)
    return ax


def _get_axes(ax, n, **subplots):
    """``n`` axes as an ndarray: from ``ax``, or a new row of ``n`` panels."""
    plt = _pyplot()
    if ax is None:
        _, axes = plt.subplots(1, n, squeeze=False, layout="constrained", **subplots)
        return axes[0]
    axes = np.ravel(np.asarray(ax, dtype=object))
    if len(axes) != n:
        raise ValueError(
            f"ax must hold one Axes per panel: {n} here; got {len(axes)}. Pass "
            f"ax=None to create a figure, or an array of {n} Axes."
        )
    return axes


def _short_label(value, width=20):
    """A short text for a hyperparameter value, estimators by class name."""
    if hasattr(value, "get_params") and hasattr(value, "fit"):
        text = type(value).__name__
    elif isinstance(value, float):
        text = f"{value:.4g}"
    else:
        text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
