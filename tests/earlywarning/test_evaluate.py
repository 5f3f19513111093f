"""earlywarning_evaluate on generated files whose signal we planted: every encoding, separator and bad input."""

import csv
import io
import json

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from forsa.earlywarning.management.commands.earlywarning_evaluate import evaluate


def synthetic(n, *, kind="linear", seed=0):
    """Rows with a known dropout probability: linear in the logit, or an interaction (XOR of signs)."""
    rng = np.random.default_rng(seed)
    attendance, score, years_out = rng.normal(size=(3, n))
    region = rng.choice(["Fès-Meknès", "Souss-Massa", "Oriental", "الرباط"], n)
    if kind == "linear":
        logit = 1.2 * attendance - 0.8 * score + 0.5 * years_out + 0.8 * (region == "Oriental") - 0.5
    else:
        logit = 2.5 * np.sign(attendance * score) + 1.0 * (region == "Oriental") - 0.5
    probability = 1 / (1 + np.exp(-logit))
    outcome = np.where(rng.random(n) < probability, "dropout", "school")
    sex = rng.choice(["F", "M"], n)
    rows = [
        {"id": i, "sexe": s, "attendance": round(a, 4), "score": round(b, 4), "years_out": round(c, 4),
         "région": r, "outcome": o}
        for i, (s, a, b, c, r, o) in enumerate(zip(sex, attendance, score, years_out, region, outcome, strict=True))
    ]
    for row in rows[::11]:
        row["score"] = ""  # missing values
    return rows, probability


