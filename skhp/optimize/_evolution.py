"""EvolutionaryOptimizer: a genetic algorithm over mixed and structured spaces."""

import math
import numbers

import numpy as np

from skhp.optimize._base import BaseOptimizer
from skhp.space import Categorical

# Mutation scale (standard deviation of Gaussian steps in the unit encoding):
# its start and the bounds the 1/5 success rule keeps it in. The lower bound
# keeps integer genes able to move; the upper one keeps steps local.
_SCALE_START = 0.1
_SCALE_MIN = 0.01
_SCALE_MAX = 0.5

# The 1/5 success rule multiplies or divides the scale by this factor once per
# generation; Schwefel recommends a value between 0.817 and 1 (Beyer & Schwefel,
# 2002, section 4.1).
_SCALE_FACTOR = 0.85
_TARGET_SUCCESS = 0.2

# Distribution index of simulated binary crossover: children lie near their
# parents with high probability (Deb & Agrawal, 1995, suggest 2 to 5).
_SBX_ETA = 3.0

# Attempts at breeding a new child before falling back to random candidates.
_MAX_ATTEMPTS = 12

# Pseudo-gene standing for the sub-space an individual belongs to.
_SUBSPACE = object()


def _fitness(score):
    """Score used in comparisons: failures lose to every finite score."""
    return score if math.isfinite(score) else -math.inf


def _reflect(u):
    """Fold unit coordinates back into [0, 1] at the edges."""
    u = np.abs(np.asarray(u, dtype=float))
    u = np.where(u > 1.0, 2.0 - u, u)
    return np.clip(u, 0.0, 1.0)


def _check_rate(name, value, allow_none=False):
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if (value is None and allow_none) or (ok and 0.0 <= value <= 1.0):
        return
    none = " or None" if allow_none else ""
    raise ValueError(f"{name} must be a float in [0, 1]{none}; got {value!r} instead.")


def _check_count(name, value, low):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int; got {value!r} instead.")
    if value < low:
        raise ValueError(f"{name} must be >= {low}; got {value!r} instead.")


class _Individual:
    """An evaluated candidate: its parameters, sub-space and score."""

    __slots__ = ("params", "score", "subspace")

    def __init__(self, params, subspace, score):
        self.params = params
        self.subspace = subspace
        self.score = score


