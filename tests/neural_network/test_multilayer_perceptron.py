"""Tests of MLPWithSchedulesClassifier and MLPWithSchedulesRegressor."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skhp import (
    BayesianSearchCV,
    EvolutionarySearchCV,
    MLPWithSchedulesClassifier,
    MLPWithSchedulesRegressor,
)
from skhp.neural_network._base import _EarlyStopper
from skhp.schedules import (
    ConstantBatchSize,
    ExponentialDecay,
    GeometricBatchSize,
    GrowBatchSizeOnPlateau,
    OneCycle,
    ReduceOnPlateau,
    StepDecay,
)
from skhp.space import Real


@pytest.fixture
def clf_data():
    return make_classification(
        n_samples=120, n_features=6, n_informative=4, random_state=0
    )


@pytest.fixture
def reg_data():
    X, y = make_regression(n_samples=120, n_features=5, noise=1.0, random_state=0)
    return X, y / y.std()


def _fit_quietly(estimator, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(*args, **kwargs)


def _small(cls, **params):
    defaults = dict(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    return cls(**{**defaults, **params})


# -- solvers and targets -------------------------------------------------------


@pytest.mark.parametrize("solver", ["sgd", "adam", "parameter_free"])
@pytest.mark.parametrize("cls", [MLPWithSchedulesClassifier, MLPWithSchedulesRegressor])
def test_each_solver_reduces_the_loss(solver, cls, clf_data, reg_data):
    """Every solver lowers the training loss over a few epochs."""
    X, y = clf_data if cls is MLPWithSchedulesClassifier else reg_data
    est = _fit_quietly(
        _small(cls, solver=solver, batch_size=16, n_iter_no_change=None), X, y
    )
    assert est.loss_curve_[-1] < 0.8 * est.loss_curve_[0]
    assert est.n_iter_ == len(est.loss_curve_) == 20


def test_multiclass_multilabel_and_multioutput(reg_data):
    """Softmax for multi-class, sigmoid for multi-label, identity for regression."""
    X, y = make_classification(
        n_samples=90, n_classes=3, n_informative=4, random_state=0
    )
    clf = _fit_quietly(_small(MLPWithSchedulesClassifier), X, y)
    assert clf.out_activation_ == "softmax" and clf.n_outputs_ == 3
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.log(proba), clf.predict_log_proba(X))

    Y = np.column_stack([y == 0, y == 1]).astype(int)
    clf = _fit_quietly(_small(MLPWithSchedulesClassifier), X, Y)
    assert clf.out_activation_ == "logistic" and clf.predict(X).shape == (90, 2)

    X, y = reg_data
    reg = _fit_quietly(_small(MLPWithSchedulesRegressor), X, np.column_stack([y, -y]))
    assert reg.out_activation_ == "identity" and reg.predict(X).shape == (120, 2)


def test_learns_digits_like_scikit_learn():
    """On digits the classifier reaches a high training accuracy."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    clf = _fit_quietly(
        _small(
            MLPWithSchedulesClassifier,
            hidden_layer_sizes=(32,),
            batch_size=32,
            max_iter=15,
        ),
        X[:600] / 16,
        y[:600],
    )
    assert clf.score(X[:600] / 16, y[:600]) > 0.9


# -- schedules ---------------------------------------------------------------


def test_schedules_drive_learning_rate_momentum_and_batch_size(clf_data):
    """The curves hold exactly the values the schedules preview."""
    X, y = clf_data
    lr = ExponentialDecay(initial_value=0.01, decay=0.8)
    momentum = OneCycle(start_value=0.95, peak_value=0.85, end_value=0.95)
    batch = GeometricBatchSize(initial_batch_size=8, factor=2.0)
    clf = _fit_quietly(
        _small(
            MLPWithSchedulesClassifier,
            solver="sgd",
            learning_rate=lr,
            momentum=momentum,
            batch_size=batch,
            max_iter=6,
            n_iter_no_change=None,
        ),
        X,
        y,
    )
    np.testing.assert_allclose(clf.learning_rate_curve_, lr.preview(6))
    np.testing.assert_allclose(clf.momentum_curve_, momentum.preview(6))
    expected = batch.preview(6, n_samples=120, bytes_per_sample=1.0)
    assert clf.batch_size_curve_ == list(np.minimum(expected, 120))


