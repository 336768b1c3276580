"""Acquisition functions of the Bayesian optimizer, with their gradients.

Every function takes the posterior mean and standard deviation (standardized
units, maximization) and returns the acquisition value and its derivatives
with respect to the mean and the standard deviation, so that the optimizer can
chain them with the surrogate's gradients. Expected improvement and probability
of improvement are computed as logarithms, which stay finite and informative
far from the incumbent where the plain values underflow to zero.
"""

import numpy as np
from scipy.special import erfcx, log_ndtr

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
_SQRT_HALF_PI = np.sqrt(0.5 * np.pi)
# Below -1/sqrt(eps), 1 - sqrt(pi/2) |z| erfcx(|z|/sqrt 2) cancels to noise; its
# asymptotic value 1/z^2 is used instead (Ament et al., 2023, eq. 9).
_Z_ASYMPTOTIC = -1.0 / np.sqrt(np.finfo(float).eps)


def log_h(z):
    """``log(phi(z) + z Phi(z))``, stable for every z.

    ``h(z) = phi(z) + z Phi(z)`` is the expected improvement of a unit normal
    over ``-z``. For ``z > -1`` it is computed directly; below, written as
    ``phi(z) (1 - sqrt(pi/2) |z| erfcx(|z| / sqrt(2)))`` so that the exponential
    factor is taken in log space (Ament et al., 2023).

    Parameters
    ----------
    z : ndarray

    Returns
    -------
    ndarray
    """
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    upper = z > -1.0
    zu = z[upper]
    out[upper] = np.log(
        np.exp(-0.5 * zu * zu - _LOG_SQRT_2PI) + zu * np.exp(log_ndtr(zu))
    )
    mid = ~upper & (z > _Z_ASYMPTOTIC)
    zm = z[mid]
    out[mid] = (
        -0.5 * zm * zm
        - _LOG_SQRT_2PI
        + np.log1p(-_SQRT_HALF_PI * np.abs(zm) * erfcx(np.abs(zm) / np.sqrt(2.0)))
    )
    low = ~upper & ~mid
    zl = z[low]
    out[low] = -0.5 * zl * zl - _LOG_SQRT_2PI - 2.0 * np.log(np.abs(zl))
    return out


def log_expected_improvement(mean, std, best, xi=0.0):
    """Log expected improvement over ``best + xi``, and its partial derivatives.

    Parameters
    ----------
    mean, std : ndarray
        Posterior mean and standard deviation.
    best : float
        Incumbent value.
    xi : float, default=0.0
        Minimal improvement sought (larger explores more).

    Returns
    -------
    value, d_mean, d_std : ndarray
    """
    z = (mean - best - xi) / std
    lh = log_h(z)
    # d h / d z = Phi(z), so d log h / d z = Phi(z) / h(z), taken in log space.
    ratio = np.exp(log_ndtr(z) - lh)
    d_mean = ratio / std
    d_std = (1.0 - ratio * z) / std
    return np.log(std) + lh, d_mean, d_std


def log_probability_of_improvement(mean, std, best, xi=0.0):
    """Log probability of improving on ``best + xi``, and its partial derivatives.

    Parameters
    ----------
    mean, std : ndarray
        Posterior mean and standard deviation.
    best : float
        Incumbent value.
    xi : float, default=0.0
        Minimal improvement sought.

    Returns
    -------
    value, d_mean, d_std : ndarray
    """
    z = (mean - best - xi) / std
    lp = log_ndtr(z)
    ratio = np.exp(-0.5 * z * z - _LOG_SQRT_2PI - lp)  # phi(z) / Phi(z)
    return lp, ratio / std, -ratio * z / std


def upper_confidence_bound(mean, std, kappa):
    """``mean + kappa * std``, and its partial derivatives.

    Parameters
    ----------
    mean, std : ndarray
        Posterior mean and standard deviation.
    kappa : float
        Weight of the uncertainty (larger explores more).

    Returns
    -------
    value, d_mean, d_std : ndarray
    """
    return mean + kappa * std, np.ones_like(mean), np.full_like(std, kappa)
