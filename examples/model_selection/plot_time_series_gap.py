"""
===========================================================
Forecasting with lag features: why the gap in CV matters
===========================================================

Forecasting models are usually trained on rows built from windows of the
series: features that summarize the last hours or days, and a target that
looks ahead (here, the mean of the next 24 hours). Neighbouring rows then
share most of their data. Walk-forward cross-validation without a gap trains
on the rows just before each test block, whose targets already average values
from the test period: the search is scored on a future it has partly seen.

:class:`~skhp.model_selection.TimeSeriesGapSplit` leaves out ``gap`` rows
between the training rows and each test block. This example tunes a
nearest-neighbours forecaster with and without a gap and checks both choices
against a truly held-out future.
"""

# %%
# A seasonal series
# -----------------
# Twenty weeks of hourly data: a daily cycle, a slowly wandering level (an
# autoregressive process that takes days to forget) and measurement noise.
# The generator is seeded, so every run draws the same series.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skhp.model_selection import BayesianSearchCV, TimeSeriesGapSplit
from skhp.plot import plot_splits
from skhp.space import Categorical, Integer

rng = np.random.RandomState(0)
n_hours = 24 * 7 * 20
hours = np.arange(n_hours)
level = np.zeros(n_hours)
shocks = rng.normal(scale=0.1, size=n_hours)
for t in range(1, n_hours):
    level[t] = 0.995 * level[t - 1] + shocks[t]
series = (
    10
    + 2 * np.sin(2 * np.pi * hours / 24)
    + level
    + rng.normal(scale=0.5, size=n_hours)
)

fig, ax = plt.subplots(figsize=(8, 3), layout="constrained")
ax.plot(hours / 24, series, linewidth=0.6)
ax.axvspan((n_hours - 24 * 28) / 24, n_hours / 24, color="tab:gray", alpha=0.2)
ax.text(
    (n_hours - 24 * 14) / 24,
    0.04,
    "held-out future",
    ha="center",
    transform=ax.get_xaxis_transform(),
)
ax.set_xlabel("day")
ax.set_ylabel("value")
ax.set_title("The simulated hourly series")

# %%
# Lag features and a look-ahead target
# ------------------------------------
# At each hour ``t`` the features are the means of the last 24, 72 and 168
# hours and the change over the last day; the target is the mean of the next
# 24 hours, a day-ahead forecast. Every window reads the series through its
# running sum. The first week has no full 168-hour window and the last day has
# no full target window, so the rows start at hour 168 and end 24 hours early.
lookahead = 24
rows = np.arange(168, n_hours - lookahead)
cumsum = np.r_[0.0, np.cumsum(series)]


def mean_of_last(hours_back):
    return (cumsum[rows + 1] - cumsum[rows + 1 - hours_back]) / hours_back


X = np.column_stack(
    [
        mean_of_last(24),
        mean_of_last(72),
        mean_of_last(168),
        series[rows] - series[rows - 24],
    ]
)
y = (cumsum[rows + 1 + lookahead] - cumsum[rows + 1]) / lookahead

# %%
# The last four weeks are the future: no search sees them. The 24 rows just
# before them are dropped as well, since their targets average hours of that
# future; what remains is the development set, on which the searches run.
n_future = 24 * 28
X_dev, y_dev = X[: -n_future - lookahead], y[: -n_future - lookahead]
print(f"{len(X_dev)} development rows, {n_future} future rows")

# %%
# The future is then forecast as in production: each of its 28 days by a
# model refitted that day on every row whose target is known by then, so
# that the model keeps up with the series. That is itself a walk-forward
# split of all the rows, one fold per future day, with a gap of one target
# window; its first fold trains on exactly the development set.
future_days = TimeSeriesGapSplit(n_splits=28, test_size=24, gap=lookahead)


def future_error(estimator):
    """Mean absolute error of day-ahead forecasts over the 28 future days."""
    scores = cross_val_score(
        estimator, X, y, cv=future_days, scoring="neg_mean_absolute_error"
    )
    return -scores.mean()


