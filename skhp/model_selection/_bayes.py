"""BayesianSearchCV: cross-validated search guided by a Gaussian process."""

from numbers import Integral, Real

import numpy as np

from skhp._compat import Interval, StrOptions
from skhp.model_selection._search import BaseOptimizerSearchCV, fill_shared_doc
from skhp.optimize import BayesianOptimizer


@fill_shared_doc
class BayesianSearchCV(BaseOptimizerSearchCV):
    # fmt: off
    # The shared parameter text is inserted at column 0 by fill_shared_doc,
    # which the formatter would otherwise re-indent around.
    """Bayesian optimization over hyperparameters, with cross-validation.

    A drop-in for :class:`~sklearn.model_selection.RandomizedSearchCV` that
    chooses each candidate from what the earlier ones scored. The first
    ``n_initial_points`` candidates fill the space evenly (a Latin hypercube)
    and are evaluated together; then a Gaussian process models the mean
    cross-validated score as a function of the hyperparameters, and each
    round evaluates the ``batch_size`` candidates that maximize an acquisition
    function (expected improvement by default) of that model.

    One model covers the whole space: a list of dicts (conditional
    sub-spaces) is encoded jointly, so what is learnt about a hyperparameter
    shared by several sub-spaces serves them all. Candidates whose fits fail
    score NaN, rank last in ``cv_results_``, and are modelled as the worst
    score seen, so the search moves away from them; no candidate is ever
    evaluated twice. Every random choice is made in the calling process from
    ``random_state``: results do not depend on ``n_jobs`` or the joblib
    backend. The strategy itself is :class:`~skhp.optimize.BayesianOptimizer`.

    Read more in the :ref:`User Guide <bayesian_search>`.

    Parameters
    ----------
{shared_parameters}
    n_iter : int, default=50
        Number of candidates evaluated, the initial design included. A space
        with fewer distinct candidates ends when it is exhausted, with a
        warning.

    n_initial_points : int, default=10
        Size of the space-filling initial design, evaluated in the first round
        (in parallel under ``n_jobs``) before the model is used. Values larger
        than ``n_iter`` are clipped to ``n_iter`` (the search is then a pure
        Latin-hypercube design). Candidates given by ``initial_results`` count
        towards it.

    acquisition : {{"ei", "ucb", "pi"}}, default="ei"
        How the model's prediction and uncertainty are traded off: expected
        improvement (computed in log form, robust far from the best score),
        upper confidence bound (``mean + kappa * std``, see ``kappa``) or
        probability of improvement.

    batch_size : int, default=1
        Candidates evaluated together in each round after the first, so that
        ``batch_size`` times the number of folds keeps ``n_jobs`` workers busy.
        A batch is chosen with one model fit, by the kriging believer
        heuristic.

    kappa : float, default=1.96
        Weight of the uncertainty for ``acquisition="ucb"``; larger explores
        more.

{shared_evaluation_parameters}
    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        The results of every candidate, in the format of
        :class:`~sklearn.model_selection.RandomizedSearchCV`'s ``cv_results_``,
        in evaluation order, plus the columns ``round`` (0 for the initial
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

    n_rounds_ : int
        Number of rounds evaluated.

    stop_reason_ : str
        Why the search ended: ``"budget"``, ``"exhausted"`` (the space had no
        more candidates), or an early stop by ``max_time`` or ``callbacks``.

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
    skhp.model_selection.EvolutionarySearchCV : Candidates bred by a genetic
        algorithm.
    skhp.optimize.BayesianOptimizer : The ask/tell strategy behind this search,
        usable on any function.

    Notes
    -----
    The model is a Gaussian process with a Matérn-5/2 kernel and one length
    scale per encoded column (log scales for ``log=True`` dimensions, integers
    on their unit scale, one column per category), learned noise and
    standardized scores; its hyperparameters maximize the marginal likelihood
    and are warm-started from round to round. Proposing a candidate takes tens
    of milliseconds up to a few hundred observations, so the search costs
    little more than the fits it runs.

    References
    ----------
    .. [1] J. Snoek, H. Larochelle and R. P. Adams, "Practical Bayesian
       Optimization of Machine Learning Algorithms", NeurIPS 2012.
    .. [2] S. Ament, S. Daulton, D. Eriksson, M. Balandat and E. Bakshy,
       "Unexpected Improvements to Expected Improvement for Bayesian
       Optimization", NeurIPS 2023.
    .. [3] D. Ginsbourger, R. Le Riche and L. Carraro, "Kriging Is Well-Suited
       to Parallelize Optimization", Computational Intelligence in Expensive
       Optimization Problems, 2010.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from skhp import BayesianSearchCV
    >>> from skhp.space import Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = BayesianSearchCV(
    ...     SVC(),
    ...     {{"C": Real(1e-2, 1e2, log=True), "kernel": ["linear", "rbf"]}},
    ...     n_iter=12,
    ...     n_initial_points=5,
    ...     cv=3,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> search.cv_results_["round"].tolist()
    [0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7]
    >>> sorted(search.best_params_)
    ['C', 'kernel']
    >>> bool(search.best_score_ > 0.95)
    True
    """
    # fmt: on

    _parameter_constraints: dict = {
        **BaseOptimizerSearchCV._parameter_constraints,
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "n_initial_points": [Interval(Integral, 0, None, closed="left")],
        "acquisition": [StrOptions({"ei", "ucb", "pi"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "kappa": [Interval(Real, 0, None, closed="left")],
    }

    _budget_params = ("n_iter",)

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        n_iter=50,
        n_initial_points=10,
        acquisition="ei",
        batch_size=1,
        kappa=1.96,
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
        self.n_iter = n_iter
        self.n_initial_points = n_initial_points
        self.acquisition = acquisition
        self.batch_size = batch_size
        self.kappa = kappa

    def _n_initial(self):
        return min(self.n_initial_points, self.n_iter)

    def _make_optimizer(self, space, random_state):
        return BayesianOptimizer(
            space,
            n_initial_points=self._n_initial(),
            acquisition=self.acquisition,
            kappa=self.kappa,
            random_state=random_state,
        )

    def _budget(self):
        return self.n_iter

    def _batch_size(self, round_index):
        # The initial design does not depend on any score: it is one round, so
        # that its fits run in parallel.
        if round_index == 0 and self._n_initial() > 0:
            return self._n_initial()
        return self.batch_size