@pytest.mark.parametrize("monitor", ["loss", "validation_loss", "validation_score"])
def test_plateau_schedules_react_to_the_monitored_value(clf_data, monitor):
    """Plateau-driven schedules follow the monitored value, a score negated."""
    X, y = clf_data
    # Every epoch after the first is a plateau for both schedules, so the
    # learning rate falls and the batch grows each epoch if they see the value.
    lr = ReduceOnPlateau(
        initial_value=0.01, factor=0.5, patience=1, threshold=10.0, threshold_mode="abs"
    )
    batch = GrowBatchSizeOnPlateau(initial_batch_size=4, patience=1, threshold=10.0)
    # This one drops only when the value fails to improve: it tells the
    # direction of a score apart.
    momentum = ReduceOnPlateau(initial_value=0.9, factor=0.5, patience=1)
    clf = _fit_quietly(
        _small(
            MLPWithSchedulesClassifier,
            learning_rate=lr,
            batch_size=batch,
            momentum=momentum,
            early_stopping=monitor != "loss",
            monitor=monitor,
            n_iter_no_change=None,
            max_iter=8,
        ),
        X,
        y,
    )
    monitored = {
        "loss": clf.loss_curve_,
        "validation_loss": clf.validation_loss_curve_,
        "validation_score": -np.asarray(clf.validation_scores_),
    }[monitor]
    np.testing.assert_allclose(clf.learning_rate_curve_, lr.preview(8, monitored))
    assert clf.learning_rate_curve_[-1] < clf.learning_rate_curve_[0]
    np.testing.assert_allclose(clf.momentum_curve_, momentum.preview(8, monitored))
    # validation_fraction=0.1 holds out 12 of the 120 samples.
    n_train = 120 if monitor == "loss" else 108
    assert clf.batch_size_curve_ == list(batch.preview(8, monitored, n_samples=n_train))
    assert clf.batch_size_curve_[-1] > clf.batch_size_curve_[0]


def test_refit_replays_the_same_run(clf_data):
    """Fitting twice with the same schedule objects gives identical models."""
    X, y = clf_data
    clf = _small(MLPWithSchedulesClassifier, learning_rate=StepDecay(0.01, 0.5, 3))
    first = [c.copy() for c in _fit_quietly(clf, X, y).coefs_]
    second = _fit_quietly(clf, X, y).coefs_
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


def test_grid_search_over_nested_schedule_parameters(clf_data):
    """GridSearchCV tunes ``learning_rate__decay`` through a Pipeline."""
    X, y = clf_data
    pipe = make_pipeline(
        StandardScaler(),
        _small(MLPWithSchedulesClassifier, learning_rate=ExponentialDecay(0.01)),
    )
    param = "mlpwithschedulesclassifier__learning_rate__decay"
    search = GridSearchCV(pipe, {param: [0.5, 0.99]}, cv=2)
    _fit_quietly(search, X, y)
    assert search.best_params_[param] in (0.5, 0.99)
    fitted = search.best_estimator_[-1]
    assert fitted.learning_rate_curve_[1] == pytest.approx(
        0.01 * search.best_params_[param]
    )


