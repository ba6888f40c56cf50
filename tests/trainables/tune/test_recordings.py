"""Shared recorded searches across trials (a real local Ray): recorded once when several trials ask at
the same time, found again by a later trial (a resumed sweep), recorded again if the recorder failed."""

import threading
import time

import numpy as np
import pytest
import ray

from platform.tune_callbacks import ReleaseSearchClaims
from trainables.earlyrobust.search import Snapshot
from trainables.search_sharing.claims import SearchClaims, SharedRecordings

pytestmark = pytest.mark.slow  # a real local Ray


@pytest.fixture(scope="module")
def local_ray(tmp_path_factory):
    if ray.is_initialized():  # an earlier test of the session started one in this process
        ray.shutdown()
    ray.init(
        num_cpus=1,
        include_dashboard=False,
        logging_level="ERROR",
        _temp_dir=str(tmp_path_factory.mktemp("r", numbered=True)),
    )
    yield
    ray.shutdown()


def snapshots(tag: float) -> list:
    return [
        Snapshot(
            step=s,
            epoch=s / 4,
            heads=[np.full(4, tag + s, dtype=np.float32)],
            ffn=[np.full(8, tag, dtype=np.float32)],
            flops=1e9 * s,
            seconds=0.5 * s,
        )
        for s in (1, 2, 3, 4)
    ]


def test_one_recording_per_key_whoever_asks_first(local_ray, tmp_path):
    claims = SearchClaims.remote()
    calls, results = [], {}

    def record():
        calls.append(threading.get_ident())
        time.sleep(3)  # the others ask while this one records
        return snapshots(1.0)

    def trial(trial_id):
        results[trial_id] = SharedRecordings(str(tmp_path), "sw", claims, trial_id).get("k1", record)

    threads = [threading.Thread(target=trial, args=(f"t{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(calls) == 1, "recorded once"
    assert sorted(recorded for _, recorded in results.values()) == [False, False, True]
    for recording, _ in results.values():
        assert [s.step for s in recording] == [1, 2, 3, 4] and recording[2].heads[0][0] == 4.0
    assert sorted(p.name for p in (tmp_path / "sw" / "searches").iterdir()) == ["k1.json"], "no temporary file left"
    # a resumed sweep: a new claims actor, the recording found in storage, nothing recorded again
    later = SharedRecordings(str(tmp_path), "sw", SearchClaims.remote(), "t9").get(
        "k1", lambda: pytest.fail("re-recorded")
    )
    assert later[1] is False and later[0][3].flops == 4e9


def test_a_failed_recorder_gives_the_key_back(local_ray, tmp_path):
    claims = SearchClaims.remote()

    def broken():
        raise RuntimeError("node lost")

    with pytest.raises(RuntimeError):
        SharedRecordings(str(tmp_path), "sw", claims, "a").get("k2", broken)
    recording, recorded = SharedRecordings(str(tmp_path), "sw", claims, "b").get("k2", lambda: snapshots(2.0))
    assert recorded and recording[0].ffn[0][0] == 2.0


def test_a_trial_that_ends_in_error_gives_its_claims_back(local_ray, tmp_path):
    claims = SearchClaims.options(name="earlyrobust-searches-t").remote()
    assert ray.get(claims.claim.remote("k3", "dead")), "a recorder whose worker was killed keeps its claim"
    assert not ray.get(claims.claim.remote("k3", "waiting"))

    class Ended:
        trial_id = "dead"

    ReleaseSearchClaims("earlyrobust-searches-t").on_trial_error(0, [], Ended())
    recording, recorded = SharedRecordings(str(tmp_path), "sw", claims, "waiting").get("k3", lambda: snapshots(3.0))
    assert recorded, "the waiting trial records it instead of waiting for ever"


def test_waiting_for_a_recording_has_a_time_limit(local_ray, tmp_path, monkeypatch):
    claims = SearchClaims.remote()
    assert ray.get(claims.claim.remote("k4", "recorder")), "another trial records k4 and never finishes"
    monkeypatch.setenv("EARLYROBUST_SHARE_WAIT_S", "3")
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="waited 3 s for the shared search k4 that another trial is recording"):
        SharedRecordings(str(tmp_path), "sw", claims, "waiter").get("k4", lambda: pytest.fail("not its to record"))
    assert 3 <= time.monotonic() - start < 30
