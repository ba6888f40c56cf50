"""Several attacks per trial: each attacks the same sample into its own JSONL and keeps its own metrics;
`aua` is the worst case (an example is robust only if every attack failed on it)."""

import json

import pytest
import torch

from trainables.attacks.attack_stats import wilson
from trainables.attacks.robustness import evaluate_robustness
from trainables.config import validate_config

CPU = torch.device("cpu")


def rows(path):
    return {r["index"]: r for r in map(json.loads, path.read_text().splitlines())}


def test_a_list_of_attacks_gives_each_attacks_metrics_and_the_worst_case(trained_tiny, tokenizer, tmp_path):
    model = trained_tiny[0]
    cfg = validate_config({"attack": "textfooler,deepwordbug", "attack_n": 40, "max_length": 48, "seed": 0})
    seen = []
    out = tmp_path / "attack.jsonl"
    result = evaluate_robustness(
        model, tokenizer, cfg, "validation", out, CPU, progress=lambda d, t: seen.append((d, t))
    )
    each = {name: rows(tmp_path / f"attack_{name}.jsonl") for name in ("textfooler", "deepwordbug")}
    worst = rows(out)
    assert set(worst) == set(each["textfooler"]) == set(each["deepwordbug"]) and len(worst) == 40
    for idx, row in worst.items():
        statuses = {name: each[name][idx]["status"] for name in each}
        assert row["by_attack"] == statuses
        robust = all(s == "failed" for s in statuses.values())
        assert (row["status"] == "failed") == robust
        assert row["queries"] == sum(each[name][idx]["queries"] for name in each)
        if row["status"] == "succeeded":
            assert row["perturbed"] == each[row["broken_by"]][idx]["perturbed"] != row["original"]
    failed = sum(r["status"] == "failed" for r in worst.values())
    assert result["aua"] == pytest.approx(failed / 40) and result["attack_n"] == 40
    assert (result["aua_ci_low"], result["aua_ci_high"]) == pytest.approx(wilson(failed, 40))
    for name in each:
        own = sum(r["status"] == "failed" for r in each[name].values()) / 40
        assert result[f"aua_{name}"] == pytest.approx(own) and own >= result["aua"]
        assert f"suc_{name}" in result and f"avg_queries_{name}" in result and f"aua_ci_low_{name}" in result
    both = sum(each["textfooler"][i]["status"] == each["deepwordbug"][i]["status"] == "failed" for i in worst)
    assert result["aua"] == pytest.approx(both / 40), "robust only where both attacks failed"
    assert seen[-1] == (80, 80) and [d for d, _ in seen] == sorted(d for d, _ in seen), "one count over both attacks"
    # resumed: nothing attacked again, the same result
    again = evaluate_robustness(model, tokenizer, cfg, "validation", out, CPU)
    assert again == result


def test_a_list_is_validated_and_not_text_attacks_stand_alone():
    assert validate_config({"attack": "textfooler, bertattack,textfooler"})["attack"] == "textfooler,bertattack"
    with pytest.raises(ValueError, match="none cannot be combined"):
        validate_config({"attack": "textfooler,none"})
    with pytest.raises(ValueError, match="one or more \\(comma-separated\\) of textfooler, textbugger, bertattack"):
        validate_config({"attack": "textfooler,bert-attack"})
