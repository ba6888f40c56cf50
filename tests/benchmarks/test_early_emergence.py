"""Early-emergence benchmark at tiny scale: one recorded search, the rule replayed for several ε and
intervals, the stop consistent with the window, the curves drawn; a rerun reuses the recording."""

import csv
import math

import pytest

import early_emergence as ee
from bench_helpers import run_tiny


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_tiny(ee.main, tmp_path_factory, "ear")


@pytest.mark.slow
def test_rows_for_every_interval_and_eps(run):
    with open(run / "out" / "early_emergence_tiny.csv") as f:
        rows = list(csv.DictReader(f))
    base = ee.SCALES["tiny"]["check_interval"]
    assert len(rows) == 3 * len(ee.EPSILONS)
    assert {float(r["check_interval"]) for r in rows} == {base, 2 * base}
    for r in rows:
        if r["converged"] == "True":
            # the online search stops `window` checks after the ticket's check
            assert float(r["stop_epoch"]) == pytest.approx(
                float(r["ticket_epoch"]) + int(r["window"]) * float(r["check_interval"])
            )
            assert 0 < float(r["search_flops_share"]) <= 1
        else:
            assert math.isnan(float(r["ticket_epoch"]))
    # a larger ε can only fire earlier (or at the same check)
    for setting in {(r["check_interval"], r["window"]) for r in rows}:
        fired = [
            float(r["ticket_epoch"]) if r["converged"] == "True" else math.inf
            for r in rows
            if (r["check_interval"], r["window"]) == setting
        ]
        assert fired == sorted(fired, reverse=True)
    assert any(r["converged"] == "True" for r in rows), "the tiny search must converge somewhere"
    assert (run / "out" / "early_emergence_tiny.png").stat().st_size > 5000


@pytest.mark.slow
def test_a_rerun_reuses_the_recording(run, tmp_path):
    stamp = (run / "w" / "recording.json").stat().st_mtime
    ee.main(["--scale", "tiny", "--work", str(run / "w"), "--out", str(tmp_path)])
    assert (run / "w" / "recording.json").stat().st_mtime == stamp
    assert (tmp_path / "early_emergence_tiny.csv").read_text() == (run / "out" / "early_emergence_tiny.csv").read_text()
