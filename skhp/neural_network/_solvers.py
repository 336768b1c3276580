"""Stochastic solvers updating one flat parameter vector in place.

Every solver works on the whole network at once: the coefficients and intercepts
of all layers live in one contiguous vector, so an update is a handful of
vectorized passes instead of a Python loop over layers. The solvers keep their
state in arrays of the parameters' dtype and allocate nothing per step. A step
may overwrite the gradient it is given: using the gradient buffer as the
workspace saves a parameter-sized scratch vector (peak memory matters here as
much as time).
"""

import math

import numpy as np

#: Length of the scratch vector ``add_scaled`` works through: small enough to
#: stay in cache and to cost nothing in memory, large enough that the Python
#: loop over chunks is negligible.
CHUNK = 8192


def add_scaled(y, x, a, scratch):
    """``y += a * x`` in place, through a small ``scratch`` vector.

    numpy has no fused multiply-add; doing it chunk by chunk avoids a
    temporary of the parameters' size. (scipy's BLAS ``axpy`` would do it in
    one call, but runs on a second OpenBLAS whose threads are not the ones
    numpy's are limited by, and was found to be very slow on busy machines.)
    """
    size = scratch.size
    for start in range(0, x.size, size):
        stop = min(start + size, x.size)
        chunk = scratch[: stop - start]
        np.multiply(x[start:stop], a, out=chunk)
        y[start:stop] += chunk


def chunk_scratch(dtype):
    """A scratch vector for :func:`add_scaled`."""
    return np.empty(CHUNK, dtype=dtype)


class _SGD:
    """Stochastic gradient descent with (Nesterov) momentum.

    The update follows scikit-learn's ``SGDOptimizer``: the velocity
    ``v <- momentum * v - lr * g`` is added to the parameters, and the Nesterov
    variant adds ``momentum * v - lr * g`` instead.
    """

    def __init__(self, n_params, dtype, *, nesterov):
        self.nesterov = nesterov
        self.velocity = np.zeros(n_params, dtype=dtype)
        self._chunk = chunk_scratch(dtype)

    def step(self, params, grad, lr, momentum):
        """Move ``params`` in place along ``-grad`` (``grad`` is overwritten)."""
        velocity = self.velocity
        velocity *= momentum
        grad *= lr
        velocity -= grad
        if self.nesterov:
            params -= grad
            add_scaled(params, velocity, momentum, self._chunk)
        else:
            params += velocity

    def model_params(self, params):
        """The parameters to predict with."""
        return params


class _Adam:
    """Adam (Kingma & Ba, 2015) with the momentum read from a schedule.

    ``momentum`` plays the role of Adam's first-moment decay ``beta_1``, so a
    momentum schedule (for example cycled inversely to the learning rate in a
    one-cycle policy) drives it. Because ``beta_1`` may change from step to
    step, the first moment's bias correction uses the running product of the
    ``beta_1`` values instead of ``beta_1 ** t``.
    """

    def __init__(self, n_params, dtype, *, beta_2, epsilon):
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)
        self.beta_1_power = 1.0
        self.beta_2_power = 1.0

    def step(self, params, grad, lr, momentum):
        """Move ``params`` in place along the Adam direction.

        ``grad`` is overwritten: it first holds ``(1 - beta_1) g`` for the
        first moment, then its square rescaled for the second, then the step.
        """
        m, v = self.m, self.v
        beta_1, beta_2 = momentum, self.beta_2
        self.beta_1_power *= beta_1
        self.beta_2_power *= beta_2

        grad *= 1.0 - beta_1
        m *= beta_1
        m += grad
        np.multiply(grad, grad, out=grad)
        grad *= (1.0 - beta_2) / (1.0 - beta_1) ** 2
        v *= beta_2
        v += grad

        # Bias-corrected step written as in Kingma & Ba (2015), Section 2.
        step = lr * math.sqrt(1.0 - self.beta_2_power) / (1.0 - self.beta_1_power)
        np.sqrt(v, out=grad)
        grad += self.epsilon
        np.divide(m, grad, out=grad)
        grad *= step
        params -= grad

    def model_params(self, params):
        """The parameters to predict with."""
        return params


class _DoG:
    """Distance over Gradients (DoG) with polynomial-decay iterate averaging.

    DoG (Ivgi, Hinder & Carmon, 2023) sets the step size itself: at step ``t``,
    ``eta_t = r_t / sqrt(sum_{i<=t} ||g_i||^2 + eps)`` where ``r_t`` is the
    largest distance travelled from the initial point so far, and
    ``r_0 = reps_rel * (1 + ||x_0||)``. The step taken is
    ``x_{t+1} = x_t - c * eta_t * g_t`` with ``c`` the scheduled multiplier
    (1 by default, as the authors recommend).

    The authors stress that DoG must be combined with iterate averaging; the
    model returned is the polynomial-decay average of Shamir & Zhang (2013)
    with ``gamma = 8``, the authors' default:
    ``xbar_t = (1 - (gamma + 1) / (t + gamma)) xbar_{t-1}
    + (gamma + 1) / (t + gamma) x_t``.
    """

    #: Relative size of the first step (``r_epsilon``). The authors' default is
    #: 1e-6; DoG spends a burn-in of about log(1 / r_epsilon) growth phases
    #: reaching its step size, which a budget of a few hundred steps cannot
    #: afford: at 60 epochs of friedman1 (660 steps) 1e-6 gave R² 0.916 against
    #: 0.938 with 1e-3 (best tuned Adam 0.944), with no loss at 150 epochs or
    #: on digits (benchmarks/bench_mlp.py). The first step still moves the
    #: weights by only a thousandth of their norm.
    REPS_REL = 1e-3
    #: Added to the sum of squared gradient norms, the authors' default.
    EPS = 1e-8
    #: Weight of recent iterates in the polynomial-decay average.
    GAMMA = 8.0

    def __init__(self, params):
        self.x0 = params.copy()
        self.average = params.copy()
        self.r_bar = self.REPS_REL * (1.0 + float(np.linalg.norm(params)))
        self.grad_sq_sum = self.EPS
        self.n_steps = 0
        self.scratch = np.empty_like(params)

    def step(self, params, grad, lr, momentum):
        """Move ``params`` in place by the DoG step; ``momentum`` is unused."""
        scratch = self.scratch
        if self.n_steps > 0:
            np.subtract(params, self.x0, out=scratch)
            self.r_bar = max(self.r_bar, math.sqrt(float(np.dot(scratch, scratch))))
        self.grad_sq_sum += float(np.dot(grad, grad))
        eta = lr * self.r_bar / math.sqrt(self.grad_sq_sum)
        np.multiply(grad, eta, out=scratch)
        params -= scratch

        self.n_steps += 1
        weight = (self.GAMMA + 1.0) / (self.n_steps + self.GAMMA)
        self.average *= 1.0 - weight
        np.multiply(params, weight, out=scratch)
        self.average += scratch
        self.last_step_size = eta

    def model_params(self, params):
        """The parameters to predict with: the averaged iterate."""
        return self.average