@pytest.mark.parametrize("search_cls", [BayesianSearchCV, EvolutionarySearchCV])
def test_skhp_searches_tune_nested_schedule_parameters(search_cls, clf_data):
    """skhp's searches tune a schedule's own parameter through a Pipeline."""
    X, y = clf_data
    pipe = make_pipeline(
        StandardScaler(),
        _small(MLPWithSchedulesClassifier, learning_rate=ExponentialDecay(0.01)),
    )
    param = "mlpwithschedulesclassifier__learning_rate__decay"
    budget = (
        {"n_iter": 4, "n_initial_points": 2}
        if search_cls is BayesianSearchCV
        else {"population_size": 2, "n_generations": 2}
    )
    search = search_cls(pipe, {param: Real(0.5, 0.99)}, cv=2, random_state=0, **budget)
    _fit_quietly(search, X, y)
    decays = [p[param] for p in search.cv_results_["params"]]
    assert len(set(decays)) == 4 and all(0.5 <= d <= 0.99 for d in decays)
    fitted = search.best_estimator_[-1]
    assert fitted.learning_rate_curve_[1] == pytest.approx(
        0.01 * search.best_params_[param]
    )
    # The estimator given to the search keeps its own schedule.
    assert pipe[-1].learning_rate.decay == ExponentialDecay(0.01).decay


# -- early stopping ------------------------------------------------------------


def test_stopper_patience_is_exact():
    """Training stops after exactly ``patience`` epochs without improvement."""
    stopper = _EarlyStopper(
        mode="min", tol=0.0, tol_mode="abs", patience=3, baseline=None, keep_best=False
    )
    stops = []
    for epoch, value in enumerate([1.0, 0.9, 0.95, 0.9, 0.91, 0.5]):
        stopper.observe(value, epoch=epoch, params=None, loss=value, score=None)
        stops.append(stopper.should_stop())
    assert stops == [False, False, False, False, True, False]
    assert stopper.best_epoch == 5


def test_stopper_relative_and_absolute_min_delta():
    """An epoch improves only when it beats the best by more than the min delta."""
    for tol_mode, tol in (("abs", 0.05), ("rel", 0.05)):
        stopper = _EarlyStopper(
            mode="min",
            tol=tol,
            tol_mode=tol_mode,
            patience=5,
            baseline=None,
            keep_best=False,
        )
        stopper.observe(2.0, epoch=0, params=None, loss=2.0, score=None)
        # 1.94 beats 2.0 by 0.06: an improvement under "abs" (0.05) but not
        # under "rel" (0.05 * 2.0 = 0.1).
        improved = stopper.observe(1.94, epoch=1, params=None, loss=1.94, score=None)
        assert improved is (tol_mode == "abs")


def test_stopper_maximizes_scores_and_honours_baseline():
    """Scores must rise; a baseline must be beaten to count as improvement."""
    stopper = _EarlyStopper(
        mode="max", tol=0.0, tol_mode="abs", patience=2, baseline=0.8, keep_best=True
    )
    assert not stopper.observe(0.7, epoch=0, params=np.zeros(1), loss=1, score=0.7)
    assert stopper.observe(0.85, epoch=1, params=np.ones(1), loss=1, score=0.85)
    assert stopper.best_epoch == 1 and stopper.best_score == 0.85
    np.testing.assert_array_equal(stopper.best_params, [1.0])


def test_n_iter_no_change_counts_exactly(clf_data):
    """With nothing improving after the first epoch, fit runs 1 + patience epochs."""
    X, y = clf_data
    clf = _small(MLPWithSchedulesClassifier, tol=1e9, n_iter_no_change=4).fit(X, y)
    assert clf.n_iter_ == 5 and clf.stop_reason_ == "no_improvement"
    assert clf.best_epoch_ == 0


def test_baseline_never_reached_stops_after_patience(clf_data):
    """An unreachable baseline stops training after ``n_iter_no_change`` epochs."""
    X, y = clf_data
    clf = _small(MLPWithSchedulesClassifier, baseline=-1.0, n_iter_no_change=3)
    clf.fit(X, y)
    assert clf.n_iter_ == 3
    assert clf.stop_reason_ == "baseline_not_reached"
    assert clf.best_epoch_ is None and clf.best_loss_ is None


