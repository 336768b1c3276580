"""Tests of the Bayesian optimizer, its surrogate and its acquisitions."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import approx_fprime
from scipy.stats import norm

from skhp.optimize import BayesianOptimizer, minimize
from skhp.optimize._acquisition import (
    log_expected_improvement,
    log_h,
    log_probability_of_improvement,
    upper_confidence_bound,
)
from skhp.optimize._gp import GaussianProcess
from skhp.space import Categorical, Integer, Real, SearchSpace

BRANIN_MIN = 0.397887


def branin(p):
    x, y = p["x"], p["y"]
    b, c = 5.1 / (4 * math.pi**2), 5 / math.pi
    return (
        (y - b * x**2 + c * x - 6) ** 2
        + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x)
        + 10
    )


BRANIN_SPACE = {"x": Real(-5.0, 10.0), "y": Real(0.0, 15.0)}


def run(optimizer, func, n_calls, batch=1):
    while optimizer.n_observed < n_calls:
        params = optimizer.ask(batch)
        optimizer.tell(params, [func(p) for p in params])
    return optimizer


# -- acquisitions ------------------------------------------------------------------


def test_log_h_matches_log_of_ei_where_representable():
    """log_h equals log(phi(z) + z Phi(z)) wherever that is representable."""
    z = np.linspace(-30, 30, 601)
    direct = np.log(norm.pdf(z) + z * norm.cdf(z))
    assert np.allclose(log_h(z), direct, rtol=1e-9, atol=1e-12)


def test_log_h_stays_finite_where_ei_underflows():
    """log_h is finite, decreasing and asymptotically -z^2/2 far below."""
    z = -np.logspace(1.5, 12, 50)
    with np.errstate(divide="ignore"):
        assert np.all(np.log(norm.pdf(z) + z * norm.cdf(z))[z < -40] == -np.inf)
    values = log_h(z)
    assert np.all(np.isfinite(values))
    assert np.all(np.diff(values) < 0)
    expected = -0.5 * z**2 - 0.5 * np.log(2 * np.pi) - 2 * np.log(-z)
    assert np.allclose(values[z < -100], expected[z < -100], rtol=1e-7)
    # No jump where the computation switches to the asymptotic form.
    z = -np.array([0.999999, 1.000001]) / np.sqrt(np.finfo(float).eps)
    expected = -0.5 * z**2 - 0.5 * np.log(2 * np.pi) - 2 * np.log(-z)
    assert np.allclose(log_h(z), expected, rtol=1e-12)


def test_log_expected_improvement_equals_log_ei():
    """logEI equals the logarithm of the closed-form expected improvement."""
    rng = np.random.RandomState(0)
    mean, std = rng.normal(size=200), rng.uniform(0.05, 2.0, size=200)
    z = (mean - 0.5) / std
    ei = std * (norm.pdf(z) + z * norm.cdf(z))
    value, _, _ = log_expected_improvement(mean, std, 0.5)
    ok = ei > 1e-300
    assert np.allclose(value[ok], np.log(ei[ok]), rtol=1e-9)


@pytest.mark.parametrize(
    "acquisition",
    [
        lambda m, s: log_expected_improvement(m, s, 0.3, 0.01),
        lambda m, s: log_probability_of_improvement(m, s, 0.3, 0.01),
        lambda m, s: upper_confidence_bound(m, s, 1.5),
    ],
)
def test_acquisition_partial_derivatives(acquisition):
    """The returned partial derivatives match finite differences."""
    mean = np.array([-3.0, -0.5, 0.2, 0.3, 1.5])
    std = np.array([0.1, 0.5, 1.0, 0.2, 0.3])
    _, d_mean, d_std = acquisition(mean, std)
    h = 1e-6
    num_mean = (acquisition(mean + h, std)[0] - acquisition(mean - h, std)[0]) / (2 * h)
    num_std = (acquisition(mean, std + h)[0] - acquisition(mean, std - h)[0]) / (2 * h)
    assert np.allclose(d_mean, num_mean, rtol=1e-5, atol=1e-6)
    assert np.allclose(d_std, num_std, rtol=1e-5, atol=1e-6)


# -- surrogate ------------------------------------------------------------------------


def test_gp_hyperparameter_gradient_matches_finite_differences():
    """The analytic log-posterior gradient of the GP matches finite differences."""
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(25, 3))
    y = np.sin(4 * X).sum(axis=1)
    gp = GaussianProcess()
    D2 = np.ascontiguousarray(np.moveaxis((X[None] - X[:, None]) ** 2, 2, 0))
    prior_mean, prior_std = gp._prior(3)
    ys = (y - y.mean()) / y.std()
    theta = rng.normal(prior_mean, 0.5)

    def f(t):
        return gp._objective(t, D2, ys, prior_mean, prior_std)[0]

    grad = gp._objective(theta, D2, ys, prior_mean, prior_std)[1]
    assert np.allclose(grad, approx_fprime(theta, f, 1e-6), rtol=1e-4, atol=1e-4)


def test_gp_prediction_gradients_match_finite_differences():
    """Mean and std gradients with respect to the inputs match finite differences."""
    rng = np.random.RandomState(1)
    X = rng.uniform(size=(30, 3))
    gp = GaussianProcess().fit(X, np.cos(3 * X).sum(axis=1), random_state=rng)
    Xc = rng.uniform(size=(4, 3))
    mean, std, dmean, dstd = gp.predict_with_grad(Xc)
    assert np.allclose((mean, std), gp.predict(Xc))
    for i, x in enumerate(Xc):
        num_mean = approx_fprime(x, lambda z: gp.predict(z)[0][0], 1e-7)
        num_std = approx_fprime(x, lambda z: gp.predict(z)[1][0], 1e-7)
        assert np.allclose(dmean[i], num_mean, rtol=1e-4, atol=1e-5)
        assert np.allclose(dstd[i], num_std, rtol=1e-4, atol=1e-5)


def test_gp_interpolates_a_smooth_function():
    """The fitted GP predicts a smooth function well, with small noise."""
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(60, 2))
    f = lambda X: np.sin(5 * X[:, 0]) + X[:, 1] ** 2  # noqa: E731
    gp = GaussianProcess().fit(X, f(X), random_state=rng)
    Xt = rng.uniform(size=(200, 2))
    mean, _ = gp.predict(Xt)
    prediction = mean * gp._y_std + gp._y_mean
    assert np.sqrt(np.mean((prediction - f(Xt)) ** 2)) < 0.05
    assert np.exp(gp.theta_[-1]) < 1e-2


# -- the optimizer ---------------------------------------------------------------------


def test_initial_design_is_the_spaces_latin_hypercube():
    """The first candidates are the space's design drawn from the seed."""
    opt = BayesianOptimizer(BRANIN_SPACE, n_initial_points=6, random_state=3)
    expected = SearchSpace(BRANIN_SPACE).design(6, np.random.RandomState(3))
    assert opt.ask(6) == expected


