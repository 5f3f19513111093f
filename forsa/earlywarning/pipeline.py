"""The risk model's pipeline: ONE factory, used by production training (model.py) and by ``earlywarning_evaluate``.

Input is a table whose columns are either numeric (floats, ``nan`` when missing) or categorical
(strings, ``None`` when missing). The model is a histogram gradient boosting classifier, which
takes categories natively and missing values as they are, calibrated so that a 0.30 score means
about 30 % of such learners drop out. Its baseline is a regularised logistic regression on
one-hot categories and imputed, standardised numbers; beside both, the majority (prior) baseline.

Scores explain themselves by *what-if*: for one learner, how much the predicted probability falls
when a single feature is set to its reference value (the training median, or the most frequent
category). It is cheap (one extra prediction per feature), honest (it is the model's own answer,
not a surrogate), and reads as "without this, the risk would be lower by so much".
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from threadpoolctl import threadpool_limits

NUMERIC, CATEGORICAL = "numeric", "categorical"

# Isotonic calibration is a step function fitted on the held-out part of each calibration fold: with
# fewer than about a thousand rows per fold it overfits (scikit-learn's guide says the same), so
# smaller sets use the two-parameter sigmoid (Platt), which cannot overfit but can only correct an
# S-shaped distortion. 3 folds of 1,000+ rows each: isotonic from 3,000 examples.
ISOTONIC_FROM = 3000
CALIBRATION_FOLDS = 3
# Histogram gradient boosting bins each feature into at most 255 values, categories included: rarer
# categories beyond that are pooled into one "infrequent" category.
MAX_CATEGORIES = 250


@contextmanager
def one_thread():
    """Fit and predict on one OpenMP thread.

    Gradient boosting parallelises with OpenMP, whose threads spin while they wait: on a server whose
    cores are busy with other work (web workers, the database) one fit took 79 s instead of 0.9 s on
    1,500 rows. Scoring runs as a background task beside other work, so it keeps to one core.
    """
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


def calibration_method(n_samples):
    return "isotonic" if n_samples >= ISOTONIC_FROM else "sigmoid"


def _indices(kinds, kind):
    return [i for i, k in enumerate(kinds) if k == kind]


def encoder(kinds):
    """The columns as numbers, in their order: categories as ordinal codes (nan when missing or unknown,
    the rarest pooled beyond MAX_CATEGORIES), numbers as they are."""
    return ColumnTransformer(
        [(f"categorical_{c}", OrdinalEncoder(
            handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan,
            max_categories=MAX_CATEGORIES, dtype=np.float64), [c]) if kind == CATEGORICAL
         # the identity, as floats (a passthrough would keep an object matrix's type)
         else (f"numeric_{c}", StandardScaler(with_mean=False, with_std=False), [c]) for c, kind in enumerate(kinds)],
        sparse_threshold=0,
    )


def make_model(kinds, *, n_samples, seed=0):
    """The production model for columns of these kinds: the encoder (fitted once, on every training
    row), then calibrated gradient boosting on the plain numeric matrix it gives. Scoring encodes once
    and runs the calibrated model and its what-ifs on numbers (``numeric_parts``)."""
    boosting = HistGradientBoostingClassifier(
        categorical_features=[kind == CATEGORICAL for kind in kinds],
        # Small trees (4 leaves: interactions of two or three features) and strong leaves: on the
        # programme's few thousand examples deeper trees lost to the logistic baseline on additive
        # signals without gaining on interactions (bench/README.md, early warning).
        # Leaves of at least 40 examples, fewer on a small history (a centre's first year) so that a tree can split.
        learning_rate=0.1, max_iter=200, max_leaf_nodes=4, min_samples_leaf=max(5, min(40, n_samples // 25)),
        l2_regularization=1.0,
        early_stopping=True, validation_fraction=0.15, n_iter_no_change=20, random_state=seed,
    )
    return Pipeline([
        ("columns", encoder(kinds)),
        ("calibrated", CalibratedClassifierCV(boosting, method=calibration_method(n_samples), cv=CALIBRATION_FOLDS,
                                              ensemble=True)),
    ])


def numeric_parts(estimator, X, reference):
    """(model on numbers, X as numbers, reference as numbers) for a pipeline made by ``make_model``;
    for a model stored before it (the encoder inside each calibration fold), the estimator, X and the
    reference as they are."""
    if isinstance(estimator, Pipeline) and isinstance(estimator.steps[-1][1], CalibratedClassifierCV):
        columns = estimator[:-1]
        reference_row = np.empty((1, len(reference)), dtype=object)
        reference_row[0, :] = list(reference)
        numbers = columns.transform(X).astype(np.float64)
        return estimator.steps[-1][1], numbers, columns.transform(reference_row)[0].astype(np.float64)
    return estimator, X, reference


def make_baseline(kinds, *, seed=0):
    """The logistic-regression baseline (L2, C=1) on one-hot categories and standardised numbers."""
    categorical, numeric = _indices(kinds, CATEGORICAL), _indices(kinds, NUMERIC)
    columns = ColumnTransformer(
        [
            ("categorical", make_pipeline(
                SimpleImputer(strategy="constant", fill_value="(missing)", missing_values=None),
                OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5, max_categories=MAX_CATEGORIES),
            ), categorical),
            ("numeric", make_pipeline(
                SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True), StandardScaler(),
            ), numeric),
        ],
    )
    return Pipeline([("columns", columns), ("logistic", LogisticRegression(C=1.0, max_iter=2000,
                                                                            random_state=seed))])


def make_majority():
    return DummyClassifier(strategy="prior")


def as_matrix(rows, names, kinds):
    """An object matrix from dicts (or sequences in ``names`` order): floats with nan, strings with None.
    Built a column at a time (one list per feature)."""
    matrix = np.empty((len(rows), len(names)), dtype=object)
    dicts = all(isinstance(row, dict) for row in rows)
    for c, (name, kind) in enumerate(zip(names, kinds, strict=True)):
        values = [row.get(name) for row in rows] if dicts else \
            [row.get(name) if isinstance(row, dict) else row[c] for row in rows]
        if kind == NUMERIC:
            matrix[:, c] = [np.nan if value is None or value == "" else float(value) for value in values]
        else:
            matrix[:, c] = [_cell(value, kind) for value in values]
    return matrix


def _cell(value, kind):
    if kind == NUMERIC:
        if value is None or value == "":
            return np.nan
        return float(value)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return None
    return str(value)


def present_columns(X, kinds):
    """Indices of the columns with at least one value: gradient boosting cannot bin an empty column
    (a signal nobody has yet, such as a diagnostic in a programme that records none)."""
    return [c for c, kind in enumerate(kinds)
            if any(not (v is None or (kind == NUMERIC and np.isnan(v))) for v in X[:, c])]


def reference_row(X, kinds):
    """The median of each numeric column and the most frequent category: a "typical" learner."""
    reference = []
    for c, kind in enumerate(kinds):
        column = X[:, c]
        if kind == NUMERIC:
            values = column.astype(float)
            values = values[~np.isnan(values)]
            reference.append(float(np.median(values)) if len(values) else np.nan)
        else:
            present = [v for v in column if v is not None]
            if present:
                categories, counts = np.unique(np.array(present, dtype=str), return_counts=True)
                reference.append(str(categories[np.argmax(counts)]))
            else:
                reference.append(None)
    return reference


# Metrics ---------------------------------------------------------------------------------------

def calibration_table(y, p, bins=10):
    """Ten equal-width bins of predicted probability: count, mean predicted, observed rate."""
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    index = np.minimum((p * bins).astype(int), bins - 1)
    table = []
    for b in range(bins):
        mask = index == b
        n = int(mask.sum())
        table.append({
            "bin": f"{b / bins:.1f}–{(b + 1) / bins:.1f}", "n": n,
            "predicted": float(p[mask].mean()) if n else None,
            "observed": float(y[mask].mean()) if n else None,
        })
    return table


def expected_calibration_error(table):
    """Mean |predicted − observed| over the bins, weighted by their size."""
    total = sum(row["n"] for row in table)
    return sum(row["n"] * abs(row["predicted"] - row["observed"]) for row in table if row["n"]) / max(total, 1)


def metrics(y, p):
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    two_classes = len(np.unique(y)) == 2
    table = calibration_table(y, p)
    return {
        "n": int(len(y)), "positives": int(y.sum()),
        "roc_auc": float(roc_auc_score(y, p)) if two_classes else None,
        "pr_auc": float(average_precision_score(y, p)) if two_classes else None,
        "brier": float(brier_score_loss(y, p)) if len(y) else None,
        "calibration_error": float(expected_calibration_error(table)),
        "calibration": table,
    }


def auc_by_group(y, p, groups):
    """AUC, size and calibration per group (None where a group has one class), and the largest AUC gap."""
    y, p, groups = np.asarray(y), np.asarray(p, dtype=float), np.asarray(groups, dtype=object)
    result = {}
    for group in sorted({g for g in groups if g is not None}, key=str):
        mask = groups == group
        result[str(group)] = {k: v for k, v in metrics(y[mask], p[mask]).items() if k != "calibration"}
    aucs = [g["roc_auc"] for g in result.values() if g["roc_auc"] is not None]
    return result, (max(aucs) - min(aucs) if len(aucs) >= 2 else None)


@dataclass
class CrossValidation:
    """Out-of-fold probabilities of the model and both baselines, and their metrics."""

    y: np.ndarray
    model: np.ndarray
    logistic: np.ndarray
    majority: np.ndarray
    fold_auc: list = field(default_factory=list)

    def summary(self):
        return {name: {k: v for k, v in metrics(self.y, getattr(self, name)).items()}
                for name in ("model", "logistic", "majority")}


def cross_validate(X, y, kinds, *, folds=5, seed=0, groups=None):
    """Stratified k-fold of the production model and both baselines on the same splits.

    ``groups`` (e.g. learner ids when a learner gives several examples) keeps every example of a group
    in one fold, so that a learner seen in training is never scored as if new.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    y = np.asarray(y, dtype=int)
    out = {name: np.zeros(len(y)) for name in ("model", "logistic", "majority")}
    if groups is None:
        splits = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(X, y)
    else:
        splits = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(X, y, groups)
    fold_auc = []
    with one_thread():
        _cross_validate(X, y, kinds, splits, seed, out, fold_auc)
    return CrossValidation(y=y, fold_auc=fold_auc, **out)


def _cross_validate(X, y, kinds, splits, seed, out, fold_auc):
    for train, test in splits:
        for name, estimator in (
            ("model", make_model(kinds, n_samples=len(train), seed=seed)),
            ("logistic", make_baseline(kinds, seed=seed)),
            ("majority", make_majority()),
        ):
            estimator.fit(X[train], y[train])
            out[name][test] = estimator.predict_proba(X[test])[:, 1]
        if len(np.unique(y[test])) == 2:
            fold_auc.append(float(roc_auc_score(y[test], out["model"][test])))
