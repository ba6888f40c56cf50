"""FreeLB, PGD and the cheap methods (single-step with a random start, free): perturbations respect their
norms; adversarial loss >= clean loss when trained; free replays each batch, carrying its perturbation."""

import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import load_file

from trainables.adversarial import make_adversary
from trainables.adversarial.adversary import adv_loss, word_embeddings
from trainables.data.models import load_model
from trainables.earlyrobust.finetune import AdversarialWindow
from trainables.pipeline import FT_WEIGHTS, run_trial


def norms(delta, norm):
    flat = delta.flatten(1)
    return flat.norm(dim=1) if norm == "l2" else flat.abs().max(dim=1).values


@pytest.mark.parametrize("norm, radius", [("l2", 0.3), ("linf", 0.02)])
def test_pgd_stays_inside_its_ball(norm, radius, batch):
    model = load_model("tiny-bert", 2)
    pgd = make_adversary("pgd", steps=5, step_size=0.5, init_mag=0.05, max_norm=radius, norm=norm)
    delta = pgd.perturb(model, batch)
    assert (norms(delta, norm) <= radius + 1e-5).all()
    assert (norms(delta, norm) > 0.5 * radius).all(), "large steps should reach the boundary"
    pad = batch["attention_mask"] == 0
    assert pad.any() and delta[pad].abs().max() == 0, "padding is never perturbed"


@pytest.mark.parametrize("norm, bound", [("l2", 0.05), ("linf", 0.01), ("l2", 0.0)])
def test_freelb_respects_its_norm_bound(norm, bound, batch):
    model = load_model("tiny-bert", 2)
    freelb = make_adversary("freelb", steps=3, step_size=1.0, init_mag=0.05, max_norm=bound, norm=norm)
    steps = []  # every perturbation FreeLB moves to; the last is the one its final pass uses
    ascend = freelb.ascend
    freelb.ascend = lambda *a: steps.append(ascend(*a)) or steps[-1]
    freelb.train_backward(model, batch)
    size = norms(steps[-1], norm)
    if bound > 0:
        assert (size <= bound + 1e-5).all()
    else:
        assert (size > 0.5).all(), "unbounded FreeLB takes full steps of size 1"


@pytest.mark.parametrize("norm, radius", [("l2", 0.3), ("linf", 0.02)])
def test_single_step_starts_at_random_takes_one_step_of_one_and_a_quarter_eps_and_stays_inside(norm, radius, batch):
    model = load_model("tiny-bert", 2).eval()
    fgsm = make_adversary("fgsm", steps=5, step_size=0.01, init_mag=0.0, max_norm=radius, norm=norm)
    torch.manual_seed(0)
    first = fgsm.perturb(model, batch)
    torch.manual_seed(1)
    second = fgsm.perturb(model, batch)
    assert (norms(first, norm) <= radius + 1e-5).all() and not torch.equal(first, second), "a random start"
    assert (norms(first, norm) > 0.5 * radius).all(), "a step of 1.25 eps reaches the boundary"
    pad = batch["attention_mask"] == 0
    assert first[pad].abs().max() == 0, "padding is never perturbed"


def test_free_climbs_by_eps_each_replay_and_carries_the_perturbation(batch):
    model = load_model("tiny-bert", 2).eval()
    free = make_adversary("free", steps=3, step_size=0.01, init_mag=0.0, max_norm=0.2, norm="l2")
    assert free.replays == 3 and free.delta is None
    seen = []
    for _ in range(free.replays):
        free.train_backward(model, batch)
        seen.append(free.delta.clone())
    assert norms(seen[0], "l2").max() == pytest.approx(0.2, rel=1e-4), "from 0, one step of eps"
    assert all((norms(d, "l2") <= 0.2 + 1e-5).all() for d in seen) and not torch.equal(seen[0], seen[1])
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters()), "weights get gradients"


def test_freelb_accumulates_the_mean_gradient_of_its_k_passes(batch):
    """The weight gradient FreeLB leaves is (1/K) Σ_t ∇θ L(x + δ_t), with δ_t its own ascent path."""
    k = 3
    model = load_model("tiny-bert", 2).eval()  # no dropout: each pass is deterministic
    params = [p for p in model.parameters() if p.requires_grad]
    freelb = make_adversary("freelb", steps=k, step_size=0.1, init_mag=0.05, max_norm=0.0, norm="l2")
    torch.manual_seed(7)
    freelb.train_backward(model, batch)
    theirs = [p.grad.clone() for p in params]
    model.zero_grad()
    torch.manual_seed(7)
    embeds = word_embeddings(model, batch).detach()
    delta = freelb.init_delta(embeds, batch["attention_mask"])
    total = [torch.zeros_like(p) for p in params]
    for _ in range(k):
        delta.requires_grad_()
        loss = adv_loss(model, batch, word_embeddings(model, batch) + delta)
        *grads, delta_grad = torch.autograd.grad(loss, params + [delta])
        total = [a + g for a, g in zip(total, grads)]
        delta = freelb.ascend(delta.detach(), delta_grad, 0.0)
    for mine, hand in zip(theirs, total):
        assert torch.allclose(mine, hand / k, atol=1e-6, rtol=1e-4)
    assert any(not torch.allclose(mine, hand, atol=1e-6) for mine, hand in zip(theirs, total)), "the 1/K matters"


def test_freelb_adds_the_extra_loss_once(batch):
    model = load_model("tiny-bert", 2)
    calls = []
    make_adversary("freelb", 4, 0.01, 0.05).train_backward(model, batch, lambda: calls.append(1) or torch.tensor(0.0))
    assert calls == [1]