def test_restore_best_weights_on_training_loss(clf_data):
    """After stopping, the weights are those of the best epoch (training loss)."""
    X, y = clf_data
    params = dict(tol=1e9, n_iter_no_change=3, learning_rate=0.05)
    restored = _small(MLPWithSchedulesClassifier, **params).fit(X, y)
    after_one_epoch = _fit_quietly(
        _small(MLPWithSchedulesClassifier, **params, max_iter=1), X, y
    )
    for a, b in zip(restored.coefs_, after_one_epoch.coefs_, strict=True):
        np.testing.assert_allclose(a, b)
    last = _small(MLPWithSchedulesClassifier, **params, restore_best_weights=False).fit(
        X, y
    )
    assert not np.allclose(last.coefs_[0], restored.coefs_[0])


@pytest.mark.parametrize("monitor", ["validation_loss", "validation_score"])
def test_validation_split_last_uses_the_last_rows(clf_data, monitor):
    """``validation_split="last"`` validates on the last rows of the data."""
    X, y = clf_data
    clf = _fit_quietly(
        _small(
            MLPWithSchedulesClassifier,
            early_stopping=True,
            validation_split="last",
            validation_fraction=0.25,
            monitor=monitor,
            max_iter=15,
        ),
        X,
        y,
    )
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.score(X[-30:], y[-30:]) == pytest.approx(clf.best_validation_score_)
    assert clf.best_loss_ == clf.validation_loss_curve_[clf.best_epoch_]


def test_random_validation_split_is_stratified_and_seeded(clf_data):
    """The random validation set keeps the class shares and follows the seed."""
    X, y = clf_data
    order = np.argsort(y, kind="stable")
    X, y = X[order], y[order]
    clf = _fit_quietly(
        _small(
            MLPWithSchedulesClassifier,
            early_stopping=True,
            validation_fraction=0.25,
            max_iter=1,
        ),
        X,
        y,
    )
    Y = clf._label_binarizer.transform(y).astype(float)
    splits = [clf._split(X, Y, None, np.random.RandomState(s))[1] for s in (0, 1)]
    (X_val, y_val, _), (X_other, _, _) = splits
    # A quarter of each class (61 of class 1, 59 of class 0), whereas the last
    # rows would all be of class 1.
    assert np.bincount(y).tolist() == [59, 61]
    assert len(X_val) == 30 and y_val.sum() == 15
    assert not np.array_equal(X_val, X_other)


@pytest.mark.parametrize("cls", [MLPWithSchedulesClassifier, MLPWithSchedulesRegressor])
def test_validation_weights_summing_to_zero_fail_clearly(cls, clf_data):
    """A validation set whose sample weights sum to zero is a clear error."""
    X, y = clf_data
    sample_weight = np.ones(len(X))
    sample_weight[-12:] = 0
    est = _small(cls, early_stopping=True, validation_split="last")
    with pytest.raises(ValueError, match="weights of the validation set sum to 0"):
        est.fit(X, y, sample_weight=sample_weight)


def test_max_iter_warns(clf_data):
    """Reaching the epoch budget raises a ConvergenceWarning."""
    X, y = clf_data
    with pytest.warns(ConvergenceWarning, match=r"maximum iterations \(3\)"):
        clf = _small(MLPWithSchedulesClassifier, max_iter=3).fit(X, y)
    assert clf.stop_reason_ == "max_iter"


# -- numerics ------------------------------------------------------------------


def test_divergence_keeps_finite_weights(reg_data):
    """A huge learning rate stops training with a warning and finite weights."""
    X, y = reg_data
    reg = _small(
        MLPWithSchedulesRegressor, solver="sgd", learning_rate=1e4, momentum=0.0
    )
    with pytest.warns(ConvergenceWarning, match="loss became"):
        reg.fit(X * 100, y * 100)
    assert reg.stop_reason_ == "non_finite_loss"
    assert all(np.isfinite(w).all() for w in reg.coefs_ + reg.intercepts_)
    assert np.isfinite(reg.predict(X)).all()


