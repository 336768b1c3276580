"""The schedule protocol: immutable schedule objects and their per-fit states.

A schedule stores only its constructor arguments. Running it happens in a
separate state object returned by :meth:`BaseSchedule.start`, so refitting the
same schedule replays it exactly, and ``clone``, ``get_params`` and
``set_params`` behave as for any scikit-learn estimator.
"""

import math
import numbers

import numpy as np
from sklearn.base import BaseEstimator, clone

#: The schedule kinds and the word used for them in error messages.
SCHEDULE_KINDS = {"value": "value", "batch_size": "batch-size"}


class BaseSchedule(BaseEstimator):
    """Base class of every schedule in :mod:`skhp.schedules`.

    A subclass sets ``_schedule_kind`` (``"value"`` for float schedules used
    for the learning rate or the momentum, ``"batch_size"`` for integer
    schedules), implements ``_validate`` to check its arguments and
    ``_make_state`` to build a fresh state. Its constructor stores its
    arguments and nothing else.
    """

    _schedule_kind = "value"

    def start(self, n_epochs, *, n_samples=None, bytes_per_sample=None):
        """Validate the arguments and return a fresh state for one fit.

        Parameters
        ----------
        n_epochs : int
            The epoch budget (the estimator's ``max_iter``). Schedules that
            span the whole run, such as cosine annealing or one-cycle, use it.
        n_samples : int, default=None
            The number of training samples. Batch-size schedules never return
            more; value schedules ignore it.
        bytes_per_sample : float, default=None
            The memory one sample costs during training, used by batch-size
            schedules with a ``memory_budget``; value schedules ignore it.

        Returns
        -------
        state : schedule state
            An object with a ``value`` attribute (the value for the current
            epoch, epoch 0 first) and an ``update(monitored)`` method, called at
            the end of each epoch with the monitored loss (lower is better, or
            ``None`` when nothing is monitored), which moves to the next epoch.
            Two calls to ``start`` give independent states that replay
            identically.

        Examples
        --------
        >>> from skhp.schedules import ReduceOnPlateau
        >>> schedule = ReduceOnPlateau(initial_value=1.0, factor=0.5, patience=1)
        >>> state = schedule.start(10)
        >>> state.value
        1.0
        >>> state.update(0.3)
        >>> state.update(0.4)
        >>> state.value, state.epoch
        (0.5, 2)
        """
        context = _RunContext(
            n_epochs=_check_n_epochs(self, n_epochs),
            n_samples=_check_n_samples(self, n_samples),
            bytes_per_sample=_check_bytes_per_sample(self, bytes_per_sample),
        )
        self._validate(context)
        return self._make_state(context)

    def preview(
        self, n_epochs, monitored=None, *, n_samples=None, bytes_per_sample=None
    ):
        """Return the values the schedule produces over ``n_epochs`` epochs.

        Parameters
        ----------
        n_epochs : int
            The epoch budget, as passed to :meth:`start`.
        monitored : array-like of shape (n_epochs - 1,) or (n_epochs,), \
                default=None
            The monitored loss at the end of each epoch, replayed through the
            state's ``update`` so that plateau-driven schedules can be
            previewed. The last entry, if given, is not used: it would only
            change the value of the epoch after the budget. ``None`` means the
            loss improves every epoch, so no plateau is ever detected.
        n_samples : int, default=None
            The number of training samples, as passed to :meth:`start`.
        bytes_per_sample : float, default=None
            The memory one sample costs, as passed to :meth:`start`.

        Returns
        -------
        values : ndarray of shape (n_epochs,)
            The value of each epoch: float for value schedules, int for
            batch-size schedules.
        """
        state = self.start(
            n_epochs, n_samples=n_samples, bytes_per_sample=bytes_per_sample
        )
        monitored = _check_monitored(self, monitored, n_epochs)
        dtype = np.float64 if self._schedule_kind == "value" else np.int64
        values = np.empty(n_epochs, dtype=dtype)
        for epoch in range(n_epochs):
            values[epoch] = state.value
            if epoch < n_epochs - 1:
                state.update(None if monitored is None else monitored[epoch])
        return values

    def _validate(self, context):
        """Check the constructor arguments; raise ValueError or TypeError."""

    def _make_state(self, context):  # pragma: no cover - abstract
        raise NotImplementedError


class _RunContext:
    """What a schedule knows about the fit it runs in."""

    __slots__ = ("bytes_per_sample", "n_epochs", "n_samples")

    def __init__(self, n_epochs, n_samples=None, bytes_per_sample=None):
        self.n_epochs = n_epochs
        self.n_samples = n_samples
        self.bytes_per_sample = bytes_per_sample


