"""Temperature-scaled victims: T fitted by NLL, predictions kept, and on two classes the greedy attacks'
results provably (and here measurably) unchanged."""

import pytest
import torch
import torch.nn.functional as F

from trainables.attacks.robustness import evaluate_robustness
from trainables.attacks.temperature import fit_temperature
from trainables.attacks.victim import Victim
from trainables.config import validate_config


def test_an_overconfident_model_gets_t_above_one_and_a_lower_nll():
    g = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 3, (600,), generator=g)
    right = torch.rand(600, generator=g) < 0.7
    pred = torch.where(right, labels, (labels + 1) % 3)
    logits = F.one_hot(pred, 3).float() * 12.0 + torch.randn(600, 3, generator=g)  # 70% right, ~100% sure
    t = fit_temperature(logits, labels)
    assert t > 3
    assert F.cross_entropy(logits / t, labels) < F.cross_entropy(logits, labels) - 1.0
    calibrated = F.cross_entropy(logits / t, labels)
    assert all(F.cross_entropy(logits / (t * f), labels) >= calibrated - 1e-4 for f in (0.8, 1.25)), "a minimum"


def test_scaling_keeps_predictions_and_changes_confidence(trained_tiny, tokenizer):
    texts = ["a gripping , beautifully acted film", "dull and lifeless", "fine ."]
    plain, hot = (
        Victim(trained_tiny[0], tokenizer, 48).probs(texts),
        Victim(trained_tiny[0], tokenizer, 48, temperature=3.0).probs(texts),
    )
    assert (plain.argmax(1) == hot.argmax(1)).all() and (abs(hot - 0.5) < abs(plain - 0.5)).all()


def test_on_two_classes_the_attack_is_the_same_calibrated_or_not(trained_tiny, tokenizer, tmp_path):
    model, cpu = trained_tiny[0], torch.device("cpu")
    base = {"attack": "textfooler", "attack_n": 30, "max_length": 48, "seed": 0}
    plain = evaluate_robustness(model, tokenizer, validate_config(base), "validation", tmp_path / "a.jsonl", cpu)
    scaled = evaluate_robustness(
        model, tokenizer, validate_config({**base, "attack_calibration": True}), "test", tmp_path / "b.jsonl", cpu
    )
    again = evaluate_robustness(
        model, tokenizer, validate_config({**base, "attack_calibration": True}), "validation", tmp_path / "c.jsonl", cpu
    )
    assert scaled["temperature"] == pytest.approx(again["temperature"]), "fitted on the selection split either way"
    assert again["temperature"] != pytest.approx(1.0, abs=1e-3)
    assert again["aua"] == plain["aua"] and again["robust_bits"] == plain["robust_bits"]
    assert (tmp_path / "a.jsonl").read_text() == (tmp_path / "c.jsonl").read_text(), "every example, swap and query"
