"""Robust-vs-random control at tiny scale: the robust ticket is the rule's ticket from a recorded
search, every control has exactly its sparsity, and each ticket is fine-tuned and attacked."""

import csv
import json
import math

import pytest

import early_emergence
import ticket_control
from bench_helpers import run_tiny


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    return run_tiny(early_emergence.main, tmp_path_factory, "rec") / "w" / "recording.json"


@pytest.mark.slow
def test_robust_and_random_tickets_share_the_sparsity(recording, tmp_path):
    ticket_control.main(
        [
            "--scale",
            "tiny",
            "--recording",
            str(recording),
            "--random-seeds",
            "2",
            "--work",
            str(tmp_path / "w"),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    with open(tmp_path / "out" / "ticket_control_tiny.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["ticket"] for r in rows] == ["robust (searched)", "random, seed 0", "random, seed 1"]
    assert len({(r["heads_pruned"], r["ffn_pruned"], r["params_pruned"]) for r in rows}) == 1
    assert float(rows[0]["params_pruned"]) > 0
    assert float(rows[0]["drawn_at_epoch"]) > 0 and math.isnan(float(rows[1]["drawn_at_epoch"]))
    for r in rows:
        assert 0 <= float(r["aua"]) <= float(r["clean_acc"]) <= 1
    kept = [tuple(map(tuple, json_ticket(tmp_path / "w" / f"ticket{i}"))) for i in range(3)]
    assert len(set(kept)) == 3, "the searched ticket and the two controls are three different tickets"


def json_ticket(folder):
    return json.loads((folder / "state.json").read_text())["ticket"]["heads"]


def test_a_missing_recording_gets_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        ticket_control.main(["--recording", str(tmp_path / "none.json")])
    assert e.value.code == 2 and "run benchmarks/early_emergence.py first" in capsys.readouterr().err
