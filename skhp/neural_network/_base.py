"""Shared training loop of the MLPWithSchedules estimators."""

import math
import numbers
import time
import warnings
from abc import ABC, abstractmethod
from itertools import pairwise
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from skhp._compat import (
    HasMethods,
    Interval,
    StrOptions,
    _check_sample_weight,
)
from skhp.neural_network._network import HIDDEN_ACTIVATIONS, _Network
from skhp.neural_network._solvers import (
    _SGD,
    _Adam,
    _DoG,
    add_scaled,
    chunk_scratch,
)
from skhp.schedules._base import as_schedule

#: ``verbose`` at or above this level prints one line per epoch.
VERBOSE_EPOCH = 1

#: The learning rate ``learning_rate="auto"`` resolves to, per solver. For the
#: parameter-free solver it is a multiplier of the step DoG sets itself.
DEFAULT_LEARNING_RATES = {"sgd": 0.01, "adam": 0.001, "parameter_free": 1.0}

#: Batch size of ``batch_size="auto"``, capped by the number of samples.
DEFAULT_BATCH_SIZE = 200

#: The values ``stop_reason_`` takes.
STOP_REASONS = (
    "max_iter",
    "no_improvement",
    "baseline_not_reached",
    "non_finite_loss",
    "partial_fit",
)


