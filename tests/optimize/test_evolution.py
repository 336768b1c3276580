"""Tests of the EvolutionaryOptimizer ask/tell strategy."""

import math
from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from skhp.optimize import BayesianOptimizer, EvolutionaryOptimizer, minimize
from skhp.space import Categorical, Integer, LayerSizes, Real, SearchSpace

# Hartmann-6 constants (Dixon & Szegő, 1978); the minimum is about -3.32237.
_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
HARTMANN_SPACE = {f"x{i}": Real(0, 1) for i in range(6)}


def hartmann6(params):
    x = np.array([params[f"x{i}"] for i in range(6)])
    return -float(np.sum(_ALPHA * np.exp(-np.sum(_A * (x - _P) ** 2, axis=1))))


def run(opt, func, n_generations, batch=None):
    """Maximize ``func`` for a number of generations; returns all candidates."""
    seen = []
    for _ in range(n_generations):
        params = opt.ask(batch or opt.population_size)
        opt.tell(params, [func(p) for p in params])
        seen += params
    return seen


def test_beats_random_sampling_at_equal_budget():
    """On Hartmann-6, 120 evaluations find better minima than 120 random draws."""
    evolved, random = [], []
    for seed in range(5):
        res = minimize(
            hartmann6,
            HARTMANN_SPACE,
            method="evolution",
            n_calls=120,
            population_size=12,
            random_state=seed,
        )
        evolved.append(res.fun)
        draws = SearchSpace(HARTMANN_SPACE).sample(120, random_state=seed)
        random.append(min(hartmann6(p) for p in draws))
    assert np.mean(evolved) < np.mean(random) - 0.3


def test_minimize_with_evolution_asks_a_generation_at_a_time():
    """minimize(method="evolution") uses population-sized batches and converges."""
    res = minimize(
        lambda p: (math.log10(p["C"]) - 1) ** 2 + (p["k"] - 3) ** 2,
        {"C": Real(1e-3, 1e3, log=True), "k": Integer(0, 10)},
        method="evolution",
        n_calls=150,
        population_size=15,
        random_state=0,
    )
    assert res.nfev == 150
    assert res.optimizer.n_generations == 10
    assert res.x["k"] == 3
    assert abs(math.log10(res.x["C"]) - 1) < 0.1


def test_first_generation_is_the_space_filling_design():
    """The first population_size proposals are the space's Latin hypercube."""
    space = SearchSpace(HARTMANN_SPACE)
    opt = EvolutionaryOptimizer(space, population_size=10, random_state=0)
    first = opt.ask(10)
    U = space.subspace_to_unit(0, first)
    # One point in each tenth of every coordinate.
    for column in U.T:
        assert sorted(np.floor(column * 10).astype(int)) == list(range(10))


@pytest.mark.parametrize("n_elites", [1, 3])
def test_elites_survive_and_are_not_proposed_again(n_elites):
    """The best n_elites seen so far are always in the population, never re-asked."""
    opt = EvolutionaryOptimizer(
        HARTMANN_SPACE, population_size=8, n_elites=n_elites, random_state=0
    )
    rng = np.random.RandomState(1)
    for _ in range(6):
        batch = opt.ask(8)
        # Noisy scores: some generations are worse than the one before.
        opt.tell(batch, [-hartmann6(p) + rng.normal(scale=1.0) for p in batch])
        scores = opt.scores_history
        best = [opt.params_history[i] for i in np.argsort(-scores)[:n_elites]]
        assert all(p in opt.population for p in best)
        assert len(opt.population) == 8
    keys = [opt._space.key(p) for p in opt.params_history]
    assert len(set(keys)) == len(keys)


def test_population_is_the_children_and_the_elites():
    """After a generation, the population holds the elite and the best children."""
    opt = EvolutionaryOptimizer({"x": Real(0, 1)}, population_size=4, random_state=0)
    first = opt.ask(4)
    opt.tell(first, [10.0, 1.0, 2.0, 3.0])
    children = opt.ask(4)
    opt.tell(children, [0.0, 5.0, 6.0, 7.0])
    assert opt.population == [first[0], children[3], children[2], children[1]]
    np.testing.assert_array_equal(opt.population_scores, [10.0, 7.0, 6.0, 5.0])


