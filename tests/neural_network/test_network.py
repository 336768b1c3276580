"""Tests of the flat-vector network: gradients, losses and solvers."""

import numpy as np
import pytest

from skhp.neural_network._network import HIDDEN_ACTIVATIONS, _Network
from skhp.neural_network._solvers import _SGD, _Adam, _DoG


def _problem(out_activation, n_samples=7, n_features=4, n_outputs=3, seed=0):
    """Random inputs, matching targets and sample weights."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    if out_activation == "softmax":
        y = np.eye(n_outputs)[rng.integers(n_outputs, size=n_samples)]
    elif out_activation == "logistic":
        y = rng.integers(2, size=(n_samples, n_outputs)).astype(float)
    else:
        y = rng.standard_normal((n_samples, n_outputs))
    sample_weight = rng.uniform(0.5, 2.0, n_samples)
    return X, y, sample_weight


def _mean_loss(net, params, X, y, sample_weight):
    coefs, intercepts = net.unpack(params)
    return net.mean_loss(net.raw_output(coefs, intercepts, X), y, sample_weight)


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("out_activation", ["identity", "logistic", "softmax"])
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_matches_finite_differences(activation, out_activation, weighted):
    """The backward pass gives the gradient of the mean loss."""
    X, y, sample_weight = _problem(out_activation)
    sample_weight = sample_weight if weighted else None
    net = _Network([4, 5, 3, 3], activation, out_activation, np.float64)
    rng = np.random.default_rng(1)
    params = rng.uniform(-1, 1, net.n_params)
    grad = np.empty_like(params)
    net.reserve(len(X), 4, 3, weighted)

    total = net.loss_and_gradient(
        net.unpack(params), net.unpack(grad), X, y, sample_weight
    )
    weights = np.ones(len(X)) if sample_weight is None else sample_weight
    assert total / weights.sum() == pytest.approx(
        _mean_loss(net, params, X, y, sample_weight)
    )

    eps = 1e-6
    numeric = np.empty_like(params)
    for i in range(net.n_params):
        step = np.zeros_like(params)
        step[i] = eps
        numeric[i] = (
            _mean_loss(net, params + step, X, y, sample_weight)
            - _mean_loss(net, params - step, X, y, sample_weight)
        ) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_log_softmax_loss_is_stable_for_huge_logits():
    """The multinomial log-loss stays finite when logits are huge."""
    net = _Network([1, 3], "relu", "softmax", np.float64)
    z = np.array([[1e4, 0.0, -1e4]])
    assert net.mean_loss(z, np.array([[1.0, 0.0, 0.0]]), None) == pytest.approx(0.0)
    assert net.mean_loss(z, np.array([[0.0, 0.0, 1.0]]), None) == pytest.approx(2e4)


def test_binary_log_loss_is_stable_for_huge_logits():
    """The binary log-loss stays finite when logits are huge."""
    net = _Network([1, 1], "relu", "logistic", np.float64)
    z = np.array([[1e4], [-1e4]])
    assert net.mean_loss(z, np.array([[0.0], [0.0]]), None) == pytest.approx(5e3)


def test_pack_unpack_roundtrip():
    """Packing coefficient lists and unpacking the vector gives them back."""
    net = _Network([3, 4, 2], "relu", "identity", np.float32)
    rng = np.random.default_rng(0)
    coefs = [rng.standard_normal((3, 4)), rng.standard_normal((4, 2))]
    intercepts = [rng.standard_normal(4), rng.standard_normal(2)]
    flat = net.pack(coefs, intercepts)
    assert flat.dtype == np.float32 and flat.size == net.n_params
    back_coefs, back_intercepts = net.unpack(flat)
    for a, b in zip(back_coefs + back_intercepts, coefs + intercepts, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
        assert np.shares_memory(a, flat)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("layer_units", [[6, 8, 1], [5, 4, 3, 10]])
def test_bytes_per_sample_covers_the_training_buffers(activation, layer_units):
    """The memory a batch-size schedule budgets covers every reserved buffer."""
    net = _Network(layer_units, activation, "logistic", np.float32)
    batch_size = 16
    net.reserve(batch_size, layer_units[0], layer_units[-1], weighted=True)
    buffers = [*net._z, *net._delta, *net._mask, net._ones, net._sample_loss]
    buffers += [net.X_buffer, net.y_buffer, net.sw_buffer]
    reserved = sum(buffer.nbytes for buffer in buffers)
    assert reserved <= batch_size * net.bytes_per_sample()


def _quadratic_descent(solver, lr, n_steps=200):
    """Minimize ||x - target||^2 / 2 and return the final distance."""
    target = np.linspace(-1, 1, 10)
    x = np.zeros(10)
    for _ in range(n_steps):
        solver.step(x, x - target, lr, 0.9)
    return np.linalg.norm(solver.model_params(x) - target)


def test_sgd_nesterov_and_plain_momentum_converge():
    """SGD with and without Nesterov momentum reaches a quadratic's minimum."""
    for nesterov in (False, True):
        assert _quadratic_descent(_SGD(10, np.float64, nesterov=nesterov), 0.1) < 1e-3