def test_beats_random_search_on_branin():
    """At equal budget, the optimizer gets much closer to Branin's minimum."""
    regrets, random_regrets = [], []
    for seed in range(4):
        opt = BayesianOptimizer(BRANIN_SPACE, n_initial_points=8, random_state=seed)
        run(opt, lambda p: -branin(p), 30)
        regrets.append(-opt.best_score - BRANIN_MIN)
        samples = SearchSpace(BRANIN_SPACE).sample(30, np.random.RandomState(seed))
        random_regrets.append(min(branin(p) for p in samples) - BRANIN_MIN)
    assert np.median(regrets) < 0.1
    assert np.median(regrets) < 0.2 * np.median(random_regrets)


@pytest.mark.parametrize("acquisition", ["ei", "ucb", "pi"])
def test_every_acquisition_finds_a_1d_optimum(acquisition):
    """Each acquisition locates the maximum of a 1-D function with an integer."""
    space = {"x": Real(-3.0, 3.0), "k": Integer(0, 6)}
    opt = BayesianOptimizer(
        space, n_initial_points=5, acquisition=acquisition, random_state=0
    )
    run(opt, lambda p: -((p["x"] - 1.2) ** 2) - 0.1 * (p["k"] - 4) ** 2, 25)
    assert abs(opt.best_params["x"] - 1.2) < 0.15
    assert opt.best_params["k"] == 4


def test_same_seed_same_candidates():
    """The same random_state gives the same sequence of candidates."""
    histories = []
    for _ in range(2):
        opt = BayesianOptimizer(BRANIN_SPACE, n_initial_points=4, random_state=7)
        histories.append(run(opt, lambda p: -branin(p), 12, batch=2).params_history)
    assert histories[0] == histories[1]


def test_batch_ask_is_distinct_and_avoids_pending():
    """A batch holds distinct new candidates, none of them pending already."""
    space = {"x": Integer(0, 9), "c": Categorical(["a", "b"])}
    opt = BayesianOptimizer(space, n_initial_points=4, random_state=0)
    run(opt, lambda p: p["x"] + (p["c"] == "b"), 4)
    first = opt.ask(3)
    second = opt.ask(4)
    keys = [opt._space.key(p) for p in first + second]
    assert len(first) == 3 and len(second) == 4
    assert len(set(keys)) == 7
    assert not {opt._space.key(p) for p in opt.params_history} & set(keys)


@settings(max_examples=15, deadline=None)
@given(
    n_int=st.integers(1, 4),
    choices=st.integers(1, 3),
    n_initial=st.integers(0, 5),
    batch=st.integers(1, 3),
    seed=st.integers(0, 1000),
)
def test_never_repeats_and_exhausts_small_spaces(
    n_int, choices, n_initial, batch, seed
):
    """Over a small space every candidate is proposed once, then nothing."""
    space = {"i": Integer(0, n_int), "c": Categorical(list(range(choices)))}
    size = (n_int + 1) * choices
    opt = BayesianOptimizer(space, n_initial_points=n_initial, random_state=seed)
    rng = np.random.RandomState(seed)
    seen = []
    while True:
        params = opt.ask(batch)
        if not params:
            break
        seen += [opt._space.key(p) for p in params]
        scores = [np.nan if rng.uniform() < 0.3 else p["i"] * 1.0 for p in params]
        opt.tell(params, scores)
    assert len(seen) == len(set(seen)) == size
    assert opt.n_remaining == 0