small_spaces = st.one_of(
    st.builds(
        lambda a, b: {"a": Integer(0, a), "b": Categorical(list(range(b)))},
        st.integers(1, 5),
        st.integers(1, 4),
    ),
    st.builds(
        lambda a: [{"a": Integer(0, a)}, {"c": ["x", "y"], "a": Integer(0, 1)}],
        st.integers(1, 4),
    ),
    st.builds(
        lambda u: {"arch": LayerSizes(n_layers=(1, 2), units=(1, u), log=False)},
        st.integers(1, 4),
    ),
)


@settings(max_examples=40, deadline=None)
@given(small_spaces, st.integers(2, 7), st.integers(1, 9), st.integers(0, 1000))
def test_never_proposes_a_candidate_twice(spec, population_size, batch, seed):
    """Every candidate of a small space is proposed exactly once, then none."""
    space = SearchSpace(spec)
    opt = EvolutionaryOptimizer(
        space, population_size=population_size, n_elites=1, random_state=seed
    )
    proposed = []
    while True:
        params = opt.ask(batch)
        if not params:
            break
        assert all(p in space for p in params)
        opt.tell(params, [float(hash(str(p)) % 7) for p in params])
        proposed += params
    keys = [space.key(p) for p in proposed]
    assert len(keys) == len(set(keys)) == space.cardinality


def test_same_seed_same_proposals_whatever_the_batch_size():
    """The same seed gives the same candidates; ask works for any n."""
    func = hartmann6
    a = run(EvolutionaryOptimizer(HARTMANN_SPACE, random_state=3), func, 3)
    b = run(EvolutionaryOptimizer(HARTMANN_SPACE, random_state=3), func, 3)
    assert a == b
    one_by_one = run(
        EvolutionaryOptimizer(HARTMANN_SPACE, population_size=5, random_state=0),
        func,
        23,
        batch=1,
    )
    assert len(one_by_one) == 23


def test_failed_scores_lose_every_tournament():
    """A NaN-scored individual never wins against a finite one."""
    opt = EvolutionaryOptimizer(
        {"x": Real(0, 1)}, population_size=10, tournament_size=2, random_state=0
    )
    batch = opt.ask(10)
    scores = [math.nan] * 9 + [-100.0]
    opt.tell(batch, scores)
    assert opt.population[0] == batch[9]
    assert np.isnan(opt.population_scores[1:]).all()
    winners = [opt._tournament(opt._population) for _ in range(200)]
    finite = opt._population[0]
    # A tournament of 2 out of 10 draws the finite one 20% of the time.
    assert sum(w is finite for w in winners) == pytest.approx(40, abs=15)
    assert all(w is finite or math.isnan(w.score) for w in winners)
    pair = [opt._population[0], opt._population[1]]
    assert all(opt._tournament(pair) is finite for _ in range(20))


def test_all_failures_do_not_stop_the_search():
    """When every score is NaN the optimizer keeps proposing new candidates."""
    opt = EvolutionaryOptimizer(HARTMANN_SPACE, population_size=5, random_state=0)
    seen = run(opt, lambda p: math.nan, 4)
    assert len({opt._space.key(p) for p in seen}) == 20
    assert opt.best_params is None


def test_mutation_scale_follows_the_one_fifth_rule():
    """The scale grows while children keep beating parents, shrinks otherwise."""
    grow = EvolutionaryOptimizer(HARTMANN_SPACE, population_size=6, random_state=0)
    start = grow.mutation_scale
    counter = iter(range(10_000))
    run(grow, lambda p: float(next(counter)), 4)
    assert grow.mutation_scale == pytest.approx(start / 0.85**3)
    shrink = EvolutionaryOptimizer(HARTMANN_SPACE, population_size=6, random_state=0)
    first = shrink.ask(6)
    shrink.tell(first, [100.0] * 6)
    run(shrink, lambda p: 0.0, 4)
    assert shrink.mutation_scale == pytest.approx(start * 0.85**4)


