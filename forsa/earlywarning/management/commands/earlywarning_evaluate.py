import json as jsonlib

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from forsa.earlywarning.pipeline import (
    NUMERIC,
    as_matrix,
    auc_by_group,
    calibration_method,
    cross_validate,
    present_columns,
)
from forsa.earlywarning.tabular import TableError, category, column_kind, read_table, typed_column

MODELS = (
    ("model", "calibrated gradient boosting (production pipeline)"),
    ("logistic", "logistic regression baseline"),
    ("majority", "majority baseline (class prior)"),
)


class Command(BaseCommand):
    help = (
        "Judge the early-warning model on any tabular file (CSV or .xlsx): stratified k-fold "
        "cross-validation of the pipeline production uses, with ROC-AUC, PR-AUC, Brier score, a "
        "calibration table, the majority and logistic-regression baselines and, with --group, the AUC "
        "per group. Exit code 2 on bad input."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (, ; or tab; UTF-8, Windows-1256 or Latin-1) or .xlsx")
        parser.add_argument("--target", required=True, metavar="COLUMN", help="the outcome column")
        parser.add_argument("--positive", required=True, metavar="VALUE",
                            help="the target value counted as positive (e.g. dropout); any other is negative")
        parser.add_argument("--group", metavar="COLUMN", help="report the AUC per value of this column")
        parser.add_argument("--drop", nargs="+", action="extend", default=[], metavar="COLUMN",
                            help="columns not to use as features (identifiers, outcomes known later)")
        parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
        parser.add_argument("--seed", type=int, default=0, help="random seed of the folds (default 0)")
        parser.add_argument("--json", metavar="OUT", help="also write the full results as JSON to OUT")

    def handle(self, *args, file, target, positive, group, drop, folds, seed, json: str | None, **options):
        try:
            result = evaluate(file, target=target, positive=positive, group=group, drop=drop,
                              folds=folds, seed=seed)
        except TableError as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(format_report(result))
        if json:
            _write_json(json, result)
            self.stdout.write(f"Results written to {json}.")


def _write_json(path, result):
    try:
        with open(path, "w", encoding="utf-8") as out:
            jsonlib.dump(result, out, ensure_ascii=False, indent=2)
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror}.", returncode=2) from None


def evaluate(file, *, target, positive, group=None, drop=(), folds=5, seed=0):
    """Cross-validate the production pipeline on a file; every input problem is a TableError."""
    if folds < 2:
        raise TableError("--folds must be 2 or more.")
    table = read_table(file)
    table.index(target)
    for name in [group, *drop]:
        if name:
            table.index(name)
    labels = [category(value) for value in table.column(target)]
    keep = [i for i, label in enumerate(labels) if label is not None]
    wanted = category(positive.strip())
    values = sorted({labels[i] for i in keep})
    if wanted not in values:
        shown = ", ".join(values[:10]) + (", …" if len(values) > 10 else "")
        raise TableError(f"--positive {positive!r} is not a value of column {target!r} (values: {shown}).")
    y = np.array([labels[i] == wanted for i in keep], dtype=int)
    if y.min() == y.max():
        raise TableError(f"Column {target!r} has one class only: every row is {positive!r}.")
    smaller = int(min(y.sum(), len(y) - y.sum()))
    if smaller < folds:
        raise TableError(f"Column {target!r} has {smaller} rows of its rarer class: fewer than --folds {folds}.")
    features = [name for name in table.names if name not in {target, *drop} and name]
    if not features:
        raise TableError("No feature column left once the target and --drop columns are set aside.")
    kinds, columns = [], []
    for name in features:
        values = [table.column(name)[i] for i in keep]
        kind = column_kind(values)
        kinds.append(kind)
        columns.append(typed_column(values, kind))
    X = as_matrix(list(zip(*columns, strict=True)), features, kinds)
    present = present_columns(X, kinds)
    if not present:
        raise TableError("Every feature column is empty.")
    features, kinds, X = [features[c] for c in present], [kinds[c] for c in present], X[:, present]
    cv = cross_validate(X, y, kinds, folds=folds, seed=seed)
    result = {
        "file": str(file), "target": target, "positive": positive, "rows": len(keep),
        "rows_without_target": len(labels) - len(keep), "positives": int(y.sum()),
        "features": [{"name": n, "kind": k} for n, k in zip(features, kinds, strict=True)],
        "folds": folds, "seed": seed, "calibration_method": calibration_method(len(y) * (folds - 1) // folds),
        "fold_roc_auc": cv.fold_auc, **cv.summary(),
    }
    if group:
        groups = [category(table.column(group)[i]) for i in keep]
        per_group, gap = auc_by_group(y, cv.model, groups)
        result["groups"] = {"column": group, "by_group": per_group, "largest_auc_gap": gap}
    return result


def _f(value, digits=3):
    return "–" if value is None else f"{value:.{digits}f}"


def format_report(r):
    numeric = sum(1 for f in r["features"] if f["kind"] == NUMERIC)
    lines = [
        f"{r['file']}: {r['rows']} rows, {r['positives']} positive ({r['target']} = {r['positive']}, "
        f"{r['positives'] / r['rows']:.1%})"
        + (f"; {r['rows_without_target']} rows without a target left out" if r["rows_without_target"] else ""),
        f"Features: {numeric} numeric, {len(r['features']) - numeric} categorical "
        f"({', '.join(f['name'] for f in r['features'])})",
        f"{r['folds']}-fold stratified cross-validation, seed {r['seed']}; calibration: {r['calibration_method']}",
        "",
        f"{'':<54}{'ROC-AUC':>9}{'PR-AUC':>9}{'Brier':>9}",
    ]
    for key, label in MODELS:
        m = r[key]
        lines.append(f"{label:<54}{_f(m['roc_auc']):>9}{_f(m['pr_auc']):>9}{_f(m['brier'], 4):>9}")
    folds = r["fold_roc_auc"]
    if folds:
        lines.append(f"model ROC-AUC per fold: {' '.join(_f(a) for a in folds)} "
                     f"(mean {np.mean(folds):.3f} ± {np.std(folds):.3f})")
    lines += ["", "Calibration of the model (out of fold): predicted probability against observed rate",
              f"{'bin':<10}{'n':>7}{'predicted':>11}{'observed':>10}"]
    for row in r["model"]["calibration"]:
        lines.append(f"{row['bin']:<10}{row['n']:>7}{_f(row['predicted']):>11}{_f(row['observed']):>10}")
    lines.append(f"expected calibration error: {r['model']['calibration_error']:.3f}")
    if "groups" in r:
        g = r["groups"]
        lines += ["", f"Model by {g['column']}:", f"{'group':<20}{'n':>7}{'positive':>10}{'ROC-AUC':>9}{'Brier':>9}"]
        for name, m in g["by_group"].items():
            lines.append(f"{name[:20]:<20}{m['n']:>7}{m['positives']:>10}{_f(m['roc_auc']):>9}{_f(m['brier'], 4):>9}")
        lines.append(f"largest AUC gap between groups: {_f(g['largest_auc_gap'])}")
    return "\n".join(lines)
