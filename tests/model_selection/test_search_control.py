"""Tests of stop rules, progress, checkpoint/resume and seeding in the shell."""

import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV

from skhp.callbacks import NoImprovementStopper, ScoreThresholdStopper
from skhp.model_selection import _checkpoint
from skhp.model_selection._search import BaseOptimizerSearchCV
from skhp.optimize import BaseOptimizer
from skhp.space import Real

X, y = make_regression(n_samples=60, n_features=5, noise=5.0, random_state=0)
SPACE = {"alpha": Real(1e-3, 1e3, log=True)}


class CountingRidge(Ridge):
    """Ridge that counts its fits and can raise KeyboardInterrupt at a given fit."""

    n_fits = 0
    interrupt_at = None

    def fit(self, X, y, sample_weight=None):
        type(self).n_fits += 1
        if type(self).n_fits == type(self).interrupt_at:
            raise KeyboardInterrupt
        return super().fit(X, y, sample_weight)


@pytest.fixture(autouse=True)
def _reset_counter():
    CountingRidge.n_fits, CountingRidge.interrupt_at = 0, None


class _LocalOptimizer(BaseOptimizer):
    """Random start, then random steps around the best: needs its rng and scores."""

    def _propose(self, n):
        if self.best_params is None:
            return self._fill_random([], n)
        u = self._space.subspace_to_unit(0, [self.best_params])
        steps = u + self._rng.normal(scale=0.1, size=(4 * n, u.shape[1]))
        candidates = self._space.subspace_from_unit(0, np.clip(steps, 0, 1))
        return self._fill_random(self._new_unique(candidates, n), n)


class LocalSearchCV(BaseOptimizerSearchCV):
    """A small adaptive search: n_iter candidates, three per round."""

    _parameter_constraints = {
        **BaseOptimizerSearchCV._parameter_constraints,
        "n_iter": [int],
    }
    _budget_params = ("n_iter",)

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        n_iter=12,
        cv=3,
        verbose=0,
        random_state=None,
        max_time=None,
        callbacks=None,
        checkpoint=None,
        initial_results=None,
    ):
        super().__init__(
            estimator,
            param_distributions,
            cv=cv,
            verbose=verbose,
            random_state=random_state,
            max_time=max_time,
            callbacks=callbacks,
            checkpoint=checkpoint,
            initial_results=initial_results,
        )
        self.n_iter = n_iter

    def _make_optimizer(self, space, random_state):
        return _LocalOptimizer(space, random_state=random_state)

    def _budget(self):
        return self.n_iter

    def _batch_size(self, round_index):
        return 3


def _summary(search):
    results = search.cv_results_
    return (
        [p["alpha"] for p in results["params"]],
        results["mean_test_score"].tolist(),
        results["round"].tolist(),
    )


def test_resume_after_interrupt_matches_an_uninterrupted_run(tmp_path):
    """An interrupted search resumes without refitting and ends as if never stopped."""
    path = tmp_path / "search.json"
    reference = LocalSearchCV(CountingRidge(), SPACE, random_state=0).fit(X, y)
    CountingRidge.n_fits = 0

    CountingRidge.interrupt_at = 20  # during the third round (9 fits a round)
    search = LocalSearchCV(CountingRidge(), SPACE, random_state=0, checkpoint=path)
    with pytest.raises(KeyboardInterrupt):
        search.fit(X, y)
    saved = json.loads(path.read_text())
    assert len(saved["rounds"]) == 2 and not saved["finished"]

    CountingRidge.n_fits, CountingRidge.interrupt_at = 0, None
    search.fit(X, y)
    assert CountingRidge.n_fits == (12 - 6) * 3 + 1  # remaining rounds + refit
    assert _summary(search) == _summary(reference)
    assert search.best_params_ == reference.best_params_


def test_resume_without_seed_replays_the_saved_generator(tmp_path):
    """With random_state=None the checkpoint's generator state makes resume exact."""
    path = tmp_path / "search.json"
    CountingRidge.interrupt_at = 20
    search = LocalSearchCV(CountingRidge(), SPACE, checkpoint=path)
    with pytest.raises(KeyboardInterrupt):
        search.fit(X, y)
    first_rounds = json.loads(path.read_text())["rounds"]
    CountingRidge.interrupt_at = None
    search.fit(X, y)
    resumed = json.loads(path.read_text())["rounds"]
    assert resumed[:2] == first_rounds
    assert len(search.cv_results_["params"]) == 12


