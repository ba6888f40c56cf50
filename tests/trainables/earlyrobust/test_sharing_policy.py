"""Sharing recorded searches only where it pays, and recordings that run only as far as their readers
need: the policy's decisions on the named spaces, a recording that stops once the space's grid has
converged, trials that search alone when a recording ends before their own stop (also when training
diverged after the grid's stops), every ticket equal to its own online search's."""

import json

import pytest

import trainables.earlyrobust.search as search_module
from search_spaces import load_space
from search_spaces.spaces import SearchSpace
from trainables.errors import DivergedError
from trainables.pipeline import Trial, run_trial
from trainables.search_sharing.sharing_policy import decide, expected_saving, replay_grid

BASE = {
    "model": "tiny-bert",
    "dataset": "sst2",
    "train_size": 256,
    "eval_size": 32,
    "batch_size": 32,
    "max_length": 24,
    "lr": 2e-3,
    "l1_head": 1e-3,
    "l1_ffn": 1e-3,
    "adv_steps": 1,
    "search_epochs": 2.0,
    "check_interval": 0.125,
    "conv_window": 2,
    "head_ratio": 0.25,
    "ffn_ratio": 0.5,
    "ft_epochs": 0,
    "attack": "none",
    "attack_n": 16,
}


@pytest.mark.parametrize(
    "name, shares",
    [
        ("ticket-sizes", True),
        ("quick", False),
        ("smoke", False),
    ],
)
def test_auto_shares_where_the_expected_saving_is_positive(name, shares):
    space = load_space(name)
    n, c = int(space.sweep.get("num_samples", 4)), int(space.sweep.get("max_concurrent", 1))
    decision, reason = decide(space, "auto", "ticket", n, c)
    assert decision == shares, reason
    assert reason.startswith("yes: " if shares else "no: ") and "expected saving" in reason
    assert decide(space, "on", "ticket", n, c)[0] and not decide(space, "off", "ticket", n, c)[0]


@pytest.mark.parametrize("name", ["sst2-bert-base", "agnews-bert-base", "imdb-bert-base", "robust-cheap"])
def test_spaces_that_fine_tune_the_searched_weights_never_share(name):
    space = load_space(name)
    for mode in ("auto", "on"):
        decision, reason = decide(space, mode, "ticket", 16, 8)
        assert not decision and reason.startswith("no: ft_init=searched"), reason
    fixed = space.with_fixed({"ft_init": "pretrained"})
    assert decide(fixed, "on", "ticket", 16, 8)[0], "each search's weights are needed only for ft_init=searched"
    assert decide(space, "auto", "dense", 16, 8) == (False, "no: dense trials search nothing")


def test_the_paper_spaces_would_record_more_than_they_save():
    saving, recordings = expected_saving(12, 16, 8)  # adv_steps 2-5 x adv_max_norm 3 values; 16 trials
    assert 8.5 < recordings < 9.5 and saving < 0
    assert expected_saving(2, 12, 2)[0] > 0 and expected_saving(float("inf"), 4, 1)[0] < 0


class Memory:
    """Recordings kept in memory (what `SharedRecordings` keeps in the sweep's storage)."""

    def __init__(self, grid, diverge_after=None):
        self.grid, self.store, self.diverge_after = grid, {}, diverge_after

    def get(self, key, record, waiting=None):
        if key in self.store:
            return self.store[key], False
        original, steps = search_module.optimizer_step, [0]

        def failing(*args, **kwargs):  # training diverges at this step of the recording
            steps[0] += 1
            if self.diverge_after is not None and steps[0] > self.diverge_after:
                raise DivergedError("training diverged: loss nan")
            return original(*args, **kwargs)

        search_module.optimizer_step = failing
        try:
            self.store[key] = record()
        finally:
            search_module.optimizer_step = original
        return self.store[key], True


def ticket_of(folder):
    ticket = json.loads((folder / "final" / "ticket.json").read_text())
    return ticket["heads"], ticket["neurons"]


def shared_state(folder):
    return json.loads((folder / "final" / "state.json").read_text())


def online(eps, tmp_path):
    run_trial({**BASE, "conv_eps": eps}, tmp_path / f"online-{eps}")
    return ticket_of(tmp_path / f"online-{eps}")


def test_a_recording_stops_once_the_grid_converged_and_every_ticket_is_its_online_one(tmp_path):
    space = SearchSpace("t", fixed=dict(BASE), search={"conv_eps": {"uniform": [0.3, 0.6]}})
    grid = replay_grid(space)
    assert [p["conv_eps"] for p in grid] == [0.3], "the smallest ε converges last"
    memory = Memory(grid)
    for eps in (0.6, 0.3):
        Trial({**BASE, "conv_eps": eps}, tmp_path / f"shared-{eps}", recordings=memory).run()
        assert shared_state(tmp_path / f"shared-{eps}").get("shared_search"), "replayed, not searched"
        assert ticket_of(tmp_path / f"shared-{eps}") == online(eps, tmp_path)
    (recording,) = memory.store.values()
    assert recording[-1].step < 2 * 8, "the recording stopped before the 2-epoch budget (8 steps an epoch)"
    Trial({**BASE, "conv_eps": 0.01}, tmp_path / "alone", recordings=memory).run()  # outside the grid
    assert "shared_search" not in shared_state(tmp_path / "alone"), "searched alone: the recording ended first"
    assert ticket_of(tmp_path / "alone") == online(0.01, tmp_path)


def test_a_divergence_after_a_trials_own_stop_does_not_fail_it(tmp_path):
    run_trial({**BASE, "conv_eps": 0.6}, tmp_path / "probe", lambda m, f: None)
    stop = json.loads((tmp_path / "probe" / "final" / "state.json").read_text())["result"]["search_stop_epoch"]
    memory = Memory([], diverge_after=int(stop * 8) + 1)  # no grid: the recording would run the whole budget
    Trial({**BASE, "conv_eps": 0.6}, tmp_path / "early", recordings=memory).run()
    assert shared_state(tmp_path / "early").get("shared_search") and shared_state(tmp_path / "early")["done"]
    assert ticket_of(tmp_path / "early") == ticket_of(tmp_path / "probe")
    Trial({**BASE, "conv_eps": 0.01}, tmp_path / "late", recordings=memory).run()  # stops after the divergence
    assert "shared_search" not in shared_state(tmp_path / "late")
    assert ticket_of(tmp_path / "late") == online(0.01, tmp_path)
