"""MLPWithSchedulesClassifier and MLPWithSchedulesRegressor."""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import column_or_1d
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from skhp._compat import _check_partial_fit_first_call, _fit_context
from skhp.neural_network._base import BaseMLPWithSchedules

_SHARED_PARAMETERS = """\
    hidden_layer_sizes : int or array-like of int, default=(100,)
        Number of units of each hidden layer.

    activation : {"relu", "tanh", "logistic", "identity"}, default="relu"
        Activation of the hidden layers.

    solver : {"adam", "sgd", "parameter_free"}, default="adam"
        The stochastic optimizer.

        - "adam": Adam (Kingma & Ba, 2015); ``momentum`` is its ``beta_1``.
        - "sgd": stochastic gradient descent with ``momentum`` (Nesterov's if
          ``nesterovs_momentum``).
        - "parameter_free": DoG (Ivgi, Hinder & Carmon, 2023), which sets its
          own step size, with the polynomial-decay iterate averaging its authors
          call essential; the model is the averaged iterate. ``learning_rate``
          multiplies DoG's step (1 by default) and ``momentum`` is unused.
          The first step moves the weights by a thousandth of their norm
          (the authors use a millionth), so that short budgets are not spent
          growing the step.

    alpha : float, default=1e-4
        Strength of the L2 penalty ``alpha / (2 n) * ||W||^2`` added to the
        mean loss over the ``n`` training samples (the sum of their weights).
        The penalty is that of the full-data objective whatever the batch
        size, so it does not change when a schedule grows the batch.

    batch_size : int, "auto" or batch-size schedule, default="auto"
        Samples per mini-batch: an int, ``"auto"`` (``min(200, n_samples)``) or
        a schedule from :mod:`skhp.schedules` of the batch-size kind, read
        once per epoch. Capped by the number of training samples.

    learning_rate : float, "auto" or value schedule, default="auto"
        Step size: a float or a value schedule from :mod:`skhp.schedules`,
        read once per epoch. ``"auto"`` is 0.001 for "adam", 0.01 for "sgd"
        and a multiplier of 1 for "parameter_free".

    momentum : float or value schedule, default=0.9
        Momentum of "sgd" and first-moment decay ``beta_1`` of "adam", in
        [0, 1): a float or a value schedule (e.g. cycled inversely to the
        learning rate in a one-cycle policy).

    nesterovs_momentum : bool, default=True
        Whether "sgd" uses Nesterov's momentum.

    beta_2 : float, default=0.999
        Second-moment decay of "adam", in [0, 1).

    epsilon : float, default=1e-8
        Added to the denominator of "adam" for numerical stability.

    max_iter : int, default=200
        The epoch budget: the number of passes over the training data, and
        the ``n_epochs`` given to the schedules. A
        :class:`~sklearn.exceptions.ConvergenceWarning` is raised when it is
        reached.

    shuffle : bool, default=True
        Whether to shuffle the training samples at each epoch.

    random_state : int, RandomState instance or None, default=None
        Drives the initial weights, the validation split and the shuffling.
        Pass an int for reproducible results.

    tol : float, default=1e-4
        Minimum improvement of the monitored value for an epoch to count as
        an improvement; see ``tol_mode``.

    tol_mode : {"abs", "rel"}, default="abs"
        ``"abs"``: an epoch improves when it beats the best value so far by
        more than ``tol``. ``"rel"``: by more than ``tol`` times the magnitude
        of the best value.

    n_iter_no_change : int or None, default=10
        Patience: training stops after exactly this many consecutive epochs
        without improvement. ``None`` never stops before ``max_iter``.

    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the training data as a
        validation set. The validation loss is then monitored by default.

    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping=True``.

    validation_split : {"random", "last"}, default="random"
        How the validation set is taken: ``"random"`` draws it at random
        (stratified for single-output classification); ``"last"`` takes the
        last rows, for time-ordered data, so that no future row is trained on
        while an earlier one is validated on.

    monitor : {"auto", "loss", "validation_loss", "validation_score"}, \
            default="auto"
        The value patience, best weights and plateau-driven schedules watch.
        ``"auto"`` is the validation loss with ``early_stopping`` and the
        training loss otherwise. The validation ones need ``early_stopping``.

    baseline : float, default=None
        A level the monitored value must beat: epochs that do not beat it
        count as no improvement, so training stops after
        ``n_iter_no_change`` epochs if it is never reached.

    restore_best_weights : bool, default=True
        Whether, at the end of ``fit`` (whatever stopped it), the weights of
        the best epoch by the monitored value replace those of the last
        epoch. This also holds when the training loss is monitored; the
        weights kept are those at the end of the best epoch, while its loss
        is the mean over the epoch's batches.

    warm_start : bool, default=False
        Whether ``fit`` continues from the previous solution instead of
        initializing new weights. The schedules restart with each ``fit``.

    verbose : int, default=0
        Verbosity: at 1 or more, one line per epoch with the loss, validation
        loss and score, learning rate, batch size and time.
"""

