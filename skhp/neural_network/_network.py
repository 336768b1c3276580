"""Forward and backward passes of a fully connected network on a flat vector.

All parameters live in one contiguous vector: the coefficient matrices of every
layer first, then the intercepts. ``coefs_`` and ``intercepts_`` are reshaped
views of it, so a solver updates the whole network in one pass and the L2
penalty touches one slice. The training passes write into buffers allocated
once per fit for the largest batch; only the prediction path allocates.
"""

from itertools import pairwise

import numpy as np
from scipy.special import expit

HIDDEN_ACTIVATIONS = ("identity", "logistic", "tanh", "relu")


def _relu(z):
    np.maximum(z, 0, out=z)


def _tanh(z):
    np.tanh(z, out=z)


def _logistic(z):
    expit(z, out=z)


def _identity(z):
    pass


_ACTIVATE = {
    "identity": _identity,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
}


class _Network:
    """Layout, buffers and passes for one architecture and dtype.

    Parameters
    ----------
    layer_units : list of int
        Units of every layer, input and output included.
    activation : str
        Activation of the hidden layers.
    out_activation : {"identity", "logistic", "softmax"}
        Activation of the output layer; the loss is the matching one (squared
        error, binary log-loss, multinomial log-loss).
    dtype : numpy dtype
        The dtype of parameters, buffers and gradients.
    """

    def __init__(self, layer_units, activation, out_activation, dtype):
        self.layer_units = list(layer_units)
        self.activation = activation
        self.out_activation = out_activation
        self.dtype = np.dtype(dtype)
        self.n_layers = len(layer_units)
        shapes = list(pairwise(layer_units))
        self.coef_shapes = shapes
        self.n_coef_params = sum(a * b for a, b in shapes)
        self.n_params = self.n_coef_params + sum(layer_units[1:])
        self._capacity = 0

    # -- parameter layout ---------------------------------------------------

    def unpack(self, flat):
        """Views of ``flat`` as lists of coefficient matrices and intercepts."""
        coefs, intercepts = [], []
        start = 0
        for fan_in, fan_out in self.coef_shapes:
            end = start + fan_in * fan_out
            coefs.append(flat[start:end].reshape(fan_in, fan_out))
            start = end
        for _, fan_out in self.coef_shapes:
            intercepts.append(flat[start : start + fan_out])
            start += fan_out
        return coefs, intercepts

    def pack(self, coefs, intercepts):
        """A new flat vector holding ``coefs`` and ``intercepts``."""
        flat = np.empty(self.n_params, dtype=self.dtype)
        dest_coefs, dest_intercepts = self.unpack(flat)
        for dest, src in zip(dest_coefs, coefs, strict=True):
            dest[...] = src
        for dest, src in zip(dest_intercepts, intercepts, strict=True):
            dest[...] = src
        return flat

    def bytes_per_sample(self):
        """Memory the training buffers take per sample of a batch, at most.

        Per row of a batch: the gathered input, target and sample weight, the
        pre-activations and deltas of every layer, the hidden layers'
        derivative scratch, the ones and per-sample losses, plus the output
        sized temporaries of the loss (counted in the dtype, so a boolean relu
        mask is overestimated).
        """
        units = self.layer_units
        n_values = units[0] + 2 * units[-1] + 3
        n_values += 2 * sum(units[1:]) + sum(units[1:-1])
        return n_values * self.dtype.itemsize

    # -- training passes ----------------------------------------------------

    def reserve(self, batch_size, n_features, n_outputs, weighted):
        """Allocate the training buffers for batches of up to ``batch_size``."""
        if batch_size <= self._capacity:
            return
        units, dtype = self.layer_units, self.dtype
        self._z = [np.empty((batch_size, u), dtype=dtype) for u in units[1:]]
        self._delta = [np.empty((batch_size, u), dtype=dtype) for u in units[1:]]
        # The derivative of relu needs a boolean mask, tanh and logistic a
        # float scratch; preallocating them keeps the backward pass free of
        # temporaries.
        mask_dtype = bool if self.activation == "relu" else dtype
        self._mask = [np.empty((batch_size, u), dtype=mask_dtype) for u in units[1:-1]]
        self._ones = np.ones(batch_size, dtype=dtype)
        self._sample_loss = np.empty(batch_size, dtype=dtype)
        self.X_buffer = np.empty((batch_size, n_features), dtype=dtype)
        self.y_buffer = np.empty((batch_size, n_outputs), dtype=dtype)
        self.sw_buffer = np.empty(batch_size, dtype=dtype) if weighted else None
        self._capacity = batch_size

    def loss_and_gradient(self, params, grad, X, y, sample_weight):
        """Weighted sum of the batch's losses; ``grad`` gets the mean's gradient.

        ``params`` and ``grad`` are pairs ``(coefs, intercepts)`` of views. The
        gradient is that of the (weighted) mean loss over the batch, without the
        L2 penalty, which the caller adds on the flat vector.
        """
        coefs, intercepts = params
        coef_grads, intercept_grads = grad
        n = X.shape[0]
        last = self.n_layers - 2
        activate = _ACTIVATE[self.activation]

        a = X
        for i in range(last + 1):
            z = self._z[i][:n]
            np.dot(a, coefs[i], out=z)
            z += intercepts[i]
            if i < last:
                activate(z)
            a = z

        delta = self._delta[last][:n]
        loss = self._output_loss_delta(a, y, delta, self._sample_loss[:n])
        if sample_weight is None:
            total = float(loss.sum())
            delta *= 1.0 / n
        else:
            total = float(np.dot(loss, sample_weight))
            delta *= (sample_weight / sample_weight.sum())[:, None]

        for i in range(last, -1, -1):
            a_prev = X if i == 0 else self._z[i - 1][:n]
            np.dot(a_prev.T, delta, out=coef_grads[i])
            np.dot(self._ones[:n], delta, out=intercept_grads[i])
            if i > 0:
                delta_prev = self._delta[i - 1][:n]
                np.dot(delta, coefs[i].T, out=delta_prev)
                self._derivative(a_prev, delta_prev, self._mask[i - 1][:n])
                delta = delta_prev
        return total

    def _output_loss_delta(self, z, y, delta, loss):
        """Turn the output pre-activation ``z`` into the loss and its gradient.

        ``loss`` receives the per-sample loss, ``delta`` the derivative of the
        loss with respect to ``z`` (``prediction - y`` for each of the three
        canonical output/loss pairs). ``z`` may be overwritten.
        """
        if self.out_activation == "identity":
            np.subtract(z, y, out=delta)
            np.einsum("ij,ij->i", delta, delta, out=loss)
            loss *= 0.5
        elif self.out_activation == "logistic":
            # log(1 + exp(z)) - y z, written stably with logaddexp.
            np.logaddexp(0, z, out=delta)
            delta -= y * z
            np.sum(delta, axis=1, out=loss)
            expit(z, out=delta)
            delta -= y
        else:
            # Log-softmax with the row maximum subtracted first.
            z -= z.max(axis=1, keepdims=True)
            np.exp(z, out=delta)
            norm = delta.sum(axis=1)
            delta /= norm[:, None]
            delta -= y
            np.log(norm, out=loss)
            loss -= np.einsum("ij,ij->i", y, z)
        return loss

    def _derivative(self, a, delta, mask):
        """Multiply ``delta`` in place by the activation's derivative at ``a``."""
        if self.activation == "relu":
            np.greater(a, 0, out=mask)
            np.multiply(delta, mask, out=delta)
        elif self.activation == "tanh":
            np.multiply(a, a, out=mask)
            np.subtract(1.0, mask, out=mask)
            delta *= mask
        elif self.activation == "logistic":
            np.subtract(1.0, a, out=mask)
            mask *= a
            delta *= mask

    # -- prediction ---------------------------------------------------------

    def raw_output(self, coefs, intercepts, X):
        """Output pre-activation for ``X`` (allocates; any number of rows)."""
        activate = _ACTIVATE[self.activation]
        a = X
        last = len(coefs) - 1
        for i, (coef, intercept) in enumerate(zip(coefs, intercepts, strict=True)):
            a = a @ coef
            a += intercept
            if i < last:
                activate(a)
        return a

    def output(self, coefs, intercepts, X):
        """Network output for ``X``: probabilities or regression values."""
        return self.activate_output(self.raw_output(coefs, intercepts, X))

    def activate_output(self, z):
        """Apply the output activation to ``z`` in place and return it."""
        if self.out_activation == "logistic":
            expit(z, out=z)
        elif self.out_activation == "softmax":
            z -= z.max(axis=1, keepdims=True)
            np.exp(z, out=z)
            z /= z.sum(axis=1, keepdims=True)
        return z

    def mean_loss(self, z, y, sample_weight):
        """Mean (weighted) loss of the output pre-activation ``z`` (allocates)."""
        delta = np.empty_like(z)
        loss = self._output_loss_delta(z.copy(), y, delta, np.empty(len(z), z.dtype))
        if sample_weight is None:
            return float(loss.mean())
        return float(np.dot(loss, sample_weight) / sample_weight.sum())
