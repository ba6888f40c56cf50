"""Robustness of a model on one split: the configured attack over a seeded, label-stratified sample
(with `attack: none`, the clean accuracy on that sample alone).  With several attacks
(`textfooler,textbugger,bertattack`) each attacks the same sample into its own JSONL
(`attack_<name>.jsonl` beside `out_path`), its metrics come back as `<metric>_<name>`
(`aua_textfooler`, ...), and `aua` and the other plain names are the worst case over them
(`attack_runs.worst_case`, written to `out_path`).  `robust_bits` and `clean_bits` carry the
per-example outcomes (`attack_stats.py`), so that trials, and a trial and its target, compare paired.

Used by a trial (the selection split) and by the sweep's final report (the held-out report split);
the metrics carry 95% Wilson intervals (see `metrics.py`).
"""

from __future__ import annotations

import math
from pathlib import Path

from trainables.attacks import make_attack
from trainables.attacks.attack_runs import choose_examples, read_rows, run_attack, worst_case
from trainables.attacks.attack_stats import clean_bits, robust_bits, wilson
from trainables.attacks.embedding_pgd import robust_accuracy
from trainables.attacks.examples_page import write_page
from trainables.attacks.temperature import fit_temperature, logits_of
from trainables.attacks.victim import Victim
from trainables.compute import evaluate_accuracy
from trainables.data.batching import make_loader
from trainables.data.dataset_tables import pair_columns
from trainables.data.datasets import load_split
from trainables.errors import ConfigError
from trainables.metric_registry import names


def attack_files(out_path: Path, names: list[str]) -> dict[str, Path]:
    """Where each attack writes its examples: `out_path` for one attack, `<stem>_<name>.jsonl` for a list."""
    if len(names) == 1:
        return {names[0]: out_path}
    return {name: out_path.with_name(f"{out_path.stem}_{name}{out_path.suffix}") for name in names}


def evaluate_robustness(
    model, tokenizer, cfg: dict, split: str, out_path: Path, device, progress=None, class_map: list[int] | None = None
) -> dict:
    """`class_map`: the data class each model class stands for, when they differ (`Victim`)."""
    data = load_split(cfg["dataset"], split, cfg["data_dir"])
    labels = list(data["label"])
    if cfg["attack"] == "none":  # nothing attacked: clean accuracy on the same sample, with its interval
        picked = choose_examples(labels, cfg["attack_n"], cfg["seed"])
        n = len(picked)
        if class_map is None:
            loader = make_loader(data.select(picked), tokenizer, cfg["batch_size"], cfg["max_length"], False)
            clean = round(evaluate_accuracy(model, loader, device) * n)
        else:
            victim = Victim(model, tokenizer, cfg["max_length"], device=device, class_map=class_map)
            inputs = [
                data["text"][i] if "text_pair" not in data.column_names else (data["text"][i], data["text_pair"][i])
                for i in picked
            ]
            clean = int((victim.probs(inputs).argmax(1) == [labels[i] for i in picked]).sum())
        low, high = wilson(clean, n)
        return {"clean_acc": clean / n, "clean_acc_ci_low": low, "clean_acc_ci_high": high, "attack_n": n}
    if cfg["attack"] == "embedding_pgd":
        if class_map is not None:
            raise ConfigError("attack 'embedding_pgd' cannot map classes: evaluate with the model's own classes")
        picked = choose_examples(labels, cfg["attack_n"], cfg["seed"])
        loader = make_loader(data.select(picked), tokenizer, cfg["batch_size"], cfg["max_length"], False)
        r = robust_accuracy(model, loader, device, cfg["adv_steps"], radius=max(cfg["adv_max_norm"], 0.5))
        n = len(picked)
        clean, robust = round(r["clean_acc"] * n), round(r["robust_acc"] * n)
        (clean_lo, clean_hi), (lo, hi) = wilson(clean, n), wilson(robust, n)
        return {
            "clean_acc": clean / n,
            "aua": robust / n,
            "suc": (clean - robust) / clean if clean else math.nan,
            "avg_queries": math.nan,
            "aua_ci_low": lo,
            "aua_ci_high": hi,
            "clean_acc_ci_low": clean_lo,
            "clean_acc_ci_high": clean_hi,
            "attack_n": n,
        }
    temperature = 1.0
    if cfg["attack_calibration"]:  # fitted on the selection split, whichever split is attacked
        selection = (
            data if split == cfg["attack_split"] else load_split(cfg["dataset"], cfg["attack_split"], cfg["data_dir"])
        )
        temperature = fit_temperature(*logits_of(model, tokenizer, selection, cfg["max_length"], device))
    victim = Victim(model, tokenizer, cfg["max_length"], device=device, temperature=temperature, class_map=class_map)
    pairs = list(data["text_pair"]) if "text_pair" in data.column_names else None
    files = attack_files(Path(out_path), cfg["attack"].split(","))
    result = {}
    for k, (name, path) in enumerate(files.items()):
        attack = make_attack(
            name, max_change=cfg["attack_max_change"], query_budget=cfg["attack_query_budget"], seed=cfg["seed"]
        )
        # one progress count over every attack of the list
        step = None if progress is None else (lambda done, total, k=k: progress(k * total + done, len(files) * total))
        summary = run_attack(
            attack,
            victim,
            list(data["text"]),
            labels,
            cfg["attack_n"],
            path,
            seed=cfg["seed"],
            resume=True,
            progress=step,
            pairs=pairs,
            columns=pair_columns(data),
        )
        if len(files) > 1:
            result.update({f"{key}_{name}": summary[key] for key in names(each_attack=True)})
    if len(files) > 1:
        summary = worst_case(files, Path(out_path))
    write_page(
        Path(out_path),
        f"Attacked examples: {cfg['attack']} on {cfg['dataset']}/{split} (n={summary['n']}, seed {cfg['seed']})",
    )
    if cfg["attack_calibration"]:
        result["temperature"] = temperature
    return {
        **result,
        **{k: summary[k] for k in names(attack=True) if k in summary},
        "attack_n": summary["n"],
        "robust_bits": robust_bits(read_rows(Path(out_path))),
        "clean_bits": clean_bits(read_rows(Path(out_path))),
    }
