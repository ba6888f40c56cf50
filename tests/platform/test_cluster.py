"""`platform/sweep.py` run as a script, as `ray submit` runs it on a cluster's head (the cluster itself:
test_autoscaling.py, test_cluster_nofs.py)."""

import os
import subprocess
import sys

from sweep_helpers import ROOT


def test_sweep_py_run_as_a_script_re_runs_itself_as_the_module(tmp_path):
    """`ray submit` copies platform/sweep.py alone and runs `python ~/sweep.py`."""
    script = tmp_path / "sweep.py"
    script.write_text((ROOT / "platform" / "sweep.py").read_text())
    done = subprocess.run(
        [sys.executable, str(script), "--space", "nope"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, EARLYROBUST_REPO=str(ROOT)),
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "sweep: error: search space 'nope' is unknown: use one of agnews-bert-base, imdb-bert-base, quick, robust-cheap, smoke, "
        "sst2-bert-base, ticket-sizes or a path to a YAML file"
    ]
    lost = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "EARLYROBUST_REPO"} | {"HOME": str(tmp_path)},
    )
    assert lost.returncode == 2 and "cannot find the repository (set EARLYROBUST_REPO" in lost.stderr