def test_subspace_moves_and_crossover_between_compatible_parents():
    """Mutation moves individuals across sub-spaces; crossover stays within one."""
    spec = [
        {"kernel": ["linear"], "C": Real(1e-2, 1e2, log=True)},
        {
            "kernel": ["rbf"],
            "C": Real(1e-2, 1e2, log=True),
            "gamma": Real(1e-3, 1, log=True),
        },
    ]
    space = SearchSpace(spec)
    opt = EvolutionaryOptimizer(
        spec, population_size=10, crossover_rate=1.0, random_state=0
    )
    crossed = []
    original = opt._crossover

    def spy(s, first, second):
        crossed.append((s, space.subspace_index(first), space.subspace_index(second)))
        return original(s, first, second)

    opt._crossover = spy
    # Seeds only in the linear sub-space; the rbf one must be reached by moves.
    seeds = [{"kernel": "linear", "C": c} for c in np.logspace(-2, 2, 10)]
    opt.tell(seeds, [-abs(math.log10(s["C"])) for s in seeds])
    children = run(opt, lambda p: -abs(math.log10(p["C"])), 5)
    moved = [p for p in children if p["kernel"] == "rbf"]
    assert moved and all(p in space for p in children)
    # A move keeps the value of C, which both sub-spaces share, and draws gamma.
    s, params = opt._move(0, {"kernel": "linear", "C": 3.0})
    assert s == 1 and params["kernel"] == "rbf" and params["C"] == 3.0
    assert params in space
    assert crossed and all(s == a == b for s, a, b in crossed)
    assert {s for s, _, _ in crossed} == {0, 1}


def test_seeds_told_before_asking_count_towards_the_first_generation():
    """Results told first are part of the first generation; the design fills it."""
    opt = EvolutionaryOptimizer({"x": Real(0, 1)}, population_size=6, random_state=0)
    opt.tell([{"x": 0.5}, {"x": 0.25}], [1.0, 0.0])
    assert opt.n_generations == 0
    opt.tell(opt.ask(4), [0.0] * 4)
    assert opt.n_generations == 1
    assert opt.population[0] == {"x": 0.5}


def test_many_results_told_at_once_all_compete():
    """Told more results than a generation, the population keeps the best."""
    opt = EvolutionaryOptimizer({"x": Real(0, 1)}, population_size=4, random_state=0)
    seeds = [{"x": x} for x in np.linspace(0, 1, 12)]
    opt.tell(seeds, [-abs(s["x"] - 0.5) for s in seeds])
    assert opt.n_generations == 1
    assert sorted(p["x"] for p in opt.population) == [s["x"] for s in seeds[4:8]]


def test_architecture_search_changes_depth_and_width():
    """With LayerSizes, children add, drop and resize layers, all valid."""
    dim = LayerSizes(n_layers=(1, 4), units=(16, 256))
    opt = EvolutionaryOptimizer({"arch": dim}, population_size=10, random_state=0)
    # Deep and wide networks are best here.
    children = run(opt, lambda p: len(p["arch"]) + math.log(min(p["arch"])), 12)
    assert all(p["arch"] in dim for p in children)
    assert len({len(p["arch"]) for p in children}) == 4
    assert len(opt.best_params["arch"]) == 4
    first_generation = opt.scores_history[:10]
    assert opt.best_score > first_generation.max() + 0.5
    assert min(opt.best_params["arch"]) > 64


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"population_size": 1}, ValueError, "population_size must be >= 2; got 1"),
        ({"population_size": 2.0}, TypeError, "population_size must be an int"),
        ({"mutation_rate": 1.5}, ValueError, r"mutation_rate must be a float in \[0"),
        ({"crossover_rate": None}, ValueError, "crossover_rate must be a float"),
        ({"tournament_size": 0}, ValueError, "tournament_size must be >= 1"),
        ({"n_elites": -1}, ValueError, "n_elites must be >= 0"),
        ({"n_elites": 20}, ValueError, "n_elites must be less than population_size"),
    ],
)
def test_invalid_arguments_are_clear_errors(kwargs, error, match):
    """Bad settings raise naming the argument, the rule and the value."""
    with pytest.raises(error, match=match):
        EvolutionaryOptimizer({"x": Real(0, 1)}, **kwargs)


@pytest.mark.parametrize(
    "optimizer",
    [
        partial(EvolutionaryOptimizer, population_size=5),
        partial(BayesianOptimizer, n_initial_points=5),
    ],
)
def test_candidates_never_share_an_estimator_choice(optimizer):
    """Every candidate holds its own clone of an estimator choice, bred ones too."""
    choices = [LogisticRegression(), DecisionTreeClassifier(max_depth=2)]
    space = {"model": Categorical(choices), "x": Real(0, 1)}
    opt = optimizer(space, random_state=0)
    seen = []
    for _ in range(4):
        params = opt.ask(5)
        opt.tell(params, [p["x"] for p in params])
        seen += params

    models = [p["model"] for p in seen]
    assert len({id(m) for m in models}) == len(models) == 20
    assert not any(m is c for m in models for c in choices)
