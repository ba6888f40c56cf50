"""A worker node's failure on one machine: the node is a mount namespace (`unshare -m`), and killing every
process in it is what a machine failure does to Ray."""

import os
import signal
import time


def wait_for(check, seconds: float, what: str):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(2)
    raise AssertionError(f"{what} did not happen within {seconds:.0f} s")


def namespace(pid: int) -> str:
    return os.readlink(f"/proc/{pid}/ns/mnt")


def kill_namespace(ns: str) -> int:
    """Kill every process in a mount namespace: the whole worker node, as a machine failure would."""
    killed = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if namespace(int(entry)) == ns:
                    os.kill(int(entry), signal.SIGKILL)
                    killed += 1
            except (OSError, ProcessLookupError):
                continue
    return killed
