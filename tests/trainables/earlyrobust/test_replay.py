"""One recorded search gives, for other ratios and ε, exactly the ticket, stop step and search cost
of an online search run with them (search once, draw many)."""

import pytest
import torch

from trainables.adversarial import make_adversary
from trainables.convergence import make_rule
from trainables.data.batching import make_loader
from trainables.data.models import load_model
from trainables.earlyrobust.cost import CostMeter
from trainables.earlyrobust.search import SearchSettings, run_search
from trainables.search_sharing.replay import load_recording, replay, save_recording

BUDGET = 1.5


def search(sst2_train, tokenizer, head_ratio, ffn_ratio, eps, recording=None):
    torch.manual_seed(0)
    model = load_model("tiny-bert", 2, seed=0)
    loader = make_loader(sst2_train.select(range(1024)), tokenizer, 32, 48, shuffle=True, seed=0)
    settings = SearchSettings.with_defaults(
        head_ratio=head_ratio,
        ffn_ratio=ffn_ratio,
        lr=1e-3,
        l1_head=1e-3,
        l1_ffn=1e-3,
        epochs=BUDGET,
        check_interval=0.125,
    )
    cost = CostMeter()
    result = run_search(
        model,
        loader,
        settings,
        make_adversary("freelb", 2, 0.01, 0.05),
        make_rule("earlyrobust", eps, 3),
        cost,
        torch.device("cpu"),
        recording=recording,
        stop_on_convergence=recording is None,
    )
    return result, cost


@pytest.fixture(scope="module")
def recording(sst2_train, tokenizer):
    snaps = []
    result, _ = search(sst2_train, tokenizer, 0.25, 0.4, 0.15, recording=snaps)
    assert result.steps == BUDGET * 32, "a recording search runs its whole budget"
    return snaps


@pytest.mark.parametrize("head_ratio,ffn_ratio,eps", [(0.25, 0.4, 0.15), (0.5, 0.3, 0.2), (0.25, 0.4, 1e-9)])
def test_replay_matches_an_online_search(sst2_train, tokenizer, recording, head_ratio, ffn_ratio, eps):
    online, cost = search(sst2_train, tokenizer, head_ratio, ffn_ratio, eps)
    replayed = replay(recording, head_ratio, ffn_ratio, make_rule("earlyrobust", eps, 3))
    assert replayed.ticket.converged == online.ticket.converged
    assert replayed.ticket.heads == online.ticket.heads and replayed.ticket.neurons == online.ticket.neurons
    assert replayed.ticket.step == online.ticket.step
    assert replayed.stop_step == online.steps
    assert replayed.flops == pytest.approx(cost.flops["search"], rel=1e-9)
    assert len(replayed.checks) == len(online.checks)
    if eps > 1e-6:
        assert online.ticket.converged and online.steps < BUDGET * 32, "the case must exercise an early stop"
    else:
        assert replayed.stop_step == BUDGET * 32 and not replayed.ticket.converged


def test_replay_of_nothing_is_refused():
    with pytest.raises(ValueError, match="recording is empty"):
        replay([], 0.25, 0.4, make_rule("earlyrobust", 0.1, 3))


def test_a_saved_recording_replays_the_same(recording, tmp_path):
    save_recording(recording, tmp_path / "rec.json")
    loaded = load_recording(tmp_path / "rec.json")
    assert [s.step for s in loaded] == [s.step for s in recording] and loaded[-1].check == recording[-1].check
    a = replay(recording, 0.5, 0.3, make_rule("earlyrobust", 0.2, 3))
    b = replay(loaded, 0.5, 0.3, make_rule("earlyrobust", 0.2, 3))
    assert (a.ticket.heads, a.ticket.neurons, a.stop_step, a.flops) == (
        b.ticket.heads,
        b.ticket.neurons,
        b.stop_step,
        b.flops,
    )
