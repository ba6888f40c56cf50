"""The paper-scale rehearsal at its smallest size: the `sst2-bert-base` space finishes one trial end to
end on one layer of bert-base's width (search, prune, fine-tune, its attack on the selection and report
splits, registration); the benchmark rehearses all three paper spaces on the full bert-base shapes."""

import csv

import pytest

import paper_rehearsal

pytestmark = pytest.mark.slow


def test_a_paper_space_finishes_a_trial(tmp_path):
    paper_rehearsal.main(
        ["--scale", "tiny", "--spaces", "sst2-bert-base", "--model", "random-bert-base-1layer", "--out", str(tmp_path)]
    )
    with open(tmp_path / "paper_rehearsal_tiny.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["space"] for r in rows] == ["sst2-bert-base"]
    for row in rows:
        assert row["status"] == "FINISHED" and row["registered"] == "v1", row
        assert int(row["attacked"]) == int(row["report_attacked"]) == 2, "the attack and the report step both ran"
        assert 0.2 < float(row["param_sparsity"]) < 0.5, "pruned at the space's ratios"
        assert 2 <= int(row["adv_steps"]) <= 5, "the space's own search range"
    assert {r["max_length"] for r in rows} == {"128"}
