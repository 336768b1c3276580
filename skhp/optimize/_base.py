"""Bookkeeping shared by every ask/tell optimizer."""

import math

import numpy as np
from sklearn.utils import check_random_state

from skhp.space import SearchSpace

# Finite spaces with at most this many candidates are enumerated when random
# draws would struggle to find their last free candidates.
_ENUMERATE_BELOW = 20_000


class BaseOptimizer:
    """Base class of the ask/tell optimizers; it maximizes.

    It owns what every strategy needs: the validated space, the random
    generator (resolved once, at construction), the observations and the
    pending candidates, so that no candidate is ever proposed twice. A strategy
    implements ``_propose(n)``, returning up to ``n`` candidates that are
    neither observed nor pending, and may extend ``_observe``.

    Parameters
    ----------
    space : dict, list of dict or SearchSpace
        The search space.
    random_state : int, RandomState instance or None, default=None
        Seed or generator; every random draw of the strategy comes from it.

    See Also
    --------
    BayesianOptimizer : The Gaussian-process strategy.
    EvolutionaryOptimizer : The evolutionary strategy.

    Examples
    --------
    A random search is the smallest strategy: it only tops up its proposals
    with new random candidates, which the base class keeps unique.

    >>> from skhp.optimize import BaseOptimizer
    >>> from skhp.space import Integer
    >>> class RandomOptimizer(BaseOptimizer):
    ...     def _propose(self, n):
    ...         return self._fill_random([], n)
    >>> opt = RandomOptimizer({"k": Integer(1, 3)}, random_state=0)
    >>> for _ in range(3):
    ...     params = opt.ask()
    ...     opt.tell(params, [-((params[0]["k"] - 2) ** 2)])
    >>> opt.params_history
    [{'k': 3}, {'k': 1}, {'k': 2}]
    >>> opt.best_params
    {'k': 2}
    >>> opt.ask()  # all three candidates are taken
    []
    """

    def __init__(self, space, *, random_state=None):
        self.space = space
        self.random_state = random_state
        self._space = SearchSpace(space)
        self._rng = check_random_state(random_state)
        self._params = []
        self._scores = []
        self._keys = set()
        self._pending = {}

    # -- the protocol ------------------------------------------------------------

    def ask(self, n=1):
        """Propose up to ``n`` new candidates.

        Parameters
        ----------
        n : int, default=1
            Number of candidates wanted.

        Returns
        -------
        params : list of dict
            Candidates never observed nor pending; fewer than ``n`` (possibly
            none) only when the space has no more distinct candidates.
        """
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a positive integer; got {n!r} instead.")
        n = int(min(n, self.n_remaining))
        if n == 0:
            return []
        proposals = self._propose(n)
        for params in proposals:
            key = self._space.key(params)
            if key in self._keys or key in self._pending:
                raise RuntimeError(
                    f"{type(self).__name__} proposed {params!r} twice; this is a bug."
                )
            self._pending[key] = params
        return proposals

    def tell(self, params, scores):
        """Report the scores of evaluated candidates (higher is better).

        Candidates need not come from :meth:`ask`: earlier results can be fed in
        too. A non-finite score (a failed evaluation) counts as worse than any
        finite one.

        Parameters
        ----------
        params : list of dict
            Evaluated candidates.
        scores : list of float
            Their scores; NaN or infinite for a failure.
        """
        params = list(params)
        scores = np.asarray(scores, dtype=float).ravel()
        if len(params) != len(scores):
            raise ValueError(
                f"tell got {len(params)} candidates but {len(scores)} scores; give "
                "one score per candidate."
            )
        keys = [self._space.key(p) for p in params]
        for key, p, score in zip(keys, params, scores, strict=True):
            self._pending.pop(key, None)
            if key in self._keys:
                continue
            self._keys.add(key)
            self._params.append(p)
            self._scores.append(float(score) if math.isfinite(score) else math.nan)
        self._observe(params, scores)

    def _propose(self, n):
        raise NotImplementedError

    def _observe(self, params, scores):
        """Hook for strategies that update state when results arrive."""

    # -- helpers for strategies ----------------------------------------------------

    def _is_new(self, params):
        key = self._space.key(params)
        return key not in self._keys and key not in self._pending

    def _new_unique(self, candidates, n):
        """The first ``n`` candidates that are new and distinct from each other."""
        out, keys = [], set()
        for params in candidates:
            key = self._space.key(params)
            if key in keys or key in self._keys or key in self._pending:
                continue
            keys.add(key)
            out.append(params)
            if len(out) == n:
                break
        return out

    def _fill_random(self, proposals, n, max_tries=50):
        """Top ``proposals`` up to ``n`` with new random candidates.

        Random draws rarely find the last free candidates of a small finite
        space, so such a space is enumerated instead.
        """
        proposals = list(proposals)
        taken = {self._space.key(p) for p in proposals}
        if self._space.cardinality <= _ENUMERATE_BELOW:
            pool = self._space.enumerate()
            pool = [pool[i] for i in self._rng.permutation(len(pool))]
            tries = 1
        else:
            tries = max_tries
        for _ in range(tries):
            if len(proposals) >= n:
                break
            if self._space.cardinality > _ENUMERATE_BELOW:
                pool = self._space.sample(4 * (n - len(proposals)), self._rng)
            for params in self._new_unique(pool, len(pool)):
                key = self._space.key(params)
                if key not in taken and len(proposals) < n:
                    taken.add(key)
                    proposals.append(params)
        return proposals

    # -- results -------------------------------------------------------------------

    @property
    def n_observed(self):
        """Number of distinct candidates told."""
        return len(self._params)

    @property
    def n_remaining(self):
        """Distinct candidates neither observed nor pending (may be infinite)."""
        return self._space.cardinality - len(self._keys) - len(self._pending)

    @property
    def params_history(self):
        """Observed candidates, in the order they were told."""
        return list(self._params)

    @property
    def scores_history(self):
        """Scores of the observed candidates (NaN for failures)."""
        return np.array(self._scores, dtype=float)

    @property
    def best_index(self):
        """Index of the best finite score in the history, or None."""
        scores = self.scores_history
        if not np.isfinite(scores).any():
            return None
        return int(np.nanargmax(scores))

    @property
    def best_params(self):
        """The best candidate so far (None before any finite score)."""
        i = self.best_index
        return None if i is None else self._params[i]

    @property
    def best_score(self):
        """The best score so far (NaN before any finite score)."""
        i = self.best_index
        return math.nan if i is None else self._scores[i]
