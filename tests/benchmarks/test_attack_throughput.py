"""The throughput benchmark at tiny scale: every recipe measured against the victim's ceiling, in
lockstep and one at a time, with identical rows in both."""

import csv

import pytest

import attack_throughput


@pytest.mark.slow
def test_each_recipe_is_measured_against_the_ceiling(tmp_path):
    attack_throughput.main(
        ["--scale", "tiny", "--n", "16", "--no-textattack", "--out", str(tmp_path), "--work", str(tmp_path / "w")]
    )
    with open(tmp_path / "attack_throughput_tiny.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["attack"] for r in rows] == ["textfooler", "textbugger", "bertattack", "deepwordbug"]
    for row in rows:
        assert row["rows_identical"] == "True", row
        assert float(row["ceiling_qps"]) > float(row["lockstep_queries_per_s"]) > 0
        assert 0 < float(row["lockstep_time_in_model_calls"]) <= 1