class BaseMLPWithSchedules(BaseEstimator, ABC):
    """Base class of the MLPWithSchedules classifier and regressor.

    Holds the parameters, their validation and the stochastic training loop.
    Subclasses set the output activation, turn ``y`` into a 2-d float target
    and score predictions.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(HIDDEN_ACTIVATIONS))],
        "solver": [StrOptions({"sgd", "adam", "parameter_free"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            HasMethods(["start"]),
        ],
        "learning_rate": [
            StrOptions({"auto"}),
            Interval(Real, 0, None, closed="neither"),
            HasMethods(["start"]),
        ],
        "momentum": [Interval(Real, 0, 1, closed="left"), HasMethods(["start"])],
        "nesterovs_momentum": ["boolean"],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "tol_mode": [StrOptions({"abs", "rel"})],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "validation_split": [StrOptions({"random", "last"})],
        "monitor": [
            StrOptions({"auto", "loss", "validation_loss", "validation_score"})
        ],
        "baseline": [Real, None],
        "restore_best_weights": ["boolean"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
    }

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes,
        activation,
        *,
        solver,
        alpha,
        batch_size,
        learning_rate,
        momentum,
        nesterovs_momentum,
        beta_2,
        epsilon,
        max_iter,
        shuffle,
        random_state,
        tol,
        tol_mode,
        n_iter_no_change,
        early_stopping,
        validation_fraction,
        validation_split,
        monitor,
        baseline,
        restore_best_weights,
        warm_start,
        verbose,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.tol_mode = tol_mode
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.validation_split = validation_split
        self.monitor = monitor
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.warm_start = warm_start
        self.verbose = verbose

    # -- hooks of the subclasses ---------------------------------------------

    @abstractmethod
    def _validate_input(self, X, y, incremental, reset):
        """Validate ``X`` and return it with ``y`` as a 2-d array of X's dtype."""

    @abstractmethod
    def _out_activation(self):
        """The output activation for the targets seen at initialization."""

    @abstractmethod
    def _score_output(self, output, y, sample_weight):
        """Accuracy or R² of the network ``output`` against encoded ``y``."""

    # -- validation ----------------------------------------------------------

    def _check_params(self, incremental):
        """Checks the constraint table cannot express; returns the run's settings.

        Returns the hidden layer sizes as a list and the learning-rate,
        momentum and batch-size schedules.
        """
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, numbers.Integral) else list(sizes)
        if not all(
            isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 1
            for s in sizes
        ):
            raise ValueError(
                "The 'hidden_layer_sizes' parameter must be an int >= 1 or a "
                f"sequence of ints >= 1; got {self.hidden_layer_sizes!r} instead. "
                "Pass the number of units of each hidden layer, e.g. (100,)."
            )
        if self.monitor.startswith("validation") and not self.early_stopping:
            raise ValueError(
                f"The 'monitor' parameter is {self.monitor!r}, which needs a "
                "validation set, but early_stopping=False. Set early_stopping=True "
                "or monitor='loss'."
            )
        if incremental and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: each call is one "
                "epoch on the data it is given. Set early_stopping=False."
            )

        learning_rate = self.learning_rate
        if isinstance(learning_rate, str):
            learning_rate = DEFAULT_LEARNING_RATES[self.solver]
        batch_size = self.batch_size
        if isinstance(batch_size, str):
            batch_size = DEFAULT_BATCH_SIZE
        schedules = {
            "learning_rate": as_schedule(learning_rate, "value", "learning_rate"),
            "momentum": as_schedule(self.momentum, "value", "momentum"),
            "batch_size": as_schedule(batch_size, "batch_size", "batch_size"),
        }
        return [int(s) for s in sizes], schedules

    def _monitored_name(self):
        """What early stopping, best weights and schedules watch."""
        if self.monitor != "auto":
            return self.monitor
        return "validation_loss" if self.early_stopping else "loss"

    # -- fitting -------------------------------------------------------------

    def _fit(self, X, y, sample_weight, incremental):
        hidden_sizes, schedules = self._check_params(incremental)
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, y = self._validate_input(X, y, incremental, reset=first_pass)
        if not first_pass and X.dtype != self.coefs_[0].dtype:
            X = X.astype(self.coefs_[0].dtype)
            y = y.astype(X.dtype)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)

        rng = check_random_state(self.random_state)
        layer_units = [X.shape[1], *hidden_sizes, y.shape[1]]
        if first_pass:
            self._initialize(layer_units, X.dtype, rng)
        else:
            self._check_architecture(layer_units)

        net = _Network(layer_units, self.activation, self.out_activation_, X.dtype)
        self._train(net, X, y, sample_weight, schedules, incremental, rng)
        return self

    def _initialize(self, layer_units, dtype, rng):
        """Draw the initial weights (Glorot uniform) and reset the fitted state."""
        self.n_outputs_ = layer_units[-1]
        self.n_layers_ = len(layer_units)
        self.out_activation_ = self._out_activation()
        factor = 2.0 if self.activation == "logistic" else 6.0
        self.coefs_, self.intercepts_ = [], []
        for fan_in, fan_out in pairwise(layer_units):
            bound = math.sqrt(factor / (fan_in + fan_out))
            coef = rng.uniform(-bound, bound, (fan_in, fan_out))
            intercept = rng.uniform(-bound, bound, fan_out)
            self.coefs_.append(coef.astype(dtype, copy=False))
            self.intercepts_.append(intercept.astype(dtype, copy=False))
        self.n_iter_ = 0
        self.t_ = 0
        # Stays None if the very first epoch diverges.
        self.loss_ = None
        for name in (
            "loss_curve_",
            "validation_scores_",
            "validation_loss_curve_",
            "learning_rate_curve_",
            "batch_size_curve_",
            "momentum_curve_",
        ):
            setattr(self, name, [])
        for name in ("_solver", "_schedule_states", "_stopper"):
            if hasattr(self, name):
                delattr(self, name)

    def _check_architecture(self, layer_units):
        """Refuse to continue training a network of another shape."""
        fitted = [self.coefs_[0].shape[0]] + [c.shape[1] for c in self.coefs_]
        if fitted != layer_units:
            raise ValueError(
                f"The network has layer sizes {fitted} but the data and "
                f"'hidden_layer_sizes' ask for {layer_units}. warm_start and "
                "partial_fit continue training the same architecture: keep "
                "hidden_layer_sizes and the number of features, or set "
                "warm_start=False."
            )

    def _split(self, X, y, sample_weight, rng):
        """Hold out the validation set when early stopping is on."""
        if not self.early_stopping:
            return (X, y, sample_weight), None
        n_samples = X.shape[0]
        if self.validation_split == "last":
            n_val = max(1, round(self.validation_fraction * n_samples))
            cut = n_samples - n_val
            train = (
                X[:cut],
                y[:cut],
                None if sample_weight is None else sample_weight[:cut],
            )
            val = (
                X[cut:],
                y[cut:],
                None if sample_weight is None else sample_weight[cut:],
            )
        else:
            stratify = None
            if is_classifier(self) and self.n_outputs_ == 1:
                stratify = y[:, 0]
            elif is_classifier(self) and self.out_activation_ == "softmax":
                stratify = y.argmax(axis=1)
            arrays = [X, y] if sample_weight is None else [X, y, sample_weight]
            try:
                parts = train_test_split(
                    *arrays,
                    test_size=self.validation_fraction,
                    random_state=rng,
                    stratify=stratify,
                )
            except ValueError:
                # Too few members in a class to stratify: fall back to random.
                parts = train_test_split(
                    *arrays, test_size=self.validation_fraction, random_state=rng
                )
            train = (
                parts[0],
                parts[2],
                parts[4] if sample_weight is not None else None,
            )
            val = (parts[1], parts[3], parts[5] if sample_weight is not None else None)
        if val[0].shape[0] < 2 or train[0].shape[0] < 1:
            raise ValueError(
                f"The validation set has {val[0].shape[0]} samples with "
                f"validation_fraction={self.validation_fraction} and "
                f"{n_samples} samples; it needs at least 2, and the training "
                "set at least 1. Increase validation_fraction or pass more data."
            )
        if val[2] is not None and not val[2].sum() > 0:
            raise ValueError(
                f"The sample weights of the validation set sum to {val[2].sum()}; "
                "they must have a positive sum for early stopping to score it. "
                "Give some validation rows a positive sample_weight, or change "
                "validation_fraction or validation_split."
            )
        train = tuple(None if a is None else np.ascontiguousarray(a) for a in train)
        return train, val

    def _start_schedules(self, schedules, incremental, n_train, net):
        """Fresh schedule states for fit; persistent ones for partial_fit."""
        if incremental and hasattr(self, "_schedule_states"):
            return self._schedule_states
        states = {}
        for name, schedule in schedules.items():
            run = {}
            if name == "batch_size":
                run = {
                    "n_samples": n_train,
                    "bytes_per_sample": float(net.bytes_per_sample()),
                }
            try:
                states[name] = schedule.start(self.max_iter, **run)
            except (TypeError, ValueError) as exc:
                # The schedule's message names its own argument only; the same
                # schedule class may be given to several estimator parameters.
                error = TypeError if isinstance(exc, TypeError) else ValueError
                raise error(
                    f"The {name!r} parameter holds an invalid schedule (its "
                    f"arguments are searchable as {name}__<argument>): {exc}"
                ) from exc
        if incremental:
            self._schedule_states = states
        elif hasattr(self, "_schedule_states"):
            del self._schedule_states
        return states

    def _make_solver(self, params, incremental):
        """The solver of this run; partial_fit keeps the previous one."""
        if incremental and hasattr(self, "_solver"):
            return self._solver
        if self.solver == "sgd":
            return _SGD(params.size, params.dtype, nesterov=self.nesterovs_momentum)
        if self.solver == "adam":
            return _Adam(
                params.size, params.dtype, beta_2=self.beta_2, epsilon=self.epsilon
            )
        return _DoG(params)

    def _epoch_settings(self, states, n_train):
        """Read this epoch's learning rate, momentum and batch size."""
        lr = float(states["learning_rate"].value)
        momentum = float(states["momentum"].value)
        batch_size = states["batch_size"].value
        if not (math.isfinite(lr) and lr >= 0):
            raise ValueError(
                f"The 'learning_rate' schedule gave {lr!r} at epoch "
                f"{states['learning_rate'].epoch}; a learning rate must be a "
                "finite float >= 0. Check the schedule's values with its preview()."
            )
        if not (0 <= momentum < 1):
            raise ValueError(
                f"The 'momentum' schedule gave {momentum!r} at epoch "
                f"{states['momentum'].epoch}; momentum must be in [0, 1). Check "
                "the schedule's values with its preview()."
            )
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(
                f"The 'batch_size' schedule gave {batch_size!r} at epoch "
                f"{states['batch_size'].epoch}; a batch size must be an int >= 1."
            )
        return lr, momentum, min(int(batch_size), n_train)

    def _train(self, net, X, y, sample_weight, schedules, incremental, rng):
        """Run the epochs of one fit or partial_fit call."""
        (X_tr, y_tr, sw_tr), val = self._split(X, y, sample_weight, rng)
        n_train = X_tr.shape[0]
        sw_total = float(n_train if sw_tr is None else sw_tr.sum())
        if not sw_total > 0:
            raise ValueError(
                "The sample weights of the training set sum to "
                f"{sw_total}; they must have a positive sum. Pass sample_weight "
                "with at least one positive weight."
            )

        if incremental and hasattr(self, "_solver"):
            params = self._solver.iterate
        else:
            params = net.pack(self.coefs_, self.intercepts_)
        # The estimator's weights become views of the training vector, so the
        # initial arrays are freed.
        self.coefs_, self.intercepts_ = (list(p) for p in net.unpack(params))
        solver = self._make_solver(params, incremental)
        grad, snapshot = np.empty_like(params), np.empty_like(params)
        states = self._start_schedules(schedules, incremental, n_train, net)
        stopper = self._get_stopper(incremental)
        self._warn_batch_size(n_train)

        stop_reason = "partial_fit" if incremental else "max_iter"
        model = solver.model_params(params)
        # Divergence is detected from the loss and reported once, below.
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(1 if incremental else self.max_iter):
                lr, momentum, batch_size = self._epoch_settings(states, n_train)
                tic = time.perf_counter()
                np.copyto(snapshot, model)
                loss = self._run_epoch(
                    net,
                    solver,
                    params,
                    grad,
                    (X_tr, y_tr, sw_tr),
                    (batch_size, lr, momentum),
                    rng,
                )
                model = solver.model_params(params)
                if not (math.isfinite(loss) and np.isfinite(model).all()):
                    # The solver is dropped below, so its iterate may be reset
                    # to the last finite model too.
                    params[...] = snapshot
                    model = snapshot
                    stop_reason = "non_finite_loss"
                    self._warn_non_finite(loss)
                    break

                self._record_epoch(loss, lr, momentum, batch_size, n_train)
                val_loss, val_score = self._validate_epoch(net, model, val)
                self._observe(stopper, states, loss, val_loss, val_score, model)
                self._print_epoch(lr, batch_size, loss, val_loss, val_score, tic)
                if not incremental and stopper.should_stop():
                    stop_reason = stopper.reason()
                    break

        self._finish(net, params, model, solver, stopper, stop_reason, incremental)

    def _run_epoch(self, net, solver, params, grad, train, settings, rng):
        """One epoch over the training data; returns its loss (NaN or inf: diverged).

        The loss is the weighted mean of the batch losses, each computed before
        its update, plus the L2 penalty at the end of the epoch.
        """
        X, y, sample_weight = train
        batch_size, lr, momentum = settings
        n_train = X.shape[0]
        sw_total = float(n_train if sample_weight is None else sample_weight.sum())
        net.reserve(batch_size, X.shape[1], y.shape[1], sample_weight is not None)
        param_views, grad_views = net.unpack(params), net.unpack(grad)
        coef_params = params[: net.n_coef_params]
        coef_grad = grad[: net.n_coef_params]
        l2_scale = self.alpha / sw_total
        order = rng.permutation(n_train) if self.shuffle else None
        chunk = chunk_scratch(params.dtype)

        loss_sum = 0.0
        for start in range(0, n_train, batch_size):
            stop = min(start + batch_size, n_train)
            Xb, yb, swb = self._batch(net, X, y, sample_weight, order, start, stop)
            batch_loss = net.loss_and_gradient(param_views, grad_views, Xb, yb, swb)
            if not math.isfinite(batch_loss):
                return batch_loss
            loss_sum += batch_loss
            if self.alpha > 0:
                add_scaled(coef_grad, coef_params, l2_scale, chunk)
            solver.step(params, grad, lr, momentum)

        penalty = 0.5 * l2_scale * float(np.dot(coef_params, coef_params))
        return loss_sum / sw_total + penalty

    def _record_epoch(self, loss, lr, momentum, batch_size, n_train):
        """Append a finished epoch to the fitted curves."""
        self.n_iter_ += 1
        self.t_ += n_train
        self.loss_ = loss
        self.loss_curve_.append(loss)
        self.learning_rate_curve_.append(lr)
        self.momentum_curve_.append(momentum)
        self.batch_size_curve_.append(batch_size)

    def _observe(self, stopper, states, loss, val_loss, val_score, model):
        """Feed the monitored value to the early stopper and the schedules."""
        name = self._monitored_name()
        monitored = {
            "loss": loss,
            "validation_loss": val_loss,
            "validation_score": val_score,
        }[name]
        stopper.observe(
            monitored,
            epoch=self.n_iter_ - 1,
            params=model,
            loss=loss if name == "loss" else val_loss,
            score=val_score,
        )
        # Schedules expect a loss (lower is better), so a score is negated.
        signed = -monitored if name == "validation_score" else monitored
        for state in states.values():
            state.update(signed)
        return monitored

    def _batch(self, net, X, y, sample_weight, order, start, stop):
        """The rows ``start:stop`` of the epoch: views, or gathered copies.

        With shuffling, the rows are gathered with ``np.take`` into buffers
        allocated once per fit: no per-batch allocation, and no shuffled copy
        of the whole training set (which would raise the peak memory by the
        size of ``X``).
        """
        if order is None:
            swb = None if sample_weight is None else sample_weight[start:stop]
            return X[start:stop], y[start:stop], swb
        idx = order[start:stop]
        n = stop - start
        Xb = np.take(X, idx, axis=0, out=net.X_buffer[:n], mode="clip")
        yb = np.take(y, idx, axis=0, out=net.y_buffer[:n], mode="clip")
        swb = None
        if sample_weight is not None:
            swb = np.take(sample_weight, idx, out=net.sw_buffer[:n], mode="clip")
        return Xb, yb, swb

    def _validate_epoch(self, net, model, val):
        """Validation loss and score of the model at the end of an epoch."""
        if val is None:
            return None, None
        X_val, y_val, sw_val = val
        coefs, intercepts = net.unpack(model)
        z = net.raw_output(coefs, intercepts, X_val)
        loss = net.mean_loss(z, y_val, sw_val)
        score = self._score_output(net.activate_output(z), y_val, sw_val)
        self.validation_loss_curve_.append(loss)
        self.validation_scores_.append(score)
        return loss, score

    def _get_stopper(self, incremental):
        if incremental and hasattr(self, "_stopper"):
            return self._stopper
        stopper = _EarlyStopper(
            mode="max" if self._monitored_name() == "validation_score" else "min",
            tol=self.tol,
            tol_mode=self.tol_mode,
            patience=self.n_iter_no_change,
            baseline=self.baseline,
            keep_best=self.restore_best_weights,
        )
        if incremental:
            self._stopper = stopper
        elif hasattr(self, "_stopper"):
            # As the schedules, the early-stopping state restarts with fit.
            del self._stopper
        return stopper

    def _finish(self, net, params, model, solver, stopper, stop_reason, incremental):
        """Store the weights, the solver and the best-epoch attributes."""
        if (
            not incremental
            and self.restore_best_weights
            and stopper.best_params is not None
            and stopper.best_epoch != self.n_iter_ - 1
        ):
            if solver.model_params(params) is params:
                # SGD and Adam predict with their iterate: continuing training
                # (partial_fit) starts from the restored weights. DoG keeps
                # its own iterate and restores its average only.
                params[...] = stopper.best_params
            else:
                model = stopper.best_params
        # No copy: like scikit-learn's, the weights are updated in place by a
        # later partial_fit.
        self.coefs_, self.intercepts_ = (list(p) for p in net.unpack(model))
        solver.iterate = params
        if stop_reason == "non_finite_loss":
            # The solver's moments may hold non-finite values; start afresh.
            if hasattr(self, "_solver"):
                del self._solver
        else:
            self._solver = solver
        self.stop_reason_ = stop_reason
        self.best_epoch_ = stopper.best_epoch
        self.best_loss_ = stopper.best_loss
        self.best_validation_score_ = stopper.best_score
        if stop_reason == "max_iter":
            warnings.warn(
                f"Stochastic optimizer: maximum iterations ({self.max_iter}) "
                "reached and the optimization hasn't converged yet. Increase "
                "max_iter, or stop earlier with n_iter_no_change and tol.",
                ConvergenceWarning,
                stacklevel=6,
            )

    def _warn_batch_size(self, n_train):
        size = self.batch_size
        if isinstance(size, numbers.Integral) and size > n_train:
            warnings.warn(
                f"batch_size={size} is larger than the {n_train} training samples; "
                f"using batches of {n_train}.",
                UserWarning,
                stacklevel=6,
            )

    def _warn_non_finite(self, loss):
        warnings.warn(
            f"Training stopped at epoch {self.n_iter_ + 1}: the training loss "
            f"became {loss} (the weights diverged). The model keeps finite "
            "weights: those of the best epoch with restore_best_weights=True, "
            "else those of the last epoch with a finite loss. Lower the "
            "learning rate, or scale the input (e.g. with StandardScaler).",
            ConvergenceWarning,
            stacklevel=6,
        )

    def _print_epoch(self, lr, batch_size, loss, val_loss, val_score, tic):
        if self.verbose < VERBOSE_EPOCH:
            return
        parts = [f"Epoch {self.n_iter_}", f"loss = {loss:.6f}"]
        if val_loss is not None:
            parts.append(f"validation loss = {val_loss:.6f}")
            parts.append(f"validation score = {val_score:.6f}")
        parts.append(f"learning rate = {lr:.4g}")
        parts.append(f"batch size = {batch_size}")
        parts.append(f"time = {time.perf_counter() - tic:.3f}s")
        print(", ".join(parts))

    # -- prediction ----------------------------------------------------------

    def _forward(self, X):
        """Network output for validated ``X``."""
        check_is_fitted(self)
        X = validate_data(
            self, X, dtype=(np.float64, np.float32), reset=False, order="C"
        )
        dtype = self.coefs_[0].dtype
        layer_units = [self.coefs_[0].shape[0]] + [c.shape[1] for c in self.coefs_]
        net = _Network(layer_units, self.activation, self.out_activation_, dtype)
        return net.output(self.coefs_, self.intercepts_, X.astype(dtype, copy=False))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class _EarlyStopper:
    """Patience, min delta, baseline and best weights for one monitored value.

    An epoch improves when its value beats the best so far by more than the
    min delta: ``tol`` itself (``tol_mode="abs"``) or ``tol`` times the
    magnitude of the best (``tol_mode="rel"``). The best value, epoch and
    weights change only on improvement. With a ``baseline``, the best starts
    at the baseline, so epochs that do not beat it count as no improvement.
    Training stops once ``patience`` consecutive epochs did not improve.
    """

    def __init__(self, *, mode, tol, tol_mode, patience, baseline, keep_best):
        self.sign = 1.0 if mode == "min" else -1.0
        self.tol = tol
        self.tol_mode = tol_mode
        self.patience = patience
        self.baseline = baseline
        self.keep_best = keep_best
        # Internally lower is better: scores are negated.
        self.best = math.inf if baseline is None else self.sign * baseline
        self.best_epoch = None
        self.best_params = None
        self.best_loss = None
        self.best_score = None
        self.n_bad_epochs = 0

    def observe(self, value, *, epoch, params, loss, score):
        """Record an epoch's monitored value; return whether it improved.

        ``loss`` and ``score`` are the epoch's loss (training or validation, as
        monitored) and validation score, kept as ``best_loss`` and
        ``best_score`` when the epoch improves.
        """
        value = self.sign * value
        if math.isfinite(self.best):
            delta = self.tol if self.tol_mode == "abs" else self.tol * abs(self.best)
        else:
            delta = 0.0
        improved = value < self.best - delta
        if improved:
            self.best = value
            self.best_epoch = epoch
            self.best_loss = loss
            self.best_score = score
            self.n_bad_epochs = 0
            if self.keep_best:
                if self.best_params is None:
                    self.best_params = params.copy()
                else:
                    self.best_params[...] = params
        else:
            self.n_bad_epochs += 1
        return improved

    def should_stop(self):
        return self.patience is not None and self.n_bad_epochs >= self.patience

    def reason(self):
        if self.best_epoch is None and self.baseline is not None:
            return "baseline_not_reached"
        return "no_improvement"