# %%
# Two walk-forward splitters
# --------------------------
# Both test on the last 20 days of the development set, one day per fold,
# each fold training on everything before it. The second leaves a gap of 24
# rows, the length of the target's window: every training row then has a
# target that is known when the first forecast of the test day is made, as in
# production, where the latest row with a known target is the one made a day
# earlier.
# sphinx_gallery_thumbnail_number = 2
cv_no_gap = TimeSeriesGapSplit(n_splits=20, test_size=24, gap=0)
cv_gap = TimeSeriesGapSplit(n_splits=20, test_size=24, gap=lookahead)

fig, axes = plt.subplots(2, 1, figsize=(8, 9), layout="constrained")
for ax, cv in zip(axes, [cv_no_gap, cv_gap], strict=True):
    plot_splits(cv, X_dev, ax=ax)
    ax.set_xlim(len(X_dev) - 24 * 24, len(X_dev))
    ax.set_title(f"TimeSeriesGapSplit(gap={cv.gap}): the last 24 days")

# %%
# The look-back windows do not leak by themselves: they only read the past.
# But they make each row a near copy of the row an hour earlier, and a
# flexible model such as a nearest-neighbours regressor answers a test row
# with the training rows closest to it. Without a gap those are the rows just
# before the test day, whose targets overlap the test targets by up to 23 of
# their 24 hours.
#
# So the gap must cover the window the target looks ahead; the windows of
# the features, which look back, need none of it. A gap as long as the
# longest window of all (168 hours here) is a rule that is always safe and
# easy to remember, at the price of training each fold on a week less data.
#
# The search
# ----------
# The same Bayesian search over the number of neighbours and their weighting
# runs once per splitter, minimizing the mean absolute error.
model = make_pipeline(StandardScaler(), KNeighborsRegressor())
space = {
    "kneighborsregressor__n_neighbors": Integer(1, 300, log=True),
    "kneighborsregressor__weights": Categorical(["uniform", "distance"]),
}
searches = {}
for name, cv in [("gap=0", cv_no_gap), (f"gap={lookahead}", cv_gap)]:
    searches[name] = BayesianSearchCV(
        model,
        space,
        n_iter=20,
        n_initial_points=8,
        cv=cv,
        scoring="neg_mean_absolute_error",
        random_state=0,
    ).fit(X_dev, y_dev)

# %%
# Each search reports its chosen model and its cross-validated error; the
# chosen settings are then used on the four weeks of future.
print(f"{'':>7}  {'k':>4}  {'weights':>8}  {'CV MAE':>7}  {'future MAE':>10}")
for name, search in searches.items():
    params = search.best_params_
    print(
        f"{name:>7}  {params['kneighborsregressor__n_neighbors']:>4}  "
        f"{params['kneighborsregressor__weights']:>8}  "
        f"{-search.best_score_:7.3f}  {future_error(search.best_estimator_):10.3f}"
    )

# %%
# Without a gap, the search favoured few neighbours and promised an error
# well below what that model achieves on the future: the nearest neighbours
# of a test row were its own overlapping predecessors. With the gap, the
# search chose a smoother model that does better on the future, and its
# estimate is close to the truth. The gap changes which model is chosen, not
# only how good it is said to be.
#
# The difference shows in every candidate. Scored by both splitters, the
# same numbers of neighbours give a nearly flat curve without the gap, blind
# to what few neighbours cost, and with the gap a curve that follows the
# future's.
ks = [1, 2, 4, 8, 16, 32, 64, 128, 256]
curves = {}
for name, cv in [("CV, gap=0", cv_no_gap), (f"CV, gap={lookahead}", cv_gap)]:
    curves[name] = [
        -cross_val_score(
            model.set_params(kneighborsregressor__n_neighbors=k),
            X_dev,
            y_dev,
            cv=cv,
            scoring="neg_mean_absolute_error",
        ).mean()
        for k in ks
    ]
curves["the future"] = [
    future_error(model.set_params(kneighborsregressor__n_neighbors=k)) for k in ks
]

fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
for name, errors in curves.items():
    style = {"marker": "s", "color": "black"} if name == "the future" else {}
    ax.plot(ks, errors, label=name, **{"marker": "o", **style})
ax.set_xscale("log")
ax.set_xlabel("number of neighbours (uniform weights)")
ax.set_ylabel("mean absolute error")
ax.set_title("Cross-validated and future error of the day-ahead forecast")
ax.legend()
plt.show()