def test_finished_checkpoint_fits_one_candidate_again(tmp_path):
    """Fitting a finished search again reads its records and fits one candidate.

    scikit-learn reports a search only after something was fitted: the best
    candidate is fitted again, and its recorded scores are kept.
    """
    path = tmp_path / "search.json"
    first = LocalSearchCV(CountingRidge(), SPACE, random_state=0, checkpoint=path)
    first.fit(X, y)
    CountingRidge.n_fits = 0
    again = LocalSearchCV(CountingRidge(), SPACE, random_state=0, checkpoint=path)
    again.fit(X, y)
    assert CountingRidge.n_fits == 3 + 1  # one candidate on 3 folds, the refit
    assert _summary(again) == _summary(first)
    assert again.cv_results_["round"].tolist() == first.cv_results_["round"].tolist()


def test_budget_may_grow_when_resuming(tmp_path):
    """A resumed search may be given a larger n_iter and continues from the file."""
    path = tmp_path / "search.json"
    LocalSearchCV(CountingRidge(), SPACE, random_state=0, checkpoint=path).fit(X, y)
    CountingRidge.n_fits = 0
    longer = LocalSearchCV(
        CountingRidge(), SPACE, n_iter=18, random_state=0, checkpoint=path
    ).fit(X, y)
    reference = LocalSearchCV(CountingRidge(), SPACE, n_iter=18, random_state=0)
    assert _summary(longer) == _summary(reference.fit(X, y))


@pytest.mark.parametrize(
    "change, match",
    [
        ({"param_distributions": {"alpha": Real(1e-2, 1e2, log=True)}}, "its space"),
        ({"estimator": CountingRidge(fit_intercept=False)}, "its estimator"),
        ({"random_state": 1}, "its settings"),
    ],
)
def test_checkpoint_of_another_search_is_refused(tmp_path, change, match):
    """A checkpoint resumes only the same search on the same data."""
    path = tmp_path / "search.json"
    LocalSearchCV(CountingRidge(), SPACE, random_state=0, checkpoint=path).fit(X, y)
    params = {"estimator": CountingRidge(), "param_distributions": SPACE, **change}
    other = LocalSearchCV(
        params.pop("estimator"),
        params.pop("param_distributions"),
        checkpoint=path,
        **{"random_state": 0, **params},
    )
    with pytest.raises(ValueError, match=f"different search: {match}"):
        other.fit(X, y)
    with pytest.raises(ValueError, match="different search: its data"):
        LocalSearchCV(CountingRidge(), SPACE, random_state=0, checkpoint=path).fit(
            X, y + 1
        )


def test_checkpoint_of_other_data_shape_is_refused(tmp_path):
    """Data with another number of features is named as the mismatch."""
    path = tmp_path / "search.json"
    LocalSearchCV(CountingRidge(), SPACE, random_state=0, checkpoint=path).fit(X, y)
    search = LocalSearchCV(CountingRidge(), SPACE, random_state=0, checkpoint=path)
    CountingRidge.n_fits = 0
    with pytest.raises(ValueError, match="different search: its data shape"):
        search.fit(X[:, :4], y)
    assert CountingRidge.n_fits == 0


def test_interrupted_write_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    """A KeyboardInterrupt while a checkpoint is written leaves the last one whole."""
    path = tmp_path / "search.json"
    dump, calls = json.dump, []

    def dump_then_interrupt(obj, f, **kwargs):
        calls.append(1)
        if len(calls) < 2:
            return dump(obj, f, **kwargs)
        f.write(json.dumps(obj)[:50])  # half a file, then the user presses Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(_checkpoint.json, "dump", dump_then_interrupt)
    search = LocalSearchCV(CountingRidge(), SPACE, random_state=0, checkpoint=path)
    with pytest.raises(KeyboardInterrupt):
        search.fit(X, y)
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["search.json"]
    assert len(json.loads(path.read_text())["rounds"]) == 1

    reference = LocalSearchCV(CountingRidge(), SPACE, random_state=0).fit(X, y)
    assert _summary(search.fit(X, y)) == _summary(reference)


@pytest.mark.parametrize("content", ["{", '{"format": "other"}', ""])
def test_corrupted_checkpoint_is_a_clear_error(tmp_path, content):
    """A truncated or foreign file is refused with a message saying what to do."""
    path = tmp_path / "search.json"
    path.write_text(content)
    search = LocalSearchCV(CountingRidge(), SPACE, random_state=0, checkpoint=path)
    with pytest.raises(ValueError, match=r"corrupted or truncated.*Delete it"):
        search.fit(X, y)
    assert CountingRidge.n_fits == 0


def _drop(field):
    def damage(data):
        del data[field]

    return damage


