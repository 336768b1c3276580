"""The one door to scikit-learn's private API.

Every private scikit-learn name skhp uses is imported here and nowhere else, so
that a scikit-learn release that moves one of them breaks a single module. The
supported range is declared in ``pyproject.toml`` and both ends are tested.
"""

import inspect

import sklearn
from sklearn.base import _fit_context
from sklearn.model_selection._search import BaseSearchCV
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    RealNotInt,
    StrOptions,
    validate_parameter_constraints,
    validate_params,
)
from sklearn.utils.fixes import parse_version
from sklearn.utils.multiclass import _check_partial_fit_first_call
from sklearn.utils.validation import (
    _check_method_params,
    _check_sample_weight,
    _num_samples,
)

SKLEARN_VERSION = parse_version(parse_version(sklearn.__version__).base_version)

# scikit-learn 1.9 added a callback framework: ``set_callbacks`` on estimators and a
# ``callback_ctx`` argument to ``BaseSearchCV._run_search``.
try:  # pragma: no cover - depends on the installed scikit-learn
    from sklearn.callback import ProgressBar

    HAS_CALLBACKS = True
except ImportError:  # pragma: no cover - depends on the installed scikit-learn
    ProgressBar = None
    HAS_CALLBACKS = False

#: Whether ``evaluate_candidates`` inside ``BaseSearchCV.fit`` takes ``callback_ctx``.
RUN_SEARCH_TAKES_CALLBACK_CTX = (
    "callback_ctx" in inspect.signature(BaseSearchCV._run_search).parameters
)


def parametrize_with_checks(estimators, *, expected_failed_checks=None):
    """Call scikit-learn's ``parametrize_with_checks`` across versions.

    Parameters
    ----------
    estimators : list of estimator instances
        The estimators to check.
    expected_failed_checks : callable, default=None
        Maps an estimator to a dict of check name -> reason it is expected to fail.

    Returns
    -------
    decorator : pytest.MarkDecorator
        ``pytest.mark.parametrize`` over ``(estimator, check)`` pairs.
    """
    import pytest
    from sklearn.utils.estimator_checks import parametrize_with_checks as _pwc

    decorator = _pwc(estimators, expected_failed_checks=expected_failed_checks)
    # scikit-learn 1.6 hands pytest a generator of cases (1.9 a list), which
    # pytest 9 deprecates (PytestRemovedIn10Warning) and pytest 10 will refuse;
    # a list of the same cases works with every pytest.
    argnames, argvalues = decorator.args
    return pytest.mark.parametrize(argnames, list(argvalues), **decorator.kwargs)


__all__ = [
    "HAS_CALLBACKS",
    "RUN_SEARCH_TAKES_CALLBACK_CTX",
    "SKLEARN_VERSION",
    "BaseSearchCV",
    "HasMethods",
    "Hidden",
    "Interval",
    "InvalidParameterError",
    "ProgressBar",
    "RealNotInt",
    "StrOptions",
    "_check_method_params",
    "_check_partial_fit_first_call",
    "_check_sample_weight",
    "_fit_context",
    "_num_samples",
    "parametrize_with_checks",
    "validate_parameter_constraints",
    "validate_params",
]