def test_divergence_in_the_first_epoch_keeps_the_initial_weights(reg_data):
    """A first epoch that diverges leaves the initial weights and no loss."""
    X, y = reg_data
    params = dict(solver="sgd", momentum=0.0, batch_size=10)
    reg = _small(MLPWithSchedulesRegressor, learning_rate=1e8, **params)
    with pytest.warns(ConvergenceWarning, match="epoch 1: the training loss became"):
        reg.fit(X * 1e3, y * 1e3)
    assert reg.stop_reason_ == "non_finite_loss" and reg.n_iter_ == 0
    assert reg.loss_ is None and reg.loss_curve_ == [] and reg.best_epoch_ is None
    # The initial weights depend on random_state only, not on the learning rate.
    untrained = _fit_quietly(
        _small(MLPWithSchedulesRegressor, learning_rate=1e-300, max_iter=1, **params),
        X,
        y,
    )
    np.testing.assert_allclose(reg.coefs_[0], untrained.coefs_[0])


@pytest.mark.parametrize("solver", ["sgd", "adam", "parameter_free"])
@pytest.mark.parametrize(
    "cls, data, predict",
    [
        (MLPWithSchedulesClassifier, "clf_data", "predict_proba"),
        (MLPWithSchedulesRegressor, "reg_data", "predict"),
    ],
)
def test_float32_stays_float32(solver, cls, data, predict, request):
    """float32 input trains and predicts in float32 end to end."""
    X, y = request.getfixturevalue(data)
    model = _fit_quietly(_small(cls, solver=solver), X.astype(np.float32), y)
    assert all(w.dtype == np.float32 for w in model.coefs_ + model.intercepts_)
    assert getattr(model, predict)(X.astype(np.float32)).dtype == np.float32
    state = vars(model._solver)
    assert all(
        v.dtype == np.float32 for v in state.values() if isinstance(v, np.ndarray)
    )
    model64 = _fit_quietly(_small(cls, solver=solver), X, y)
    assert model64.coefs_[0].dtype == np.float64


def test_sample_weight_equals_repetition(reg_data):
    """Integer sample weights give the same model as repeated rows."""
    X, y = reg_data
    X, y = X[:40], y[:40]
    weights = np.arange(40) % 3
    params = dict(
        solver="sgd",
        momentum=0.0,
        batch_size=ConstantBatchSize(200),  # capped at n_samples: full batch
        shuffle=False,
        max_iter=10,
    )
    weighted = _fit_quietly(
        _small(MLPWithSchedulesRegressor, **params), X, y, sample_weight=weights
    )
    repeated = _fit_quietly(
        _small(MLPWithSchedulesRegressor, **params),
        np.repeat(X, weights, axis=0),
        np.repeat(y, weights),
    )
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-7)
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_)


# -- incremental training ------------------------------------------------------


def test_partial_fit_advances_one_epoch_per_call(clf_data):
    """Each partial_fit call is one epoch of the schedules and the loss falls."""
    X, y = clf_data
    clf = _small(MLPWithSchedulesClassifier, learning_rate=ExponentialDecay(0.01, 0.5))
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    for _ in range(5):
        clf.partial_fit(X, y, classes=[0, 1])
    assert clf.n_iter_ == 5 and clf.stop_reason_ == "partial_fit"
    np.testing.assert_allclose(clf.learning_rate_curve_, 0.01 * 0.5 ** np.arange(5))
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_partial_fit_after_fit_restarts_the_best_epoch_tracking(clf_data):
    """partial_fit after a warm-started fit does not reuse an older stopper."""
    X, y = clf_data
    # With this tol only the first epoch a stopper sees is an improvement.
    clf = _small(MLPWithSchedulesClassifier, tol=1e9)
    clf.partial_fit(X, y, classes=[0, 1])
    clf.partial_fit(X, y)
    assert clf.best_epoch_ == 0
    _fit_quietly(clf.set_params(warm_start=True, max_iter=2), X, y)
    assert clf.best_epoch_ == 2
    clf.partial_fit(X, y)
    assert clf.best_epoch_ == 4 and clf.n_iter_ == 5


