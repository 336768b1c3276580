"""Run value schedules one after another, switching at epoch milestones."""

import itertools
import numbers

from skhp.schedules._base import (
    BaseSchedule,
    _param_error,
    _RunContext,
    _ScheduleState,
)


class Chain(BaseSchedule):
    """Run value schedules one after another, switching at epoch milestones.

    The first schedule runs from epoch 0 until ``milestones[0]``, the second
    until ``milestones[1]``, and so on; the last runs to the end. Each
    schedule counts epochs from its own start and gets the length of its
    segment as its epoch budget, so a cosine annealing after a warm-up spans
    exactly the remaining epochs. A segment that starts beyond the budget gets
    a budget of one epoch.

    The schedules are named, as the steps of a scikit-learn ``Pipeline``, and
    their arguments are nested parameters: ``Chain(schedules=[("warmup",
    LinearWarmup()), ("cosine", CosineAnnealing())], ...)`` exposes
    ``warmup__end_value`` and ``cosine__max_value``, and an MLP with this chain
    as ``learning_rate`` exposes ``learning_rate__cosine__max_value`` to
    searches.

    Parameters
    ----------
    schedules : list of (str, schedule) tuples, default=None
        The named value schedules, in the order they run. Names must be
        unique, must not contain ``"__"`` and must not be ``"schedules"`` or
        ``"milestones"``. ``None`` means a single :class:`Constant`.
    milestones : list of int, default=None
        The epochs at which the second, third, ... schedule starts: strictly
        increasing ints >= 1, one fewer than the schedules. ``None`` means no
        milestone (allowed with a single schedule).

    See Also
    --------
    LinearWarmup : The usual first link.
    CosineAnnealing : The usual second link.

    Examples
    --------
    >>> from skhp.schedules import Chain, CosineAnnealing, LinearWarmup
    >>> warmup_cosine = Chain(
    ...     schedules=[
    ...         ("warmup", LinearWarmup(start_value=0.0, end_value=1.0,
    ...                                 warmup_epochs=2)),
    ...         ("cosine", CosineAnnealing(max_value=1.0)),
    ...     ],
    ...     milestones=[2],
    ... )
    >>> warmup_cosine.preview(6).round(3)
    array([0.   , 0.5  , 1.   , 0.854, 0.5  , 0.146])
    >>> warmup_cosine.set_params(cosine__max_value=0.5).preview(4)
    array([0.  , 0.5 , 0.5 , 0.25])
    """

    _schedule_kind = "value"

    def __init__(self, schedules=None, milestones=None):
        self.schedules = schedules
        self.milestones = milestones

    def get_params(self, deep=True):
        """Get the parameters, with each named schedule's as nested ones.

        Parameters
        ----------
        deep : bool, default=True
            If True, also return each schedule under its name and its
            parameters as ``<name>__<parameter>``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = super().get_params(deep=False)
        if not deep or not _is_named_list(self.schedules):
            return params
        for name, schedule in self.schedules:
            params[name] = schedule
            if hasattr(schedule, "get_params"):
                for key, value in schedule.get_params(deep=True).items():
                    params[f"{name}__{key}"] = value
        return params

    def set_params(self, **params):
        """Set parameters, replace named schedules or set their parameters.

        Parameters
        ----------
        **params : dict
            ``schedules``, ``milestones``, a schedule's name (replaces that
            schedule) or ``<name>__<parameter>``.

        Returns
        -------
        self : Chain
            This chain.
        """
        if "schedules" in params:
            self.schedules = params.pop("schedules")
        names = (
            [name for name, _ in self.schedules]
            if _is_named_list(self.schedules)
            else []
        )
        replaced = {name: params.pop(name) for name in list(params) if name in names}
        if replaced:
            self.schedules = [
                (name, replaced.get(name, schedule))
                for name, schedule in self.schedules
            ]
        return super().set_params(**params)

    def _validate(self, context):
        self._segments(context)

    def _segments(self, context):
        """Validate and return ``[(start_epoch, budget, schedule), ...]``."""
        schedules = self._checked_schedules()
        milestones = self._checked_milestones(len(schedules))
        starts = [0, *milestones]
        ends = [*milestones, max(context.n_epochs, starts[-1] + 1)]
        segments = []
        for (_, schedule), start, end in zip(schedules, starts, ends, strict=True):
            budget = max(1, min(end, context.n_epochs) - start)
            schedule_context = _RunContext(
                budget, context.n_samples, context.bytes_per_sample
            )
            schedule._validate(schedule_context)
            segments.append((start, schedule_context, schedule))
        return segments

    def _checked_schedules(self):
        from skhp.schedules._constant import Constant

        if self.schedules is None:
            return [("constant", Constant())]
        rule = "a non-empty list of (name, value schedule) tuples"
        if not _is_named_list(self.schedules) or not self.schedules:
            raise _param_error(
                self,
                "schedules",
                rule,
                self.schedules,
                TypeError,
                fix='Pass for example [("warmup", LinearWarmup()), '
                '("cosine", CosineAnnealing())].',
            )
        names = [name for name, _ in self.schedules]
        for name, schedule in self.schedules:
            self._check_step(name, schedule, names)
        return list(self.schedules)

    def _check_step(self, name, schedule, names):
        """Check one named schedule of the chain."""
        if "__" in name or name in {"schedules", "milestones"} or not name:
            raise _param_error(
                self,
                "schedules",
                "named without '__', not empty and not 'schedules' or 'milestones'",
                name,
                fix="Rename the schedule, for example to 'warmup' or 'decay'.",
            )
        if names.count(name) > 1:
            raise _param_error(
                self,
                "schedules",
                "a list with unique names",
                names,
                fix=f"Rename one of the schedules named {name!r}.",
            )
        if not isinstance(schedule, BaseSchedule) or schedule._schedule_kind != "value":
            raise _param_error(
                self,
                "schedules",
                "a list of value schedules from skhp.schedules",
                schedule,
                TypeError,
                fix=f"Replace the schedule named {name!r} by a value schedule "
                "such as ExponentialDecay(); batch-size schedules cannot be chained.",
            )

    def _checked_milestones(self, n_schedules):
        milestones = [] if self.milestones is None else self.milestones
        rule = (
            f"a strictly increasing list of {n_schedules - 1} int(s) >= 1 "
            f"(one fewer than the {n_schedules} schedule(s))"
        )
        fix = "Pass the epoch at which each schedule after the first starts."
        try:
            milestones = list(milestones)
        except TypeError:
            raise _param_error(
                self, "milestones", rule, self.milestones, TypeError, fix
            ) from None
        valid = (
            len(milestones) == n_schedules - 1
            and all(
                isinstance(epoch, numbers.Integral) and not isinstance(epoch, bool)
                for epoch in milestones
            )
            and all(epoch >= 1 for epoch in milestones)
            and all(a < b for a, b in itertools.pairwise(milestones))
        )
        if not valid:
            raise _param_error(self, "milestones", rule, self.milestones, fix=fix)
        return [int(epoch) for epoch in milestones]

    def _make_state(self, context):
        return _ChainState(context, self._segments(context))


def _is_named_list(schedules):
    """Whether ``schedules`` is a list or tuple of (str, object) pairs."""
    return isinstance(schedules, list | tuple) and all(
        isinstance(step, tuple) and len(step) == 2 and isinstance(step[0], str)
        for step in schedules
    )


class _ChainState(_ScheduleState):
    """The states of the chained schedules and which one is running."""

    def __init__(self, context, segments):
        super().__init__(context)
        self._starts = [start for start, _, _ in segments]
        self._states = [
            schedule._make_state(schedule_context)
            for _, schedule_context, schedule in segments
        ]
        self._active = 0

    def _compute(self):
        return self._states[self._active].value

    def _observe(self, monitored):
        self._states[self._active].update(monitored)
        next_epoch = self.epoch + 1
        if (
            self._active + 1 < len(self._starts)
            and next_epoch >= self._starts[self._active + 1]
        ):
            self._active += 1