@pytest.mark.parametrize("method", ["freelb", "pgd", "fgsm"])
def test_adversarial_loss_is_at_least_the_clean_loss_on_a_trained_model(method, trained_tiny, tokenizer, sst2_dev):
    model, acc = trained_tiny
    assert acc > 0.65
    rows = sst2_dev.select(range(64))
    enc = tokenizer(list(rows["text"]), padding=True, truncation=True, max_length=48, return_tensors="pt")
    enc["labels"] = torch.tensor(list(rows["label"]))
    batch = dict(enc)
    model.eval()
    with torch.no_grad():
        clean = F.cross_entropy(
            model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits, batch["labels"]
        ).item()
    adversary = make_adversary(method, steps=5, step_size=0.1, init_mag=0.05, max_norm=0.5)
    if method == "pgd":
        delta = adversary.perturb(model, batch)
        with torch.no_grad():
            adv = adv_loss(model, batch, word_embeddings(model, batch) + delta).item()
    else:
        adv = adversary.train_backward(model, batch) * 1.0  # averaged over the K ascent steps
        model.zero_grad()
    assert adv >= clean


def test_token_type_ids_reach_the_model_in_adversarial_passes(batch):
    model = load_model("tiny-bert", 2).eval()
    emb = word_embeddings(model, batch).detach()
    other = dict(batch, token_type_ids=torch.ones_like(batch["input_ids"]))
    assert not torch.allclose(adv_loss(model, batch, emb), adv_loss(model, other, emb))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(method="freelb", steps=0, step_size=0.01, init_mag=0.05), "adv_steps' = 0"),
        (dict(method="pgd", steps=3, step_size=0.01, init_mag=0.05, max_norm=0.0), "adv_max_norm' must be > 0"),
        (dict(method="trades", steps=3, step_size=0.01, init_mag=0.05), "adv_method' = 'trades' is unknown"),
        (dict(method="freelb", steps=3, step_size=0.01, init_mag=0.05, norm="l1"), "adv_norm' = 'l1' is unknown"),
    ],
)
def test_bad_adversary_parameters_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_adversary(**kwargs)


# a real tiny trial: 4 batches of 16, half an epoch of search, one epoch of fine-tuning, no attack
TRIAL = {
    "model": "tiny-bert",
    "train_size": 64,
    "eval_size": 16,
    "max_length": 24,
    "batch_size": 16,
    "adv_max_norm": 0.3,
    "adv_steps": 2,
    "search_epochs": 0.5,
    "check_interval": 0.5,
    "conv_window": 1,
    "ft_epochs": 1,
    "attack": "none",
    "attack_n": 8,
}


@pytest.mark.parametrize("search, finetune", [("free", "ce"), ("fgsm", "fgsm"), ("freelb", "free")])
def test_the_cheap_methods_train_a_real_trial_and_count_their_passes(search, finetune, tmp_path):
    cfg = {**TRIAL, "adv_method": search, "ft_mode": finetune}
    result = run_trial(cfg, tmp_path / "trial")
    assert result["train_flops"] > 0 and 0 <= result["clean_acc"] <= 1
    ce = run_trial({**cfg, "adv_method": "freelb", "ft_mode": "ce"}, tmp_path / "ce")
    if finetune == "free":  # m = 2 replays a batch, each a training pass: twice CE's fine-tuning
        assert result["train_flops"] - result["search_flops"] == pytest.approx(
            2 * (ce["train_flops"] - ce["search_flops"]), rel=1e-9
        )


def test_an_adversarial_share_of_the_fine_tuning_costs_its_share(tmp_path):
    cfg = {**TRIAL, "ft_mode": "free"}  # 4 batches: a half is 2

    def ft(result):
        return result["train_flops"] - result["search_flops"]

    ce = ft(run_trial({**cfg, "ft_mode": "ce"}, tmp_path / "ce"))
    whole = ft(run_trial(cfg, tmp_path / "whole"))
    assert whole == pytest.approx(2 * ce, rel=1e-9), "m = 2 replays a batch"
    ends, costs = {}, {}
    for at in ("first", "last"):
        costs[at] = ft(run_trial({**cfg, "ft_adv_share": 0.5, "ft_adv_at": at}, tmp_path / at))
        assert ce < costs[at] < whole
        ends[at] = load_file(str(tmp_path / at / FT_WEIGHTS))
    # each batch is replayed twice in one of them and once in the other (batches differ in length)
    assert costs["first"] + costs["last"] == pytest.approx(whole + ce, rel=1e-9)
    assert any(not torch.equal(ends["first"][k], ends["last"][k]) for k in ends["first"]), "the share lies elsewhere"


def test_the_adversarial_window_counts_the_optimizer_steps_before_a_batch():
    last, first = AdversarialWindow(10, 0.3, "last"), AdversarialWindow(10, 0.3, "first")
    assert [b for b in range(10) if last.holds(b)] == [7, 8, 9] and [b for b in range(10) if first.holds(b)] == [
        0,
        1,
        2,
    ]
    assert [last.steps_before(b, 3) for b in (0, 7, 8, 10)] == [0, 7, 10, 16]
    assert [first.steps_before(b, 3) for b in (0, 2, 3, 10)] == [0, 6, 9, 16]
    assert AdversarialWindow(10, 0.0, "last").steps_before(10, 3) == 10, "no adversary: every batch one step"
