"""Stopping a dead driver's Ray processes touches only those that name its own sweep's temp folder."""
import subprocess
import sys

from platform.environment import kill_orphans, ray_temp_dir


def test_only_the_sweeps_own_processes_are_stopped(tmp_path):
    mine, sibling = ray_temp_dir(tmp_path, "a", create=True), ray_temp_dir(tmp_path, "ab", create=True)
    procs = {d: subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", f"--session-dir={d}/session_1"])
             for d in (mine, sibling)}
    try:
        assert kill_orphans(mine) == 1
        assert procs[mine].wait(timeout=30) != 0, "sweep a's process was stopped"
        assert procs[sibling].poll() is None, "sweep ab's process was left alone (its folder only starts the same)"
    finally:
        for proc in procs.values():
            proc.kill()
            proc.wait()


def test_a_long_storage_path_is_reached_through_a_short_link(tmp_path):
    deep = tmp_path / ("x" * 60)
    link = ray_temp_dir(deep, "sweep", create=True)
    assert len(str(link)) < 40 and link.resolve() == (deep / "ray_tmp" / "sweep").resolve()
    assert ray_temp_dir(deep, "other") != link, "each sweep has its own folder"