class _ScheduleState:
    """The running position of one schedule within one fit.

    ``value`` is the value for the current epoch; ``update(monitored)`` ends
    the epoch. Subclasses implement ``_compute`` (the value of ``self.epoch``)
    and may override ``_observe`` to react to the monitored loss.
    """

    def __init__(self, context):
        self.n_epochs = context.n_epochs
        self.epoch = 0
        self._value = None

    @property
    def value(self):
        """The value to use for the current epoch."""
        if self._value is None:
            self._value = self._compute()
        return self._value

    def update(self, monitored=None):
        """End the current epoch, observing its monitored loss.

        Parameters
        ----------
        monitored : float or None, default=None
            The monitored loss of the epoch just finished (lower is better).
            ``None`` means nothing is monitored; plateau-driven schedules then
            behave as if the loss kept improving. A NaN never counts as an
            improvement.
        """
        if monitored is not None:
            monitored = float(monitored)
        self._observe(monitored)
        self.epoch += 1
        self._value = None

    def _observe(self, monitored):
        """React to the monitored loss of epoch ``self.epoch``."""

    def _compute(self):  # pragma: no cover - abstract
        raise NotImplementedError


class _ClosedFormState(_ScheduleState):
    """The state of a schedule whose value depends on the epoch alone.

    It keeps a private copy of the schedule, so that ``set_params`` on the
    user's object cannot change a run in progress, and asks the copy's
    ``_value_at(epoch, context)`` for each epoch's value.
    """

    def __init__(self, context, schedule):
        super().__init__(context)
        self._context = context
        self._schedule = clone(schedule)

    def _compute(self):
        return self._schedule._value_at(self.epoch, self._context)


def as_schedule(value, kind, name, *, allow_zero=None):
    """Turn a number into a constant schedule and check a schedule's kind.

    Parameters
    ----------
    value : number or schedule
        What the user passed: a float (or int) for a value schedule, an int
        for a batch-size schedule, or a schedule object.
    kind : {"value", "batch_size"}
        The kind of schedule the parameter takes.
    name : str
        The estimator parameter being converted, such as ``"learning_rate"``,
        ``"momentum"`` or ``"batch_size"``; error messages name it.
    allow_zero : bool, default=None
        Whether a value of 0 is accepted for a value schedule. ``None`` means
        only for ``name="momentum"`` (momentum 0 is plain gradient descent; a
        learning rate of 0 never trains).

    Returns
    -------
    schedule : BaseSchedule
        ``value`` itself if it is a schedule of the right kind (not copied),
        otherwise a :class:`~skhp.schedules.Constant` or
        :class:`~skhp.schedules.ConstantBatchSize` holding the number.

    Raises
    ------
    TypeError
        If ``value`` is a schedule of the other kind, or neither a number of
        the right type nor a schedule.
    ValueError
        If a number is negative, zero (unless allowed) or not finite, or a
        batch size is below 1.
    """
    from skhp.schedules._batch_size import ConstantBatchSize
    from skhp.schedules._constant import Constant

    if kind not in SCHEDULE_KINDS:
        raise ValueError(
            f"kind must be one of {sorted(SCHEDULE_KINDS)}; got {kind!r} instead."
        )
    if isinstance(value, BaseSchedule):
        if value._schedule_kind != kind:
            raise TypeError(
                f"The {name!r} parameter takes a {SCHEDULE_KINDS[kind]} schedule; "
                f"got {value!r}, a {SCHEDULE_KINDS[value._schedule_kind]} "
                f"schedule, instead. {_as_schedule_fix(kind, name)}"
            )
        return value

    if kind == "batch_size":
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise TypeError(
                f"The {name!r} parameter must be an int or a batch-size schedule; "
                f"got {value!r} of type {type(value).__name__} instead. "
                f"{_as_schedule_fix(kind, name)}"
            )
        if value < 1:
            raise ValueError(
                f"The {name!r} parameter must be an int >= 1; got {value!r} "
                f"instead. Pass a positive batch size such as {name}=32."
            )
        return ConstantBatchSize(batch_size=int(value))

    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(
            f"The {name!r} parameter must be a float or a value schedule; got "
            f"{value!r} of type {type(value).__name__} instead. "
            f"{_as_schedule_fix(kind, name)}"
        )
    if allow_zero is None:
        allow_zero = name == "momentum"
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        rule = "a finite float >= 0" if allow_zero else "a finite float > 0"
        raise ValueError(
            f"The {name!r} parameter must be {rule}; got {value!r} instead. "
            f"Pass a {'non-negative' if allow_zero else 'positive'} number or a "
            "value schedule from skhp.schedules."
        )
    return Constant(value=float(value))


def _as_schedule_fix(kind, name):
    """The fix suggested when ``name`` gets the wrong type."""
    if kind == "batch_size":
        return (
            f"Pass an int such as {name}=32, or a batch-size schedule such as "
            "skhp.schedules.GeometricBatchSize()."
        )
    example = 0.9 if name == "momentum" else 0.001
    return (
        f"Pass a float such as {name}={example}, or a value schedule such as "
        "skhp.schedules.ExponentialDecay()."
    )


def _param_error(schedule, name, rule, value, exc=ValueError, fix=None):
    """Build the error for argument ``name`` of ``schedule`` breaking ``rule``."""
    cls = type(schedule).__name__
    if fix is None:
        default = type(schedule)().get_params(deep=False).get(name)
        fix = f"Pass a valid {name}, for example {cls}({name}={default!r}) (default)."
    return exc(
        f"The {name!r} parameter of {cls} must be {rule}; got {value!r} instead. {fix}"
    )