def test_partial_fit_refuses_early_stopping(clf_data):
    """partial_fit with early_stopping names the parameter."""
    X, y = clf_data
    clf = _small(MLPWithSchedulesClassifier, early_stopping=True)
    with pytest.raises(ValueError, match="early_stopping=True"):
        clf.partial_fit(X, y, classes=[0, 1])


def test_warm_start_continues_training(reg_data):
    """warm_start continues from the previous weights and curves."""
    X, y = reg_data
    reg = _small(
        MLPWithSchedulesRegressor, warm_start=True, max_iter=5, n_iter_no_change=None
    )
    _fit_quietly(reg, X, y)
    loss_after_first = reg.loss_curve_[-1]
    _fit_quietly(reg, X, y)
    assert reg.n_iter_ == 10 and len(reg.loss_curve_) == 10
    assert reg.loss_curve_[5] < loss_after_first * 1.05
    cold = _fit_quietly(clone(reg).set_params(warm_start=False), X, y)
    assert cold.n_iter_ == 5


def test_warm_start_refuses_a_new_architecture(reg_data):
    """Changing hidden_layer_sizes under warm_start is an error."""
    X, y = reg_data
    reg = _fit_quietly(_small(MLPWithSchedulesRegressor, warm_start=True), X, y)
    reg.set_params(hidden_layer_sizes=(4,))
    with pytest.raises(ValueError, match="warm_start and partial_fit continue"):
        reg.fit(X, y)


# -- verbose and errors --------------------------------------------------------


def test_verbose_prints_one_line_per_epoch(clf_data, capsys):
    """verbose=1 prints loss, validation, learning rate and batch size per epoch."""
    X, y = clf_data
    _fit_quietly(
        _small(
            MLPWithSchedulesClassifier,
            verbose=1,
            max_iter=3,
            early_stopping=True,
            batch_size=32,
        ),
        X,
        y,
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    pattern = (
        r"Epoch 1, loss = [\d.]+, validation loss = [\d.]+, validation score = "
        r"[\d.]+, learning rate = 0.001, batch size = 32, time = [\d.]+s"
    )
    assert re.fullmatch(pattern, lines[0])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"hidden_layer_sizes": (4, -1)}, "'hidden_layer_sizes' parameter"),
        ({"hidden_layer_sizes": 0}, "'hidden_layer_sizes' parameter"),
        ({"activation": "gelu"}, "'activation' parameter"),
        ({"solver": "lbfgs"}, "'solver' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
        ({"learning_rate": -0.1}, "'learning_rate' parameter"),
        ({"learning_rate": GeometricBatchSize()}, "'learning_rate' parameter"),
        ({"batch_size": ExponentialDecay()}, "'batch_size' parameter"),
        ({"momentum": 1.5}, "'momentum' parameter"),
        ({"monitor": "validation_loss"}, "early_stopping=True"),
        ({"validation_fraction": 1.0}, "'validation_fraction' parameter"),
        ({"tol_mode": "percent"}, "'tol_mode' parameter"),
    ],
)
def test_bad_parameters_fail_at_fit(params, match, clf_data):
    """Bad parameters raise at fit with a message naming the parameter."""
    X, y = clf_data
    clf = _small(MLPWithSchedulesClassifier, **params)
    with pytest.raises((ValueError, TypeError), match=match):
        clf.fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        (
            {"learning_rate": ExponentialDecay(decay=2.0)},
            r"'learning_rate' parameter holds an invalid schedule.*'decay' parameter "
            r"of ExponentialDecay",
        ),
        (
            {"momentum": ExponentialDecay(decay=2.0)},
            r"'momentum' parameter holds an invalid schedule.*momentum__<argument>",
        ),
        (
            {"batch_size": GeometricBatchSize(memory_budget=1.0)},
            r"'batch_size' parameter holds an invalid schedule.*'memory_budget'",
        ),
    ],
)
def test_invalid_schedule_arguments_name_the_estimator_parameter(
    params, match, clf_data
):
    """A schedule's bad argument fails at fit naming the parameter holding it."""
    X, y = clf_data
    with pytest.raises(ValueError, match=match):
        _small(MLPWithSchedulesClassifier, **params).fit(X, y)