_SHARED_ATTRIBUTES = """\
    loss_ : float or None
        Training loss of the last epoch; None if the first epoch diverged.

    best_loss_ : float or None
        Monitored loss at the best epoch: the training loss, or the
        validation loss with ``early_stopping``. None if no epoch improved.

    best_epoch_ : int or None
        Index in ``loss_curve_`` of the best epoch by the monitored value;
        None if no epoch improved (e.g. ``baseline`` never beaten).

    stop_reason_ : str
        Why training stopped: ``"max_iter"``, ``"no_improvement"``,
        ``"baseline_not_reached"``, ``"non_finite_loss"`` or
        ``"partial_fit"``.

    loss_curve_ : list of float
        Training loss (data loss plus L2 penalty) of each epoch.

    validation_scores_ : list of float
        Validation score of each epoch (empty without ``early_stopping``).

    validation_loss_curve_ : list of float
        Validation loss (without penalty) of each epoch, with
        ``early_stopping``.

    best_validation_score_ : float or None
        Validation score at the best epoch, with ``early_stopping``.

    learning_rate_curve_ : list of float
        Learning rate (multiplier for "parameter_free") of each epoch.

    batch_size_curve_ : list of int
        Batch size of each epoch.

    momentum_curve_ : list of float
        Momentum (``beta_1`` for "adam") of each epoch.

    t_ : int
        Number of training samples seen by the solver.

    n_iter_ : int
        Number of epochs run since the weights were initialized; warm-started
        fits and ``partial_fit`` calls add up, so it is ``len(loss_curve_)``.

    coefs_ : list of ndarray
        Weight matrix of each layer, of the input's dtype (float32 or
        float64).

    intercepts_ : list of ndarray
        Bias vector of each layer.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        Name of the output activation.
"""

_SHARED_NOTES = """\
    Training is a loop over epochs. At the start of each, the learning rate,
    momentum and batch size are read from their schedules (a number is a
    constant schedule); at its end the monitored value is passed to the
    schedules (negated for a score, so lower is better), so plateau-driven
    schedules react to it.

    The whole network lives in one contiguous parameter vector, so a solver
    step is a few vectorized passes; the forward and backward passes write
    into buffers allocated once per fit. float32 input is trained in float32
    (weights, gradients, solver state), float64 input in float64.

    If the loss becomes NaN or infinite, training stops with a
    :class:`~sklearn.exceptions.ConvergenceWarning` and the weights of the
    last epoch with a finite loss are kept, so the model never holds
    non-finite weights.
"""

_REFERENCES = """\
    .. [1] Kingma, D. P. & Ba, J. (2015). Adam: A method for stochastic
       optimization. ICLR.
    .. [2] Ivgi, M., Hinder, O. & Carmon, Y. (2023). DoG is SGD's best
       friend: a parameter-free dynamic step size schedule. ICML.
    .. [3] Shamir, O. & Zhang, T. (2013). Stochastic gradient descent for
       non-smooth optimization: convergence results and optimal averaging
       schemes. ICML.
"""


def _fill_docstring(cls):
    """Insert the shared parameter, attribute and notes text into a docstring."""
    # Each placeholder line becomes the shared text and the blank line that
    # separates numpydoc sections.
    cls.__doc__ = (
        cls.__doc__.replace("    %(parameters)s\n", _SHARED_PARAMETERS + "\n")
        .replace("    %(attributes)s\n", _SHARED_ATTRIBUTES + "\n")
        .replace("    %(notes)s\n", _SHARED_NOTES + "\n")
        .replace("    %(references)s\n", _REFERENCES + "\n")
    )
    return cls