def test_sgd_steps_match_their_formulas():
    """Plain momentum adds the velocity, Nesterov's adds momentum * v - lr * g."""
    lr, momentum = 0.1, 0.9
    grads = [np.array([1.0, -2.0]), np.array([0.5, 4.0])]
    for nesterov in (False, True):
        solver = _SGD(2, np.float64, nesterov=nesterov)
        x, expected, velocity = np.zeros(2), np.zeros(2), np.zeros(2)
        for g in grads:
            velocity = momentum * velocity - lr * g
            expected += momentum * velocity - lr * g if nesterov else velocity
            solver.step(x, g.copy(), lr, momentum)
        np.testing.assert_allclose(x, expected)


def test_adam_steps_match_the_bias_corrected_formula():
    """Adam's update, with a changing beta_1, matches Kingma & Ba's formula."""
    lr, beta_2, eps = 0.01, 0.999, 1e-8
    solver = _Adam(2, np.float64, beta_2=beta_2, epsilon=eps)
    x, expected = np.zeros(2), np.zeros(2)
    m, v, beta_1_power = np.zeros(2), np.zeros(2), 1.0
    steps = [(np.array([1.0, -2.0]), 0.9), (np.array([0.5, 4.0]), 0.8)]
    for t, (g, beta_1) in enumerate(steps, start=1):
        beta_1_power *= beta_1
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        step = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1_power)
        expected -= step * m / (np.sqrt(v) + eps)
        solver.step(x, g.copy(), lr, beta_1)
    np.testing.assert_allclose(x, expected, rtol=1e-12)


def test_adam_converges_on_quadratic():
    """Adam approaches a quadratic's minimum."""
    solver = _Adam(10, np.float64, beta_2=0.999, epsilon=1e-8)
    assert _quadratic_descent(solver, 0.05, n_steps=500) < 0.05


def test_dog_converges_without_a_learning_rate():
    """DoG reaches a quadratic's minimum with the multiplier left at 1."""
    solver = _DoG(np.zeros(10))
    assert _quadratic_descent(solver, 1.0, n_steps=300) < 1e-2
    assert solver.r_bar > _DoG.REPS_REL


def test_dog_first_step_has_relative_size_reps_rel():
    """DoG's first step moves by r_eps = reps_rel * (1 + ||x0||)."""
    x = np.full(4, 3.0)
    solver = _DoG(x)
    x_before = x.copy()
    solver.step(x, np.array([1.0, -2.0, 0.5, 4.0]), 1.0, 0.0)
    moved = np.linalg.norm(x - x_before)
    expected = _DoG.REPS_REL * (1 + np.linalg.norm(x_before))
    assert moved == pytest.approx(expected, rel=1e-6)
    np.testing.assert_allclose(solver.average, x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_solver_state_keeps_dtype(dtype):
    """Solver states and parameters keep the training dtype."""
    x = np.zeros(5, dtype=dtype)
    grad = np.ones(5, dtype=dtype)
    adam = _Adam(5, dtype, beta_2=0.999, epsilon=1e-8)
    sgd = _SGD(5, dtype, nesterov=True)
    dog = _DoG(x.copy())
    for solver in (adam, sgd, dog):
        solver.step(x, grad, 0.1, 0.9)
    assert x.dtype == dtype
    assert adam.m.dtype == adam.v.dtype == sgd.velocity.dtype == dtype
    assert dog.average.dtype == dtype