def test_failures_are_learnt_and_never_repeated():
    """NaN scores do not crash the optimizer and steer it away from their region."""
    space = {"x": Real(0.0, 1.0)}
    opt = BayesianOptimizer(space, n_initial_points=5, random_state=0)

    def func(p):
        return math.nan if p["x"] > 0.6 else -((p["x"] - 0.55) ** 2)

    run(opt, func, 25)
    xs = np.array([p["x"] for p in opt.params_history])
    assert len(set(xs)) == len(xs)
    assert 0.5 < opt.best_params["x"] <= 0.6
    # After the design, most proposals stay out of the failing region.
    assert np.mean(xs[5:] > 0.6) < 0.3


def test_all_failures_fall_back_to_random_candidates():
    """With no finite score at all, new candidates are still proposed."""
    opt = BayesianOptimizer({"x": Real(0.0, 1.0)}, n_initial_points=2, random_state=0)
    run(opt, lambda p: math.nan, 6)
    assert opt.n_observed == 6
    assert opt.best_params is None
    assert len(opt.ask(2)) == 2


def test_conditional_space_shares_one_surrogate():
    """A list of sub-spaces is searched with one model and finds the better one."""
    space = [
        {"kind": ["linear"], "C": Real(1e-3, 1e3, log=True)},
        {"kind": ["rbf"], "C": Real(1e-3, 1e3, log=True), "gamma": Real(0.0, 1.0)},
    ]

    def func(p):
        base = 1.0 if p["kind"] == "rbf" else 0.5
        gamma = p.get("gamma", 0.0)
        return base - (math.log10(p["C"]) - 1) ** 2 / 10 - (gamma - 0.3) ** 2

    opt = BayesianOptimizer(space, n_initial_points=6, random_state=0)
    run(opt, func, 30)
    assert opt.best_params["kind"] == "rbf"
    assert opt.best_score > 0.97
    assert {p["kind"] for p in opt.params_history} == {"linear", "rbf"}


def test_told_candidates_seed_the_search():
    """Candidates told without asking count towards the initial design."""
    opt = BayesianOptimizer(BRANIN_SPACE, n_initial_points=3, random_state=0)
    seeds = SearchSpace(BRANIN_SPACE).sample(3, np.random.RandomState(5))
    opt.tell(seeds, [-branin(p) for p in seeds])
    assert opt._design is None
    opt.ask()
    assert opt._design is None


def test_predict_returns_score_units():
    """predict gives the posterior mean and std in the units of the scores."""
    opt = BayesianOptimizer({"x": Real(0.0, 1.0)}, n_initial_points=8, random_state=0)
    with pytest.raises(ValueError, match="at least one finite score"):
        opt.predict([{"x": 0.5}])
    run(opt, lambda p: 100 + 10 * p["x"], 8)
    mean, std = opt.predict([{"x": 0.25}, {"x": 0.75}])
    assert np.allclose(mean, [102.5, 107.5], atol=0.3)
    assert np.all(std < 1.0)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_initial_points": -1}, ValueError, "n_initial_points must be >= 0"),
        ({"n_initial_points": 2.5}, TypeError, "n_initial_points must be an int"),
        ({"n_candidates": 0}, ValueError, "n_candidates must be >= 1"),
        ({"acquisition": "lcb"}, ValueError, "acquisition must be one of"),
        ({"kappa": -1.0}, ValueError, "kappa must be a non-negative number"),
        ({"xi": "a"}, ValueError, "xi must be a non-negative number"),
    ],
)
def test_invalid_parameters(kwargs, error, match):
    """Invalid constructor arguments raise an error naming the parameter."""
    with pytest.raises(error, match=match):
        BayesianOptimizer(BRANIN_SPACE, **kwargs)


def test_minimize_with_bayes_finds_branin_minimum():
    """minimize(method='bayes') reaches Branin's minimum within 40 calls."""
    res = minimize(branin, BRANIN_SPACE, n_calls=40, random_state=0)
    assert res.fun - BRANIN_MIN < 0.05
    assert res.nfev == 40
    assert isinstance(res.optimizer, BayesianOptimizer)


def test_predict_does_not_change_later_proposals():
    """Calling predict between steps leaves the sequence of candidates alone."""
    histories = []
    for probe in (False, True):
        opt = BayesianOptimizer(BRANIN_SPACE, n_initial_points=4, random_state=2)
        while opt.n_observed < 10:
            if probe and opt.n_observed >= 4:
                opt.predict([{"x": 0.0, "y": 0.0}])
            params = opt.ask()
            opt.tell(params, [-branin(p) for p in params])
        histories.append(opt.params_history)
    assert histories[0] == histories[1]