def test_schedule_giving_bad_momentum_fails(clf_data):
    """A momentum schedule leaving [0, 1) fails naming the schedule parameter."""
    X, y = clf_data
    clf = _small(
        MLPWithSchedulesClassifier, momentum=ExponentialDecay(initial_value=1.5)
    )
    with pytest.raises(ValueError, match=r"'momentum' schedule gave 1\.5"):
        clf.fit(X, y)


def test_parameter_free_model_is_the_averaged_iterate(reg_data):
    """With DoG the fitted weights are the polynomial-decay average."""
    X, y = reg_data
    reg = _fit_quietly(
        _small(MLPWithSchedulesRegressor, solver="parameter_free", batch_size=16),
        X,
        y,
    )
    flat = np.concatenate([c.ravel() for c in reg.coefs_ + reg.intercepts_])
    np.testing.assert_allclose(flat, reg._solver.average)
    assert not np.allclose(flat, reg._solver.iterate)


def test_batch_size_schedule_is_capped_by_memory_budget(clf_data):
    """A batch-size schedule gets the memory one training sample costs."""
    from skhp.neural_network._network import _Network

    X, y = clf_data
    per_sample = _Network([6, 8, 1], "relu", "logistic", np.float64).bytes_per_sample()
    batch = GeometricBatchSize(initial_batch_size=64, memory_budget=10 * per_sample)
    clf = _fit_quietly(
        _small(MLPWithSchedulesClassifier, batch_size=batch, max_iter=3), X, y
    )
    assert clf.batch_size_curve_ == [10, 10, 10]


@settings(max_examples=15, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=1, max_size=3),
    activation=st.sampled_from(["relu", "tanh", "logistic", "identity"]),
    solver=st.sampled_from(["sgd", "adam", "parameter_free"]),
    n_classes=st.integers(2, 4),
)
def test_probabilities_are_finite_and_normalized(sizes, activation, solver, n_classes):
    """Any architecture and solver predicts finite probabilities summing to 1."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 3))
    y = np.arange(30) % n_classes
    clf = _fit_quietly(
        MLPWithSchedulesClassifier(
            hidden_layer_sizes=sizes,
            activation=activation,
            solver=solver,
            max_iter=3,
            random_state=0,
        ),
        X,
        y,
    )
    proba = clf.predict_proba(X)
    assert proba.shape == (30, n_classes) and np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


def test_partial_fit_after_restored_fit_starts_from_restored_weights(clf_data):
    """After restore_best_weights, partial_fit continues from the restored model."""
    X, y = clf_data
    clf = _small(MLPWithSchedulesClassifier, tol=1e9, n_iter_no_change=2).fit(X, y)
    restored = [c.copy() for c in clf.coefs_]
    flat = np.concatenate([c.ravel() for c in clf.coefs_ + clf.intercepts_])
    np.testing.assert_array_equal(flat, clf._solver.iterate)
    clf.set_params(learning_rate=1e-12).partial_fit(X, y)
    np.testing.assert_allclose(clf.coefs_[0], restored[0], atol=1e-9)


def test_batch_size_larger_than_data_warns_and_is_capped(clf_data):
    """An int batch size above the number of samples warns and uses them all."""
    X, y = clf_data
    clf = _small(MLPWithSchedulesClassifier, batch_size=500, max_iter=2)
    with pytest.warns(UserWarning, match="batch_size=500 is larger than the 120"):
        _fit_quietly(clf, X, y)
    assert clf.batch_size_curve_ == [120, 120]
