"""Preview of a learning-rate, momentum or batch-size schedule."""

import numpy as np

from skhp.plot._base import _get_ax


def plot_schedule(
    schedule, n_epochs, ax=None, *, monitored=None, n_samples=None, label=None
):
    """Plot the value a schedule takes at each epoch.

    The values come from the schedule's ``preview``; each epoch's value is
    drawn as a step that holds for the whole epoch. Call it several times
    with the same ``ax`` to compare schedules.

    Read more in the :ref:`User Guide <plots>`.

    Parameters
    ----------
    schedule : schedule
        A schedule of :mod:`skhp.schedules` (any object with
        ``preview(n_epochs, monitored, n_samples=...)``).

    n_epochs : int
        Number of epochs to show (the estimator's ``max_iter``).

    ax : matplotlib Axes, default=None
        Where to draw; None creates a new figure.

    monitored : array-like of shape (n_epochs - 1,), default=None
        The monitored loss after each epoch, for schedules that react to it
        (:class:`~skhp.schedules.ReduceOnPlateau`,
        :class:`~skhp.schedules.GrowBatchSizeOnPlateau`). None means a loss
        that improves every epoch.

    n_samples : int, default=None
        Number of training samples, which caps batch-size schedules.

    label : str, default=None
        Legend label of the line; None uses the schedule's class name.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn in.

    Examples
    --------
    >>> from skhp.schedules import StepDecay
    >>> from skhp.plot import plot_schedule
    >>> ax = plot_schedule(StepDecay(0.1, step_size=5, factor=0.5), 10)
    >>> ax.lines[0].get_ydata()[[0, 5, 10]].tolist()
    [0.1, 0.05, 0.05]
    """
    values = schedule.preview(n_epochs, monitored, n_samples=n_samples)
    ax = _get_ax(ax)
    # One more point repeats the last value, so the last epoch is drawn whole.
    epochs = np.arange(len(values) + 1)
    ax.plot(
        epochs,
        np.r_[values, values[-1:]],
        drawstyle="steps-post",
        label=label if label is not None else type(schedule).__name__,
    )
    ax.set_xlabel("epoch")
    kind = getattr(schedule, "_schedule_kind", "value")
    ax.set_ylabel("batch size" if kind == "batch_size" else "value")
    ax.set_xlim(0, len(values))
    ax.legend()
    return ax