def _set_round(field, value):
    def damage(data):
        data["rounds"][1][field] = value

    return damage


def _cut_records(data):
    data["rounds"][1]["records"] = data["rounds"][1]["records"][:-1]


def _three_folds_as_two(data):
    # Records still a multiple of the candidates, but not of this search's folds.
    data["rounds"][0]["records"] = data["rounds"][0]["records"][:6]


@pytest.mark.parametrize(
    "damage, match",
    [
        (_drop("fingerprint"), "lacks the field 'fingerprint'"),
        (_drop("finished"), "lacks the field 'finished'"),
        (_set_round("keys", 3), "candidates of round 1 are not lists"),
        (_set_round("records", [{}]), "records of round 1 are incomplete"),
        (_cut_records, "round 1 has 8 records for 3 candidates"),
        (_three_folds_as_two, "round 0 holds 6 records for 3 candidates on 3 folds"),
    ],
)
def test_damaged_checkpoint_is_a_clear_error(tmp_path, damage, match):
    """Valid JSON with a damaged layout is refused as corrupted, not a KeyError."""
    path = tmp_path / "search.json"
    LocalSearchCV(CountingRidge(), SPACE, random_state=0, checkpoint=path).fit(X, y)
    data = json.loads(path.read_text())
    damage(data)
    path.write_text(json.dumps(data))
    search = LocalSearchCV(CountingRidge(), SPACE, random_state=0, checkpoint=path)
    CountingRidge.n_fits = 0
    with pytest.raises(ValueError, match=rf"checkpoint .* corrupted.*{match}"):
        search.fit(X, y)
    assert CountingRidge.n_fits == 0


def test_checkpoint_is_plain_json(tmp_path):
    """The file is JSON with candidates stored as space keys, never as objects."""
    path = tmp_path / "search.json"
    LocalSearchCV(CountingRidge(), SPACE, random_state=0, checkpoint=path).fit(X, y)
    data = json.loads(path.read_text())
    assert data["format"] == "skhp-search-checkpoint" and data["finished"]
    assert [len(r["keys"]) for r in data["rounds"]] == [3, 3, 3, 3]
    assert all(isinstance(k[1], float) for r in data["rounds"] for k in r["keys"])


class FragileRidge(CountingRidge):
    """CountingRidge whose fits fail for a large alpha."""

    def fit(self, X, y, sample_weight=None):
        if self.alpha > 10:
            raise ValueError("alpha too large")
        return super().fit(X, y, sample_weight)


def _no_constants(name):
    raise ValueError(f"{name} is not strict JSON")


def test_failed_candidates_are_strict_json_and_resume_as_nan(tmp_path):
    """Failed fits (NaN scores) are written as strict JSON and read back as NaN."""
    path = tmp_path / "search.json"
    search = LocalSearchCV(FragileRidge(), SPACE, random_state=0, checkpoint=path)
    with pytest.warns(FitFailedWarning):
        search.fit(X, y)
    first = _summary(search)
    assert np.isnan(first[1]).any()
    json.loads(path.read_text(), parse_constant=_no_constants)

    with pytest.warns(UserWarning, match="test scores are non-finite"):
        search.fit(X, y)  # replays the failures from the file
    np.testing.assert_array_equal(_summary(search)[1], first[1])
    assert _summary(search)[0] == first[0]


def test_max_time_ends_the_search_cleanly():
    """With the time budget spent, no new round starts and the search is usable."""
    search = LocalSearchCV(CountingRidge(), SPACE, random_state=0, max_time=1e-9)
    search.fit(X, y)
    assert search.n_rounds_ == 1 and len(search.cv_results_["params"]) == 3
    assert search.stop_reason_.startswith("max_time")
    assert search.predict(X[:2]).shape == (2,)


def test_callbacks_stop_the_search_and_say_why():
    """The first callback that returns True ends the search; stop_reason_ names it."""
    search = LocalSearchCV(
        CountingRidge(),
        SPACE,
        random_state=0,
        callbacks=[NoImprovementStopper(patience=50), ScoreThresholdStopper(-10.0)],
    ).fit(X, y)
    assert search.n_rounds_ == 1
    assert search.stop_reason_ == "callback: ScoreThresholdStopper(threshold=-10.0)"
    full = LocalSearchCV(CountingRidge(), SPACE, random_state=0).fit(X, y)
    assert full.stop_reason_ == "budget" and full.n_rounds_ == 4


