"""Stopping a dead driver's Ray processes touches only Ray's processes that name its own sweep's temp
folder; the short link to that folder is used only when it is this user's and points there."""

import os
import subprocess
import sys

import pytest

from platform.environment import kill_orphans, ray_temp_dir
from platform.usage import UsageError


@pytest.fixture()
def fake_ray(tmp_path):
    """A stand-in Ray installation holding one long-running script (a Ray process is a program of it)."""
    root = tmp_path / "ray"
    root.mkdir()
    (root / "raylet.py").write_text("import time\ntime.sleep(120)\n")
    return root


def start(*args):
    return subprocess.Popen([sys.executable, *map(str, args)])


def test_only_the_sweeps_own_ray_processes_are_stopped(tmp_path, fake_ray):
    mine, sibling = ray_temp_dir(tmp_path, "a", create=True), ray_temp_dir(tmp_path, "ab", create=True)
    procs = {
        "mine": start(fake_ray / "raylet.py", f"--session-dir={mine}/session_1"),
        "sibling": start(fake_ray / "raylet.py", f"--session-dir={sibling}/session_1"),
        "reader": start("-c", "import time; time.sleep(120)", f"{mine}/session_1/logs/raylet.out"),
    }
    try:
        assert kill_orphans(mine, ray_root=fake_ray) == 1
        assert procs["mine"].wait(timeout=30) != 0, "sweep a's Ray process was stopped"
        assert procs["sibling"].poll() is None, "sweep ab's process was left alone (its folder only starts the same)"
        assert procs["reader"].poll() is None, "a process that is not Ray's is left alone though it names the folder"
    finally:
        for proc in procs.values():
            proc.kill()
            proc.wait()


def test_a_long_storage_path_is_reached_through_a_short_link(tmp_path):
    deep = tmp_path / ("x" * 60)
    link = ray_temp_dir(deep, "sweep", create=True)
    assert len(str(link)) < 40 and link.resolve() == (deep / "ray_tmp" / "sweep").resolve()
    assert ray_temp_dir(deep, "other") != link, "each sweep has its own folder"
    assert ray_temp_dir(deep, "sweep") == link, "found again"


def test_a_stale_link_is_replaced_and_a_foreign_one_refused(tmp_path):
    deep = tmp_path / ("y" * 60)
    link = ray_temp_dir(deep, "sweep", create=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link.unlink()
    link.symlink_to(elsewhere)  # stale, or planted by this user
    assert ray_temp_dir(deep, "sweep") == (deep / "ray_tmp" / "sweep").absolute(), "not followed elsewhere"
    assert ray_temp_dir(deep, "sweep", create=True) == link and os.readlink(link) == str(deep / "ray_tmp" / "sweep")
    link.unlink()
    link.mkdir()  # something else holds the name
    try:
        with pytest.raises(UsageError, match="is not this user's link to it"):
            ray_temp_dir(deep, "sweep", create=True)
    finally:
        link.rmdir()