def write_csv(path, rows, *, delimiter=",", encoding="utf-8", decimal_comma=False, pad=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_NONNUMERIC if pad else csv.QUOTE_MINIMAL)
    writer.writerow(list(rows[0]))
    for row in rows:
        values = [str(v).replace(".", ",") if decimal_comma and isinstance(v, float) else v for v in row.values()]
        writer.writerow([f"  {v} " if pad and isinstance(v, str) else v for v in values])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run(*args):
    out = io.StringIO()
    call_command("earlywarning_evaluate", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def linear_rows():
    return synthetic(600, kind="linear")[0]


@pytest.mark.parametrize(
    "delimiter,encoding,options",
    [
        (",", "utf-8", {}),
        (";", "utf-8-sig", {"decimal_comma": True}),
        ("\t", "utf-8", {"pad": True}),
        (";", "cp1256", {"pad": True}),
        (",", "latin-1", {}),
    ],
)
def test_reads_every_separator_and_encoding_and_finds_the_signal(tmp_path, linear_rows, delimiter, encoding, options):
    rows = linear_rows
    if encoding == "latin-1":  # no Arabic in Latin-1: French names only
        rows = [{**row, "région": row["région"].replace("الرباط", "Rabat-Salé")} for row in rows]
    path = write_csv(tmp_path / "data.csv", rows, delimiter=delimiter, encoding=encoding, **options)
    result = evaluate(path, target="outcome", positive="dropout", drop=["id"], folds=3)
    kinds = {f["name"]: f["kind"] for f in result["features"]}
    assert kinds == {"sexe": "categorical", "attendance": "numeric", "score": "numeric", "years_out": "numeric",
                     "région": "categorical"}
    assert result["rows"] == 600
    assert result["model"]["roc_auc"] > 0.75  # the planted signal (oracle AUC about 0.8) is found
    assert result["majority"]["roc_auc"] == pytest.approx(0.5)


def test_regions_decode_in_their_script(tmp_path, linear_rows):
    from forsa.earlywarning.tabular import read_table

    for encoding in ("cp1256", "utf-8-sig"):
        table = read_table(write_csv(tmp_path / f"{encoding}.csv", linear_rows, delimiter=";", encoding=encoding))
        assert {"Fès-Meknès", "الرباط"} <= set(table.column("région"))
    latin = [{**row, "région": "Ñador Ã"} for row in linear_rows[:5]]
    table = read_table(write_csv(tmp_path / "latin.csv", latin, encoding="latin-1"))
    assert table.column("région")[0] == "Ñador Ã"


def test_xlsx_with_group_report_and_json(tmp_path, linear_rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(linear_rows[0]))
    for row in linear_rows:
        sheet.append([None if v == "" else v for v in row.values()])
    path = tmp_path / "data.xlsx"
    workbook.save(path)
    output = run(path, "--target", "outcome", "--positive", "dropout", "--group", "sexe", "--drop", "id",
                 "--folds", "3", "--json", tmp_path / "out.json")
    assert "logistic regression baseline" in output and "majority baseline" in output
    assert "largest AUC gap between groups" in output
    result = json.loads((tmp_path / "out.json").read_text())
    assert set(result["groups"]["by_group"]) == {"F", "M"}
    assert len(result["model"]["calibration"]) == 10
    assert sum(row["n"] for row in result["model"]["calibration"]) == 600
    assert result["model"]["roc_auc"] > 0.75


def test_beats_logistic_on_a_non_linear_signal(tmp_path):
    rows, truth = synthetic(1000, kind="nonlinear", seed=1)
    result = evaluate(write_csv(tmp_path / "x.csv", rows), target="outcome", positive="dropout", drop=["id"],
                      folds=3)
    assert result["model"]["roc_auc"] > 0.85
    assert result["model"]["roc_auc"] > result["logistic"]["roc_auc"] + 0.25


def test_matches_logistic_on_a_linear_signal(tmp_path):
    rows, truth = synthetic(2000, kind="linear", seed=2)
    result = evaluate(write_csv(tmp_path / "x.csv", rows), target="outcome", positive="dropout", drop=["id"],
                      folds=3)
    assert abs(result["model"]["roc_auc"] - result["logistic"]["roc_auc"]) < 0.02


def test_calibrated_on_a_known_probability():
    """Out-of-fold probabilities sit close to the probability the data were drawn from."""
    from forsa.earlywarning.pipeline import NUMERIC, as_matrix, cross_validate

    rng = np.random.default_rng(3)
    x = rng.uniform(-3, 3, size=3000)
    truth = 1 / (1 + np.exp(-(1.5 * x - 1)))
    y = (rng.random(3000) < truth).astype(int)
    cv = cross_validate(as_matrix([[v] for v in x], ["x"], [NUMERIC]), y, [NUMERIC], folds=3)
    assert np.abs(cv.model - truth).mean() < 0.05
    for row in cv.summary()["model"]["calibration"]:
        if row["n"] >= 100:
            assert abs(row["predicted"] - row["observed"]) < 0.08, row


@pytest.mark.parametrize(
    "content,args,message",
    [
        (b"", [], "is empty"),
        (b"   \n\n", [], "is empty"),
        (b"a,outcome\n", [], "no data rows"),
        (b"\x00\x01\x02binary\xff\x00", [], "binary data"),
        (b"PK\x03\x04not really a workbook", [], "not a readable .xlsx"),
        (b"a,outcome\n1,yes\n2,yes\n3,yes\n", [], "one class only"),
        (b"a,result\n1,yes\n2,no\n", [], "No column 'outcome'"),
        (b"a,outcome\n1,yes\n2,no\n", ["--group", "sex"], "No column 'sex'"),
        (b"a,outcome\n1,yes\n2,no\n", ["--drop", "zzz"], "No column 'zzz'"),
        (b"a,outcome\n1,maybe\n2,no\n", [], "--positive 'yes' is not a value"),
        (b"a,outcome\n1,yes\n2,no\n3,no\n", [], "fewer than --folds 5"),
        (b"outcome\n" + b"yes\nno\n" * 10, [], "No feature column"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, content, args, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        run(path, "--target", "outcome", "--positive", "yes", *args)
    assert error.value.returncode == 2
    assert message in str(error.value) and "\n" not in str(error.value)


def test_missing_file_is_exit_code_2(tmp_path):
    with pytest.raises(CommandError) as error:
        run(tmp_path / "nowhere.csv", "--target", "outcome", "--positive", "yes")
    assert error.value.returncode == 2


def test_cli_prints_one_line_on_stderr_and_exits_2(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, str(root / "manage.py"), "earlywarning_evaluate", str(path),
                           "--target", "y", "--positive", "1"], capture_output=True, text=True, cwd=root)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "is empty" in done.stderr
