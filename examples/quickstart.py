"""Quick start: tune an SVM with BayesianSearchCV.

A Gaussian-process search over the regularization, the kernel width and the
kernel of a support-vector classifier, on the breast-cancer dataset that ships
with scikit-learn. It is used exactly like RandomizedSearchCV.
"""

from sklearn.datasets import load_breast_cancer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhp import BayesianSearchCV
from skhp.space import Categorical, Real

X, y = load_breast_cancer(return_X_y=True)
model = make_pipeline(StandardScaler(), SVC())
space = {
    "svc__C": Real(1e-2, 1e3, log=True),
    "svc__gamma": Real(1e-4, 1e0, log=True),
    "svc__kernel": Categorical(["rbf", "sigmoid"]),
}

search = BayesianSearchCV(model, space, n_iter=30, cv=5, n_jobs=-1, random_state=0)
search.fit(X, y)

print("best parameters:", search.best_params_)
print(f"best cross-validated accuracy: {search.best_score_:.4f}")
