"""EvolutionarySearchCV: cross-validated genetic search over hyperparameters."""

from numbers import Integral, Real

import numpy as np
from scipy.spatial.distance import pdist

from skhp._compat import Interval
from skhp.model_selection._search import BaseOptimizerSearchCV, fill_shared_doc
from skhp.optimize import EvolutionaryOptimizer

_HISTORY_KEYS = (
    "generation",
    "best_score",
    "mean_score",
    "std_score",
    "n_failed",
    "diversity",
    "mutation_scale",
)
_INT_KEYS = ("generation", "n_failed")


def _diversity(space, params):
    """Mean pairwise distance of candidates in the space's [0, 1] encoding.

    Divided by the square root of the number of columns, so that spaces of
    different sizes compare; 0 when every candidate is the same.
    """
    if len(params) < 2:
        return 0.0
    Z = space.encode(params)
    return float(np.mean(pdist(Z)) / np.sqrt(Z.shape[1]))


@fill_shared_doc
class EvolutionarySearchCV(BaseOptimizerSearchCV):
    # fmt: off
    # fill_shared_doc inserts the shared parameter text, already indented, at
    # the placeholders: they stay at column 0, out of the formatter's reach.
    """Evolutionary search over hyperparameters, neural architectures included.

    A genetic algorithm proposes candidates a generation at a time and
    cross-validates them like
    :class:`~sklearn.model_selection.RandomizedSearchCV`. The first generation
    fills the space evenly (a Latin hypercube); later ones breed children of
    the best candidates found so far, picked by tournament, by crossover and
    mutation that respect each dimension's scale and type, while the best
    ``n_elites`` candidates survive unchanged. Spaces given as a list of dicts
    are searched as disjoint sub-spaces that individuals can move between, and
    :class:`~skhp.space.LayerSizes` searches the depth and widths of a neural
    network (mutation adds, drops or resizes a layer).

    The budget is exact: ``population_size * n_generations`` distinct
    candidates, each fitted once on every fold; a space with fewer distinct
    candidates ends when it is exhausted, with a warning. Each generation is
    one call to ``evaluate_candidates``, so its candidates times the folds are
    fitted in parallel under ``n_jobs``. Every random choice is made in the
    calling process from ``random_state``: results do not depend on ``n_jobs``.
    The strategy itself is :class:`~skhp.optimize.EvolutionaryOptimizer`.

    Read more in the :ref:`User Guide <evolutionary_search>`.

    Parameters
    ----------
{shared_parameters}
    population_size : int, default=20
        Number of candidates of a generation, evaluated together.

    n_generations : int, default=10
        Number of generations, the first one being the initial design.

    mutation_rate : float or None, default=None
        Probability that each gene (hyperparameter) of a child mutates. None
        means one over the number of hyperparameters of the child's sub-space
        (the choice of sub-space counting as one when there are several).

    crossover_rate : float, default=0.5
        Probability that a child is bred from two parents rather than copied
        from one before mutation.

    tournament_size : int, default=3
        Number of candidates drawn at random to pick each parent (the best of
        them wins); larger values favour the best candidates more. Failed
        candidates lose every tournament.

    n_elites : int, default=1
        Number of best candidates carried unchanged into the next generation.
        They are not evaluated again. Must be less than ``population_size``.

{shared_evaluation_parameters}
    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        The results of every candidate, in the format of
        :class:`~sklearn.model_selection.RandomizedSearchCV`'s ``cv_results_``,
        in evaluation order, plus the columns ``generation`` (0 for the initial
        design) and ``proposal_time`` (seconds the optimizer took to propose
        the candidate). Can be imported into a pandas ``DataFrame``.

    best_estimator_ : estimator
        Estimator refitted on the whole data with the best parameters. Not
        available if ``refit=False``.

    best_score_ : float
        Mean cross-validated score of the best candidate.

    best_params_ : dict
        Parameter setting that gave the best results on the hold out data.

    best_index_ : int
        Index in ``cv_results_`` of the best candidate.

    history_ : dict of ndarray
        One entry per generation: ``generation``, ``best_score``,
        ``mean_score`` and ``std_score`` (over the candidates whose fits did
        not all fail), ``n_failed`` (candidates with a non-finite score),
        ``diversity`` (mean pairwise distance between the generation's
        candidates in the space's [0, 1] encoding, divided by the square root
        of its width; it falls as the population converges) and
        ``mutation_scale`` (the optimizer's Gaussian step after the
        generation). Can be imported into a pandas ``DataFrame``.

    n_rounds_ : int
        Number of generations evaluated.

    scorer_ : function or a dict
        Scorer function(s) used on the held out data.

    n_splits_ : int
        The number of cross-validation splits (folds/iterations).

    refit_time_ : float
        Seconds used for refitting the best model on the whole dataset.

    multimetric_ : bool
        Whether or not the scorers compute several metrics.

    classes_ : ndarray of shape (n_classes,)
        The classes labels, when the estimator is a classifier and refitted.

    n_features_in_ : int
        Number of features seen during fit, when the estimator exposes it.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when the estimator exposes them.

    See Also
    --------
    sklearn.model_selection.RandomizedSearchCV : Candidates drawn at random.
    skhp.model_selection.BayesianSearchCV : Candidates proposed by a Gaussian
        process model of the scores.
    skhp.optimize.EvolutionaryOptimizer : The ask/tell strategy behind this
        search, usable on any function.
    skhp.space.LayerSizes : Search the hidden layer sizes of a neural network.

    Notes
    -----
    Numeric hyperparameters mutate by Gaussian steps on their unit scale
    (logarithmic for ``log=True`` dimensions), and crossover blends them by
    simulated binary crossover [1]_; the step size adapts by the 1/5 success
    rule of evolution strategies [2]_. Categorical ones are resampled, and
    crossover takes each from one parent.

    References
    ----------
    .. [1] K. Deb and R. B. Agrawal, "Simulated binary crossover for
       continuous search space", Complex Systems 9(2), 115-148, 1995.
    .. [2] H.-G. Beyer and H.-P. Schwefel, "Evolution strategies: a
       comprehensive introduction", Natural Computing 1, 3-52, 2002.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from skhp import EvolutionarySearchCV
    >>> from skhp.space import Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = EvolutionarySearchCV(
    ...     SVC(),
    ...     {{"C": Real(1e-2, 1e2, log=True), "kernel": ["linear", "rbf"]}},
    ...     population_size=6,
    ...     n_generations=3,
    ...     cv=3,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> len(search.cv_results_["params"])
    18
    >>> search.cv_results_["generation"].tolist()[:8]
    [0, 0, 0, 0, 0, 0, 1, 1]
    >>> search.history_["generation"].tolist()
    [0, 1, 2]
    >>> bool(search.best_score_ > 0.95)
    True
    """
    # fmt: on

    _parameter_constraints: dict = {
        **BaseOptimizerSearchCV._parameter_constraints,
        "population_size": [Interval(Integral, 2, None, closed="left")],
        "n_generations": [Interval(Integral, 1, None, closed="left")],
        "mutation_rate": [Interval(Real, 0, 1, closed="both"), None],
        "crossover_rate": [Interval(Real, 0, 1, closed="both")],
        "tournament_size": [Interval(Integral, 1, None, closed="left")],
        "n_elites": [Interval(Integral, 0, None, closed="left")],
    }

    _round_column = "generation"
    _budget_params = ("n_generations",)

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        population_size=20,
        n_generations=10,
        mutation_rate=None,
        crossover_rate=0.5,
        tournament_size=3,
        n_elites=1,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        random_state=None,
        error_score=np.nan,
        return_train_score=False,
        max_time=None,
        callbacks=None,
        checkpoint=None,
        initial_results=None,
    ):
        super().__init__(
            estimator,
            param_distributions,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            random_state=random_state,
            error_score=error_score,
            return_train_score=return_train_score,
            max_time=max_time,
            callbacks=callbacks,
            checkpoint=checkpoint,
            initial_results=initial_results,
        )
        self.population_size = population_size
        self.n_generations = n_generations
        self.mutation_rate = mutation_rate
        self.crossover_rate = crossover_rate
        self.tournament_size = tournament_size
        self.n_elites = n_elites

    def _check_search(self, space):
        if self.n_elites >= self.population_size:
            raise ValueError(
                f"The 'n_elites' parameter must be less than 'population_size'; got "
                f"n_elites={self.n_elites} and population_size="
                f"{self.population_size}. Keep fewer elites so that each "
                "generation has room for new candidates."
            )

    def _make_optimizer(self, space, random_state):
        self.history_ = {
            key: np.empty(0, dtype=int if key in _INT_KEYS else float)
            for key in _HISTORY_KEYS
        }
        return EvolutionaryOptimizer(
            space,
            population_size=self.population_size,
            mutation_rate=self.mutation_rate,
            crossover_rate=self.crossover_rate,
            tournament_size=self.tournament_size,
            n_elites=self.n_elites,
            random_state=random_state,
        )

    def _budget(self):
        return self.population_size * self.n_generations

    def _batch_size(self, round_index):
        return self.population_size

    def _after_round(self, optimizer, n_rounds):
        """Record the generation just told in ``history_``."""
        params, scores = optimizer._last_told
        finite = scores[np.isfinite(scores)]
        stat = (lambda f: f(finite)) if finite.size else (lambda f: np.nan)
        row = {
            "generation": n_rounds - 1,
            "best_score": stat(np.max),
            "mean_score": stat(np.mean),
            "std_score": stat(np.std),
            "n_failed": len(scores) - finite.size,
            "diversity": _diversity(optimizer._space, params),
            "mutation_scale": optimizer.mutation_scale,
        }
        self.history_ = {
            key: np.append(self.history_[key], row[key]) for key in _HISTORY_KEYS
        }
