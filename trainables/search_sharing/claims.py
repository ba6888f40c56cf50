"""Recorded searches shared by the trials of a sweep, across nodes that share no disk.

Recordings live in the sweep's storage (`<storage>/<sweep>/searches/<key>.json`: a local folder, or
s3://... that every node reads), so a resumed sweep finds them again.  One small actor, created by the
driver, grants each key to a single trial at a time: that trial records the search and writes it
(a temporary name, then moved into place, so a reader never sees half a file); the others poll the
storage until it is there, for at most $EARLYROBUST_SHARE_WAIT_S seconds (2 hours by default; then
the trial fails with a line that says which search it waited for).  A recorder that fails gives the
key back, and the next trial to ask records it; one whose worker dies keeps it for its retry, and the
driver takes it back if the trial ends in error (`ReleaseSearchClaims`).
"""

from __future__ import annotations

import os
import time

import pyarrow.fs as pafs
import ray

from trainables.search_sharing.replay import recording_from_json, recording_to_json

POLL_S = 2.0


def wait_limit_s() -> float:
    return float(os.environ.get("EARLYROBUST_SHARE_WAIT_S", 7200))


@ray.remote(num_cpus=0)
class SearchClaims:
    """Which trial records which search (one at a time per key)."""

    def __init__(self):
        self.holders: dict[str, str] = {}

    def claim(self, key: str, trial_id: str) -> bool:
        if self.holders.get(key, trial_id) != trial_id:
            return False
        self.holders[key] = trial_id
        return True

    def release(self, key: str, trial_id: str) -> None:
        if self.holders.get(key) == trial_id:
            del self.holders[key]

    def release_all(self, trial_id: str) -> None:
        """A trial that ended for good (its worker killed, no retry left) gives back what it held."""
        self.holders = {k: t for k, t in self.holders.items() if t != trial_id}


class SharedRecordings:
    def __init__(self, storage_uri: str, sweep: str, claims, trial_id: str, grid: list[dict] | None = None):
        self.fs, root = pafs.FileSystem.from_uri(storage_uri)
        self.folder = f"{root.rstrip('/')}/{sweep}/searches"
        self.claims, self.trial_id = claims, trial_id
        self.grid = grid or []  # replay settings a recording must cover (sharing_policy.replay_grid)

    def _read(self, path: str) -> str | None:
        if self.fs.get_file_info(path).type == pafs.FileType.NotFound:
            return None
        with self.fs.open_input_stream(path) as stream:
            return stream.read().decode()

    def get(self, key: str, record, waiting=None) -> tuple[list, bool]:
        """The recording for `key` and whether this trial recorded it (calling `record()` if no trial has);
        `waiting(seconds)` is told, while another trial records it, how long this one has waited."""
        path = f"{self.folder}/{key}.json"
        started = time.monotonic()
        deadline = started + wait_limit_s()
        while True:
            text = self._read(path)
            if text is not None:
                return recording_from_json(text), False
            if ray.get(self.claims.claim.remote(key, self.trial_id)):
                text = self._read(path)  # written between the check and the claim
                if text is not None:
                    return recording_from_json(text), False
                try:
                    snapshots = record()
                    self.fs.create_dir(self.folder)
                    with self.fs.open_output_stream(path + f".{self.trial_id}.tmp") as out:
                        out.write(recording_to_json(snapshots).encode())
                    self.fs.move(path + f".{self.trial_id}.tmp", path)
                finally:
                    self.claims.release.remote(key, self.trial_id)
                return snapshots, True
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"waited {wait_limit_s():.0f} s for the shared search {key} that another trial is "
                    "recording, and it is not in storage yet: raise EARLYROBUST_SHARE_WAIT_S, or run "
                    "with --share-searches off"
                )
            if waiting is not None:
                waiting(time.monotonic() - started)
            time.sleep(POLL_S)
