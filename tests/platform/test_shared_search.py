"""A sweep whose trials share one recorded search: recorded once (two trials asking at the same time),
stored in the sweep's storage, each trial's ticket the replay of its own rule on it, the cost counted
honestly."""
import json
from pathlib import Path

import mlflow
import pytest
from mlflow.tracking import MlflowClient

from sweep_helpers import child_runs, short_dir, sweep, sweep_state
from trainables.convergence import make_rule
from trainables.earlyrobust.replay import load_recording, replay

pytestmark = pytest.mark.slow
TINY = ["model=tiny-bert", "max_length=32", "lr=1e-3", "ft_lr=2e-3", "l1_head=1e-3", "l1_ffn=1e-3", "ft_epochs=1",
        "attack=deepwordbug", "attack_n=8", "eval_size=64", "adv_steps=1"]


def test_trials_with_equal_search_settings_share_one_recording():
    folder = short_dir()
    done = sweep(["--space", "ticket-sizes", "--name", "sh", "--num-samples", "3", "--max-concurrent", "2",
                  "--share-searches", "on",
                  *[a for kv in TINY for a in ("--set", kv)]], folder)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "searches shared between trials: yes" in done.stdout and "training FLOPs of the sweep:" in done.stdout
    (path,) = (folder / "s" / "sh" / "searches").iterdir()
    recording = load_recording(path)
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    runs = child_runs(client, sweep_state(folder, "sh")["parent_run_id"])
    assert len(runs) == 3 and sum(r.data.metrics["search_shared"] == 1.0 for r in runs) >= 1
    recorders = [r for r in runs if r.data.metrics["recorded_search_flops"] > 0]
    assert len(recorders) == 1 and recorders[0].data.metrics["recorded_search_flops"] == recording[-1].flops
    for run in runs:
        if run.data.metrics["search_shared"] != 1.0:  # its replay had not converged when the recording ended
            p = run.data.params
            alone = replay(recording, float(p["head_ratio"]), float(p["ffn_ratio"]),
                           make_rule("earlyrobust", float(p["conv_eps"]), int(p["conv_window"])))
            assert not alone.ticket.converged
            continue
        p, m = run.data.params, run.data.metrics
        expected = replay(recording, float(p["head_ratio"]), float(p["ffn_ratio"]),
                          make_rule("earlyrobust", float(p["conv_eps"]), int(p["conv_window"])))
        ticket = json.loads(Path(mlflow.artifacts.download_artifacts(
            run_id=run.info.run_id, artifact_path="ticket.json", tracking_uri=client.tracking_uri)).read_text())
        assert (ticket["heads"], ticket["neurons"]) == (expected.ticket.heads, expected.ticket.neurons)
        assert m["search_stop_epoch"] == pytest.approx(expected.stop_epoch)
        assert m["search_flops"] == pytest.approx(expected.flops), "each trial is charged its own search"
        assert m["search_flops"] <= recording[-1].flops
        assert client.get_metric_history(run.info.run_id, "mask_distance"), "the replayed checks are reported"
