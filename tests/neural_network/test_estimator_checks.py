"""scikit-learn's estimator checks on the MLPWithSchedules estimators."""

from skhp._compat import parametrize_with_checks
from skhp.neural_network import MLPWithSchedulesClassifier, MLPWithSchedulesRegressor


def _expected_failures(estimator):
    """Check name -> reason for checks expected to fail: none, on 1.6.1 and 1.9."""
    return {}


@parametrize_with_checks(
    [
        MLPWithSchedulesClassifier(max_iter=100, random_state=0),
        MLPWithSchedulesRegressor(max_iter=100, random_state=0),
    ],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_compatible(estimator, check):
    """Each estimator passes scikit-learn's common checks."""
    check(estimator)