@_fill_docstring
class MLPWithSchedulesClassifier(ClassifierMixin, BaseMLPWithSchedules):
    """Multi-layer perceptron classifier trained with schedules.

    A numpy MLP minimizing the log-loss (softmax output for multi-class,
    sigmoid for binary and multi-label targets) with Adam, SGD or the
    parameter-free DoG solver. The learning rate, momentum and batch size
    each take a number or a schedule from :mod:`skhp.schedules`; early
    stopping has exact patience, a min delta, a baseline and best-weight
    restoration.

    Read more in the :ref:`User Guide <mlp_with_schedules>`.

    Parameters
    ----------
    %(parameters)s
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels; for multi-label targets, the indicator columns.

    %(attributes)s
    See Also
    --------
    sklearn.neural_network.MLPClassifier : The MLP classifier of scikit-learn.
    MLPWithSchedulesRegressor : The regressor counterpart.

    Notes
    -----
    %(notes)s
    References
    ----------
    %(references)s
    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skhp.neural_network import MLPWithSchedulesClassifier
    >>> from skhp.schedules import ExponentialDecay
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> clf = MLPWithSchedulesClassifier(
    ...     hidden_layer_sizes=(16,),
    ...     learning_rate=ExponentialDecay(initial_value=0.01, decay=0.9),
    ...     max_iter=300,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> clf.stop_reason_
    'no_improvement'
    >>> [round(lr, 6) for lr in clf.learning_rate_curve_[:3]]
    [0.01, 0.009, 0.0081]
    >>> clf.predict_proba(X[:1]).shape
    (1, 2)
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=1e-4,
        batch_size="auto",
        learning_rate="auto",
        momentum=0.9,
        nesterovs_momentum=True,
        beta_2=0.999,
        epsilon=1e-8,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        tol_mode="abs",
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        validation_split="random",
        monitor="auto",
        baseline=None,
        restore_best_weights=True,
        warm_start=False,
        verbose=0,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            beta_2=beta_2,
            epsilon=epsilon,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            tol_mode=tol_mode,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            validation_split=validation_split,
            monitor=monitor,
            baseline=baseline,
            restore_best_weights=restore_best_weights,
            warm_start=warm_start,
            verbose=verbose,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data; float32 input is trained in float32.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a label-indicator matrix for multi-label targets.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; the loss is their weighted mean.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Run one epoch over the given data.

        The schedules advance by one epoch per call; the early-stopping rules
        are tracked but never stop training.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target classes.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        classes : array-like of shape (n_classes,), default=None
            All the classes, required on the first call (ignored after).

        Returns
        -------
        self : object
            The updated estimator.
        """
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
        return self._fit(X, y, sample_weight, incremental=True)

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            multi_output=True,
            dtype=(np.float64, np.float32),
            order="C",
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same "
                        f"classes as in the previous call to fit. Previously got "
                        f"{self.classes_}, `y` has {classes}."
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. `y` has {classes}."
                )
        return X, self._label_binarizer.transform(y).astype(X.dtype)

    def _out_activation(self):
        if self._label_binarizer.y_type_ == "multiclass":
            return "softmax"
        return "logistic"

    def _score_output(self, output, y, sample_weight):
        if self.out_activation_ == "softmax":
            correct = output.argmax(axis=1) == y.argmax(axis=1)
        else:
            correct = np.all((output > 0.5) == (y > 0.5), axis=1)
        return float(np.average(correct, weights=sample_weight))

    def predict(self, X):
        """Predict the classes of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes.
        """
        output = self._forward(X)
        if self.n_outputs_ == 1:
            output = output.ravel()
        return self._label_binarizer.inverse_transform(output)

    def predict_proba(self, X):
        """Probability estimates of the classes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            The probability of each class, in the order of ``classes_``.
        """
        output = self._forward(X)
        if self.n_outputs_ == 1:
            output = output.ravel()
            return np.column_stack([1 - output, output])
        return output

    def predict_log_proba(self, X):
        """Logarithm of the probability estimates of the classes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            The log-probability of each class, in the order of ``classes_``.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


@_fill_docstring
class MLPWithSchedulesRegressor(RegressorMixin, BaseMLPWithSchedules):
    """Multi-layer perceptron regressor trained with schedules.

    A numpy MLP minimizing half the squared error (identity output, one or
    several targets) with Adam, SGD or the parameter-free DoG solver. The
    learning rate, momentum and batch size each take a number or a schedule
    from :mod:`skhp.schedules`; early stopping has exact patience, a min
    delta, a baseline and best-weight restoration.

    Read more in the :ref:`User Guide <mlp_with_schedules>`.

    Parameters
    ----------
    %(parameters)s
    Attributes
    ----------
    %(attributes)s
    See Also
    --------
    sklearn.neural_network.MLPRegressor : The MLP regressor of scikit-learn.
    MLPWithSchedulesClassifier : The classifier counterpart.

    Notes
    -----
    %(notes)s
    References
    ----------
    %(references)s
    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skhp.neural_network import MLPWithSchedulesRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    >>> reg = MLPWithSchedulesRegressor(
    ...     hidden_layer_sizes=(32,),
    ...     solver="parameter_free",
    ...     batch_size=16,
    ...     max_iter=200,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> reg.stop_reason_
    'no_improvement'
    >>> round(reg.score(X, y), 3)
    1.0
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=1e-4,
        batch_size="auto",
        learning_rate="auto",
        momentum=0.9,
        nesterovs_momentum=True,
        beta_2=0.999,
        epsilon=1e-8,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        tol_mode="abs",
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        validation_split="random",
        monitor="auto",
        baseline=None,
        restore_best_weights=True,
        warm_start=False,
        verbose=0,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            beta_2=beta_2,
            epsilon=epsilon,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            tol_mode=tol_mode,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            validation_split=validation_split,
            monitor=monitor,
            baseline=baseline,
            restore_best_weights=restore_best_weights,
            warm_start=warm_start,
            verbose=verbose,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data; float32 input is trained in float32.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; the loss is their weighted mean.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch over the given data.

        The schedules advance by one epoch per call; the early-stopping rules
        are tracked but never stop training.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            multi_output=True,
            y_numeric=True,
            dtype=(np.float64, np.float32),
            order="C",
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        y = y.reshape(len(y), -1) if y.ndim == 1 else y
        return X, np.ascontiguousarray(y, dtype=X.dtype)

    def _out_activation(self):
        return "identity"

    def _score_output(self, output, y, sample_weight):
        return float(r2_score(y, output, sample_weight=sample_weight))

    def predict(self, X):
        """Predict the targets of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        check_is_fitted(self)
        output = self._forward(X)
        return output.ravel() if self.n_outputs_ == 1 else output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