def test_callback_that_is_not_callable_is_refused_before_fitting():
    """A wrong callback fails at the start of fit."""
    search = LocalSearchCV(CountingRidge(), SPACE, callbacks=["stop"])
    with pytest.raises(TypeError, match="callbacks must be callables"):
        search.fit(X, y)
    assert CountingRidge.n_fits == 0


def test_verbose_one_prints_one_line_per_round(capsys):
    """verbose=1 prints a line per round and none of scikit-learn's per-fit lines."""
    LocalSearchCV(CountingRidge(), SPACE, random_state=0, verbose=1).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("[LocalSearchCV] round 1: 3 candidates evaluated")
    assert lines[-1].startswith("[LocalSearchCV] round 4: 12 candidates evaluated")
    assert all("best score" in line and "s elapsed" in line for line in lines)


def test_verbose_two_hands_over_to_scikit_learn(capsys):
    """Higher levels add scikit-learn's own per-round messages."""
    LocalSearchCV(CountingRidge(), SPACE, random_state=0, verbose=2).fit(X, y)
    out = capsys.readouterr().out
    assert "Fitting 3 folds for each of 3 candidates" in out


def test_initial_results_are_reused_without_refitting():
    """Candidates of an earlier search count as evaluated and are listed first."""
    grid = GridSearchCV(CountingRidge(), {"alpha": [0.01, 1.0, 100.0]}, cv=3)
    grid.fit(X, y)
    CountingRidge.n_fits = 0
    search = LocalSearchCV(
        CountingRidge(),
        SPACE,
        n_iter=6,
        random_state=0,
        initial_results=grid.cv_results_,
    ).fit(X, y)
    assert CountingRidge.n_fits == 6 * 3 + 1
    results = search.cv_results_
    assert [p["alpha"] for p in results["params"][:3]] == [0.01, 1.0, 100.0]
    assert results["round"][:3].tolist() == [-1, -1, -1]
    np.testing.assert_allclose(
        results["mean_test_score"][:3], grid.cv_results_["mean_test_score"]
    )
    assert len(results["params"]) == 9


def test_initial_results_must_match_the_folds_and_the_space():
    """Seeds from other folds or outside the space are refused with the reason."""
    grid = GridSearchCV(CountingRidge(), {"alpha": [0.01, 1.0]}, cv=5).fit(X, y)
    search = LocalSearchCV(CountingRidge(), SPACE, initial_results=grid.cv_results_)
    with pytest.raises(ValueError, match="more than the 3 splits"):
        search.fit(X, y)
    grid = GridSearchCV(CountingRidge(), {"alpha": [1e4]}, cv=3).fit(X, y)
    search.set_params(initial_results=grid.cv_results_)
    with pytest.raises(ValueError, match=r"\{'alpha': 10000.0\} is not in the search"):
        search.fit(X, y)


_RESUME_SCRIPT = """
import json, sys
import numpy as np
from sklearn.datasets import load_iris
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from skhp import BayesianSearchCV
from skhp.space import Integer, Real

X, y = load_iris(return_X_y=True)
model = make_pipeline(
    SelectKBest(f_classif), LogisticRegression(random_state=np.random.RandomState(0))
)
space = {"selectkbest__k": Integer(1, 4), "logisticregression__C": Real(0.01, 10)}
search = BayesianSearchCV(
    model, space, n_iter=4, n_initial_points=2, cv=3, random_state=0,
    checkpoint=sys.argv[1],
)
search.fit(X, y)
print(json.dumps(search.cv_results_["mean_test_score"].tolist()))
"""


def test_checkpoint_resumes_in_another_process(tmp_path):
    """A checkpoint written by one process is resumed by another.

    The estimator holds a function and a RandomState, whose reprs show memory
    addresses that differ between processes.
    """
    path = tmp_path / "search.json"
    command = [sys.executable, "-c", _RESUME_SCRIPT, str(path)]
    first = subprocess.run(command, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    again = subprocess.run(command, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == json.loads(first.stdout)


def test_fingerprint_describes_values_without_addresses():
    """Equal settings built apart describe alike; different ones do not."""
    a = _checkpoint.describe(Ridge(random_state=np.random.RandomState(0)))
    b = _checkpoint.describe(Ridge(random_state=np.random.RandomState(0)))
    c = _checkpoint.describe(Ridge(random_state=np.random.RandomState(1)))
    assert a == b != c
    assert "0x" not in _checkpoint.describe({"f": object(), "g": len})
    long_a, long_b = np.zeros(5000), np.zeros(5000)
    long_b[2500] = 1.0  # numpy's repr would hide this difference
    assert _checkpoint.describe(long_a) != _checkpoint.describe(long_b)