def _check_real(schedule, name, *, low=None, high=None, closed="both", fix=None):
    """Check that argument ``name`` is a finite real number in an interval.

    ``closed`` is one of ``"both"``, ``"left"``, ``"right"`` or ``"neither"``
    and says which ends belong to the interval. Returns the value as float.
    """
    value = getattr(schedule, name)
    rule = _interval_rule("a finite float", low, high, closed)
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise _param_error(schedule, name, rule, value, TypeError, fix)
    left_ok = (
        low is None or value > low or (value == low and closed in {"both", "left"})
    )
    right_ok = (
        high is None or value < high or (value == high and closed in {"both", "right"})
    )
    if not (math.isfinite(value) and left_ok and right_ok):
        raise _param_error(schedule, name, rule, value, ValueError, fix)
    return float(value)


def _check_int(schedule, name, *, low=None, high=None, allow_none=False, fix=None):
    """Check that argument ``name`` is an int in ``[low, high]`` (or None)."""
    value = getattr(schedule, name)
    rule = _interval_rule("an int", low, high, "both")
    if allow_none:
        if value is None:
            return None
        rule += " or None"
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise _param_error(schedule, name, rule, value, TypeError, fix)
    if (low is not None and value < low) or (high is not None and value > high):
        raise _param_error(schedule, name, rule, value, ValueError, fix)
    return int(value)


def _check_options(schedule, name, options, fix=None):
    """Check that argument ``name`` is one of the strings ``options``."""
    value = getattr(schedule, name)
    if not isinstance(value, str) or value not in options:
        rule = "one of " + ", ".join(repr(option) for option in options)
        raise _param_error(schedule, name, rule, value, ValueError, fix)
    return value


def _interval_rule(what, low, high, closed):
    """Describe an interval in words, such as ``a float in (0, 1]``."""
    if low is None and high is None:
        return what
    if high is None:
        return f"{what} {'>=' if closed in {'both', 'left'} else '>'} {low}"
    if low is None:
        return f"{what} {'<=' if closed in {'both', 'right'} else '<'} {high}"
    left = "[" if closed in {"both", "left"} else "("
    right = "]" if closed in {"both", "right"} else ")"
    return f"{what} in {left}{low}, {high}{right}"


def _run_argument_error(schedule, name, rule, value, fix, exc=ValueError):
    """Build the error for a bad argument of ``start`` or ``preview``."""
    cls = type(schedule).__name__
    return exc(
        f"The {name!r} argument of {cls}.start must be {rule}; got {value!r} "
        f"instead. {fix}"
    )


def _check_n_epochs(schedule, n_epochs):
    if not isinstance(n_epochs, numbers.Integral) or isinstance(n_epochs, bool):
        raise _run_argument_error(
            schedule,
            "n_epochs",
            "an int >= 1",
            n_epochs,
            "Pass the epoch budget, such as the estimator's max_iter.",
            TypeError,
        )
    if n_epochs < 1:
        raise _run_argument_error(
            schedule,
            "n_epochs",
            "an int >= 1",
            n_epochs,
            "Pass the epoch budget, such as the estimator's max_iter.",
        )
    return int(n_epochs)


def _check_n_samples(schedule, n_samples):
    if n_samples is None:
        return None
    fix = "Pass the number of training samples, or None."
    if not isinstance(n_samples, numbers.Integral) or isinstance(n_samples, bool):
        raise _run_argument_error(
            schedule, "n_samples", "an int >= 1 or None", n_samples, fix, TypeError
        )
    if n_samples < 1:
        raise _run_argument_error(
            schedule, "n_samples", "an int >= 1 or None", n_samples, fix
        )
    return int(n_samples)


def _check_bytes_per_sample(schedule, bytes_per_sample):
    if bytes_per_sample is None:
        return None
    fix = "Pass the memory one training sample costs, in bytes, or None."
    rule = "a finite float > 0 or None"
    if not isinstance(bytes_per_sample, numbers.Real) or isinstance(
        bytes_per_sample, bool
    ):
        raise _run_argument_error(
            schedule, "bytes_per_sample", rule, bytes_per_sample, fix, TypeError
        )
    if not (math.isfinite(bytes_per_sample) and bytes_per_sample > 0):
        raise _run_argument_error(
            schedule, "bytes_per_sample", rule, bytes_per_sample, fix
        )
    return float(bytes_per_sample)


def _check_monitored(schedule, monitored, n_epochs):
    """Check the losses replayed by ``preview``; return a float array or None."""
    if monitored is None:
        return None
    cls = type(schedule).__name__
    try:
        monitored = np.asarray(monitored, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"The 'monitored' argument of {cls}.preview must be a sequence of "
            f"floats; got {monitored!r} instead. Pass the loss of each epoch."
        ) from exc
    if monitored.ndim != 1 or len(monitored) not in {n_epochs - 1, n_epochs}:
        raise ValueError(
            f"The 'monitored' argument of {cls}.preview must be a 1-d sequence "
            f"of n_epochs - 1 or n_epochs losses (n_epochs={n_epochs}); got shape "
            f"{monitored.shape} instead. Pass one loss per epoch, or None."
        )
    return monitored
