"""The shared-search benchmark at tiny scale: the same trials give the same tickets and metrics with and
without sharing (the script exits 1 otherwise), the results file says so, and in the sharing arm each
trial's ticket is the replay of its own rule on the one recording, its cost counted honestly."""

import json
import re
from pathlib import Path

import mlflow
import pytest
from mlflow.tracking import MlflowClient

import shared_search
from sweep_helpers import child_runs, short_dir
from trainables.convergence import make_rule
from trainables.search_sharing.replay import load_recording, replay

pytestmark = pytest.mark.slow


def test_sharing_changes_nothing_but_the_cost(tmp_path):
    work = short_dir()
    shared_search.main(["--scale", "tiny", "--out", str(tmp_path), "--work", str(work)])
    text = (tmp_path / "shared_search_tiny.md").read_text()
    assert "identical in both arms" in text
    ran = re.search(r"\| shared searches \| 4 \| (\d) \|", text)
    assert ran and 2 <= int(ran.group(1)) < 4, "fewer searches than trials (2 settings of adv_steps)"
    assert "| every trial searches | 4 | 4 |" in text
    assert (
        "`sst2-bert-base` (16 trials, 8 at once): no:" in text and "`ticket-sizes` (12 trials, 2 at once): yes:" in text
    )
    # the sharing arm, trial by trial
    client = MlflowClient(f"sqlite:///{work / 'mlflow.db'}")
    runs = child_runs(client, json.loads((work / "s" / "on" / "sweep.json").read_text())["parent_run_id"])
    recordings = {path.name: load_recording(path) for path in (work / "s" / "on" / "searches").iterdir()}
    assert (
        len(runs) == 4 and 1 <= len(recordings) <= 2 and sum(r.data.metrics["search_shared"] == 1.0 for r in runs) >= 2
    )
    recorders = [r for r in runs if r.data.metrics["recorded_search_flops"] > 0]
    assert sorted(r.data.metrics["recorded_search_flops"] for r in recorders) == sorted(
        rec[-1].flops for rec in recordings.values()
    ), "each recording's cost counted once, by its recorder"
    for run in runs:
        p, m = run.data.params, run.data.metrics
        if m["search_shared"] != 1.0:  # its replay had not converged when the recording ended: it searched alone
            continue
        expected = [
            replay(
                rec,
                float(p["head_ratio"]),
                float(p["ffn_ratio"]),  # a fresh rule each: rules keep history
                make_rule("earlyrobust", float(p["conv_eps"]), int(p["conv_window"])),
            )
            for rec in recordings.values()
        ]
        ticket = json.loads(
            Path(
                mlflow.artifacts.download_artifacts(
                    run_id=run.info.run_id, artifact_path="ticket.json", tracking_uri=client.tracking_uri
                )
            ).read_text()
        )
        match = [e for e in expected if (ticket["heads"], ticket["neurons"]) == (e.ticket.heads, e.ticket.neurons)]
        assert match, "the ticket is the replay of the trial's own rule on a recording"
        assert m["search_stop_epoch"] == pytest.approx(match[0].stop_epoch)
        assert m["search_flops"] == pytest.approx(match[0].flops), "each trial is charged its own search"
        assert client.get_metric_history(run.info.run_id, "mask_distance"), "the replayed checks are reported"
