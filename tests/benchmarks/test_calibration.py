"""The calibration benchmark at tiny scale: a dense FreeLB model and a ticket, each attacked as it is and
temperature-calibrated on the same sentences; on two classes the outcome of every example is the same."""

import csv

import pytest

import calibration

pytestmark = pytest.mark.slow


def test_calibration_is_measured_paired_for_both_arms(tmp_path):
    calibration.main(["--scale", "tiny", "--out", str(tmp_path), "--work", str(tmp_path / "w")])
    with open(tmp_path / "calibration_tiny.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["arm"] for r in rows] == ["dense_freelb", "earlyrobust"]
    for r in rows:
        assert int(r["n"]) == 8 and float(r["temperature"]) > 0 and float(r["temperature"]) != 1.0
        assert r["same_outcome_every_example"] == "True" and float(r["paired_diff"]) == 0.0
        assert float(r["aua_ci_low"]) <= float(r["aua"]) <= float(r["aua_ci_high"])