class EvolutionaryOptimizer(BaseOptimizer):
    """Genetic algorithm over mixed, conditional and structured spaces.

    An ask/tell optimizer that maximizes. The first generation is a
    space-filling design (:meth:`~skhp.space.SearchSpace.design`). Each later
    child has parents picked by tournament among the current population, is
    bred by crossover (with probability ``crossover_rate``) and mutated. After
    every ``population_size`` results the children replace the population,
    except that the ``n_elites`` best individuals seen in the population and
    its children survive unchanged; elites are already evaluated and are never
    proposed again.

    Operators work on each dimension's unit encoding, so log scales are
    respected and every child is valid by construction:

    - numeric genes (:class:`~skhp.space.Real`, :class:`~skhp.space.Integer`)
      take a Gaussian step, folded back into the unit interval, and are rounded
      by the dimension; crossover blends them by simulated binary crossover;
    - categorical genes are resampled among the other choices, and crossover
      takes each from one parent;
    - a dimension with its own ``mutate`` and ``crossover`` methods, such as
      :class:`~skhp.space.LayerSizes`, uses them (add, drop or resize a layer;
      mix the layers of two parents);
    - in a space given as a list of dicts, an individual belongs to one
      sub-space; a mutation may move it to another one, keeping the values
      that are valid there and drawing the others, and crossover happens only
      between parents of the same sub-space.

    The scale of the Gaussian steps adapts by the 1/5 success rule: once per
    generation it grows when more than a fifth of the mutated children beat
    their best parent, and shrinks otherwise. A child already evaluated or
    pending is mutated again; when no new child is found the candidate is
    drawn at random, and in a small finite space from the candidates left, so
    that nothing is ever proposed twice. Failed evaluations (non-finite
    scores) lose every tournament.

    Parameters
    ----------
    space : dict, list of dict or SearchSpace
        The search space.
    population_size : int, default=20
        Number of individuals of a generation. ``ask(population_size)``
        proposes a generation, but any batch size works.
    mutation_rate : float or None, default=None
        Probability that each gene of a child mutates. None means one over
        the number of genes of the child's sub-space (counting the choice of
        sub-space when there are several). A child identical to a parent is
        always mutated in at least one gene.
    crossover_rate : float, default=0.5
        Probability that a child is bred from two parents rather than copied
        from one before mutation.
    tournament_size : int, default=3
        Number of individuals drawn at random in a tournament; the best one
        becomes a parent. Larger values favour the best individuals more.
    n_elites : int, default=1
        Number of best individuals kept unchanged from one generation to the
        next. Must be less than ``population_size``.
    random_state : int, RandomState instance or None, default=None
        Seed or generator of every random choice.

    Attributes
    ----------
    population : list of dict
        The current parents, best first (empty before the first results).
    population_scores : ndarray
        Their scores (NaN for failures).
    mutation_scale : float
        Current standard deviation of Gaussian steps in the unit encoding.
    n_generations : int
        Number of completed generations (population replacements).

    See Also
    --------
    skhp.model_selection.EvolutionarySearchCV : Cross-validated search driven
        by this optimizer.
    skhp.optimize.minimize : Minimize a function with ``method="evolution"``.

    References
    ----------
    .. [1] K. Deb and R. B. Agrawal, "Simulated binary crossover for
       continuous search space", Complex Systems 9(2), 115-148, 1995.
    .. [2] H.-G. Beyer and H.-P. Schwefel, "Evolution strategies: a
       comprehensive introduction", Natural Computing 1, 3-52, 2002.

    Examples
    --------
    >>> from skhp.optimize import EvolutionaryOptimizer
    >>> from skhp.space import Real
    >>> opt = EvolutionaryOptimizer({"x": Real(-5, 5)}, population_size=8,
    ...                             random_state=0)
    >>> for generation in range(6):
    ...     batch = opt.ask(8)
    ...     opt.tell(batch, [-(p["x"] - 1) ** 2 for p in batch])
    >>> abs(opt.best_params["x"] - 1) < 0.1
    True
    """

    def __init__(
        self,
        space,
        *,
        population_size=20,
        mutation_rate=None,
        crossover_rate=0.5,
        tournament_size=3,
        n_elites=1,
        random_state=None,
    ):
        _check_count("population_size", population_size, 2)
        _check_rate("mutation_rate", mutation_rate, allow_none=True)
        _check_rate("crossover_rate", crossover_rate)
        _check_count("tournament_size", tournament_size, 1)
        _check_count("n_elites", n_elites, 0)
        if n_elites >= population_size:
            raise ValueError(
                f"n_elites must be less than population_size; got n_elites="
                f"{n_elites} and population_size={population_size}. Keep fewer "
                "elites so that each generation has room for children."
            )
        super().__init__(space, random_state=random_state)
        self.population_size = population_size
        self.mutation_rate = mutation_rate
        self.crossover_rate = crossover_rate
        self.tournament_size = tournament_size
        self.n_elites = n_elites

        self._design = None
        self._last_told = ([], np.empty(0))
        self._observed = set()
        self._population = []
        self._brood = []
        self._lineage = {}
        self._successes = [0, 0]
        self._scale = _SCALE_START
        self._generations = 0

    # -- results ------------------------------------------------------------------

    @property
    def population(self):
        """The current parents, best first."""
        return [ind.params for ind in self._ranked(self._parents())]

    @property
    def population_scores(self):
        """Scores of :attr:`population`, in the same order."""
        return np.array([ind.score for ind in self._ranked(self._parents())])

    @property
    def mutation_scale(self):
        """Standard deviation of the Gaussian steps in the unit encoding."""
        return self._scale

    @property
    def n_generations(self):
        """Number of completed generations."""
        return self._generations

    # -- proposals ----------------------------------------------------------------

    def _propose(self, n):
        if self._design is None:
            # The first generation fills the space evenly; results told before
            # the first ask (seeds) count towards it.
            size = 0 if self._population else self.population_size - len(self._brood)
            self._design = self._space.design(size, self._rng) if size > 0 else []
        out, keys = [], set()

        def take(params):
            key = self._space.key(params)
            if key in keys or not self._is_new(params):
                return False
            keys.add(key)
            out.append(params)
            return True

        while self._design and len(out) < n:
            take(self._design.pop(0))
        parents = self._parents()
        while parents and len(out) < n:
            for attempt in range(_MAX_ATTEMPTS):
                params, best_parent, mutated = self._breed(parents, attempt)
                if take(params):
                    self._lineage[self._space.key(params)] = (best_parent, mutated)
                    break
            else:
                break
        return out if len(out) == n else self._fill_random(out, n)

    def _parents(self):
        """The current population, or what was evaluated before there is one."""
        return self._population or self._brood

    def _ranked(self, individuals):
        order = sorted(
            range(len(individuals)), key=lambda i: -_fitness(individuals[i].score)
        )
        return [individuals[i] for i in order]

    def _tournament(self, individuals):
        size = min(self.tournament_size, len(individuals))
        drawn = self._rng.choice(len(individuals), size=size, replace=False)
        # Ties (failures included) go to the first drawn, itself random.
        best = max(drawn, key=lambda i: _fitness(individuals[i].score))
        return individuals[best]

    def _breed(self, parents, attempt):
        """One child: (params, best parent's fitness, whether it was mutated)."""
        first = self._tournament(parents)
        mates = [p for p in parents if p.subspace == first.subspace and p is not first]
        s, params = first.subspace, dict(first.params)
        best_parent = _fitness(first.score)
        crossed = bool(mates) and self._rng.uniform() < self.crossover_rate
        if crossed:
            second = self._tournament(mates)
            params = self._crossover(s, first.params, second.params)
            best_parent = max(best_parent, _fitness(second.score))
        # A retry after a duplicate mutates again with wider steps.
        scale = min(self._scale * 2.0**attempt, _SCALE_MAX * 2)
        must_change = attempt > 0 or not crossed
        s, params, mutated = self._mutate(s, params, scale, must_change)
        return self._own_estimators(s, params), best_parent, mutated

    def _own_estimators(self, s, params):
        """Give a child fresh clones of the estimator choices it inherited.

        Candidates never share an estimator object, whichever parent it came from.
        """
        for name, dim in self._space.subspaces[s].items():
            if isinstance(dim, Categorical):
                params[name] = dim._materialize(dim.index(params[name]))
        return params

    # -- operators ----------------------------------------------------------------

    def _crossover(self, s, first, second):
        """Mix two parents of sub-space ``s``, gene by gene."""
        child = {}
        for name, dim in self._space.subspaces[s].items():
            a, b = first[name], second[name]
            if isinstance(dim, Categorical):
                child[name] = a if self._rng.uniform() < 0.5 else b
            elif hasattr(dim, "crossover"):
                child[name] = dim.crossover(a, b, random_state=self._rng)
            else:
                u = self._sbx(dim.to_unit([a])[0], dim.to_unit([b])[0])
                child[name] = dim.from_unit(u.reshape(1, -1))[0]
        return child

    def _sbx(self, u1, u2):
        """Simulated binary crossover of unit coordinates; one child.

        Each coordinate is blended with probability 1/2 and otherwise taken
        from a random parent [1]_.
        """
        r = self._rng.uniform(size=u1.shape)
        beta = np.where(
            r <= 0.5,
            (2.0 * r) ** (1.0 / (_SBX_ETA + 1.0)),
            (1.0 / (2.0 * (1.0 - r) + 1e-300)) ** (1.0 / (_SBX_ETA + 1.0)),
        )
        sign = np.where(self._rng.uniform(size=u1.shape) < 0.5, 1.0, -1.0)
        blend = 0.5 * ((u1 + u2) + sign * beta * (u1 - u2))
        pick = np.where(self._rng.uniform(size=u1.shape) < 0.5, u1, u2)
        return _reflect(np.where(self._rng.uniform(size=u1.shape) < 0.5, blend, pick))

    def _genes(self, s):
        genes = list(self._space.subspaces[s])
        return [*genes, _SUBSPACE] if len(self._space.subspaces) > 1 else genes

    def _mutate(self, s, params, scale, must_change):
        """Mutate genes of an individual; returns (s, params, mutated)."""
        genes = self._genes(s)
        rate = self.mutation_rate
        if rate is None:
            rate = 1.0 / len(genes)
        chosen = [g for g in genes if self._rng.uniform() < rate]
        if must_change and not chosen and genes:
            chosen = [genes[self._rng.randint(len(genes))]]
        if _SUBSPACE in chosen:
            s, params = self._move(s, params)
        for name in chosen:
            dim = self._space.subspaces[s].get(name) if name is not _SUBSPACE else None
            if dim is not None:
                params[name] = self._mutate_gene(dim, params[name], scale)
        return s, params, bool(chosen)

    def _mutate_gene(self, dim, value, scale):
        if isinstance(dim, Categorical):
            k = dim.cardinality
            if k == 1:
                return value
            j = self._rng.randint(k - 1)
            j += j >= dim.index(value)
            return dim.from_unit([[(j + 0.5) / k]])[0]
        if hasattr(dim, "mutate"):
            return dim.mutate(value, scale, random_state=self._rng)
        u = dim.to_unit([value])[0]
        u = _reflect(u + scale * self._rng.standard_normal(size=u.shape))
        return dim.from_unit(u.reshape(1, -1))[0]

    def _move(self, s, params):
        """Move an individual to another sub-space, keeping what carries over."""
        others = [t for t in range(len(self._space.subspaces)) if t != s]
        t = others[self._rng.randint(len(others))]
        moved = {}
        for name, dim in self._space.subspaces[t].items():
            if name in params and params[name] in dim:
                moved[name] = params[name]
            else:
                moved[name] = dim.from_unit(self._rng.uniform(size=(1, dim.n_unit)))[0]
        return t, moved

    # -- results arrive -----------------------------------------------------------

    def _observe(self, params, scores):
        # The searches read a round's results from here for their history_.
        self._last_told = (list(params), np.asarray(scores, dtype=float))
        for p, score in zip(params, scores, strict=True):
            key = self._space.key(p)
            if key in self._observed:
                continue
            self._observed.add(key)
            score = float(score) if math.isfinite(score) else math.nan
            self._brood.append(_Individual(p, self._space.subspace_index(p), score))
            if key in self._lineage:
                best_parent, mutated = self._lineage.pop(key)
                if mutated:
                    self._successes[0] += _fitness(score) > best_parent
                    self._successes[1] += 1
        if len(self._brood) >= self.population_size:
            self._next_generation()

    def _next_generation(self):
        """Children replace the population; the elites survive.

        Results told in one go beyond a generation (seeds, say) all compete.
        """
        brood, self._brood = self._brood, []
        elites = self._ranked(self._population + brood)[: self.n_elites]
        children = [c for c in self._ranked(brood) if not any(c is e for e in elites)]
        self._population = elites + children[: self.population_size - len(elites)]
        self._generations += 1

        successes, trials = self._successes
        if trials:
            # The 1/5 success rule [2]_.
            if successes / trials > _TARGET_SUCCESS:
                self._scale = min(self._scale / _SCALE_FACTOR, _SCALE_MAX)
            elif successes / trials < _TARGET_SUCCESS:
                self._scale = max(self._scale * _SCALE_FACTOR, _SCALE_MIN)
        self._successes = [0, 0]
