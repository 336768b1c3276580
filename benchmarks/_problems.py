"""Synthetic test functions shared by the benchmarks (minimized).

Branin on [-5, 10] x [0, 15] (global minimum 0.397887, reached at three
points) and Hartmann-6 on [0, 1]^6 (global minimum -3.32237), from Dixon and
Szegő's test set (1978). Both take a dict of parameters, as an ask/tell
optimizer proposes them.
"""

import math

import numpy as np

BRANIN_BOUNDS = {"x1": (-5.0, 10.0), "x2": (0.0, 15.0)}
BRANIN_MIN = 0.397887
HARTMANN6_BOUNDS = {f"x{i}": (0.0, 1.0) for i in range(6)}
HARTMANN6_MIN = -3.32237


def branin(p):
    """Branin's function of ``p["x1"]`` and ``p["x2"]``."""
    x1, x2 = p["x1"], p["x2"]
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


_H_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_H_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
_H_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(p):
    """Hartmann's 6-D function of ``p["x0"]`` to ``p["x5"]``."""
    x = np.array([p[f"x{i}"] for i in range(6)])
    return -float(np.sum(_H_ALPHA * np.exp(-np.sum(_H_A * (x - _H_P) ** 2, axis=1))))
