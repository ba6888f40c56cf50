"""Shared helpers for the benchmark scripts: models by shape, machine description, result files."""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
from transformers import (
    AutoModelForSequenceClassification,
    BertConfig,
    DebertaV2Config,
    DistilBertConfig,
    ModernBertConfig,
)

from trainables.data.models import load_model

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _base_configs() -> dict:
    """The published base shapes of each encoder family (transformers' defaults, DeBERTa-v3's settings)."""
    return {
        "bert-base": BertConfig,
        "distilbert-base": DistilBertConfig,
        "modernbert-base": ModernBertConfig,
        "deberta-v3-base": lambda **kw: DebertaV2Config(
            vocab_size=128100,
            relative_attention=True,
            pos_att_type=["p2c", "c2p"],
            position_buckets=256,
            max_relative_positions=-1,
            share_att_key=True,
            norm_rel_ebd="layer_norm",
            position_biased_input=False,
            type_vocab_size=0,
            **kw,
        ),
    }


def build_model(name: str, num_labels: int = 2):
    """`bert-base`, `distilbert-base`, `deberta-v3-base`, `modernbert-base`: those shapes with random
    weights (speed does not depend on the weights); anything else goes through the platform's model
    loader (minilm, tiny-bert, HF names)."""
    configs = _base_configs()
    if name in configs:
        torch.manual_seed(0)
        return AutoModelForSequenceClassification.from_config(configs[name](num_labels=num_labels))

    return load_model(name, num_labels)


def machine(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)}, torch {torch.__version__}"
    cpu = "unknown CPU"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads, torch {torch.__version__}"


PEAK_BF16 = {"H100": 989e12, "H200": 989e12, "A100": 312e12}  # dense bf16 tensor-core peaks


def peak_flops(device: torch.device) -> float:
    """The accelerator's dense bf16 peak (for MFU); NaN on CPU or an unknown GPU."""
    if device.type != "cuda":
        return float("nan")
    name = torch.cuda.get_device_name(device)
    return next((v for k, v in PEAK_BF16.items() if k in name), float("nan"))


def timed(fn, device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def interleaved_medians(fns: dict, device: torch.device, repeats: int, warmup: int = 2) -> dict:
    """Median seconds of each function, run in alternation so machine noise hits all alike."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times = {k: [] for k in fns}
    for _ in range(repeats):
        for key, fn in fns.items():
            times[key].append(timed(fn, device))
    return {k: float(np.median(v)) for k, v in times.items()}


def write_results(rows: list[dict], out_dir: Path, stem: str, title: str, device_line: str, notes: str = "") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / f"{stem}.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    header = "| " + " | ".join(rows[0]) + " |\n|" + "---|" * len(rows[0]) + "\n"
    body = "".join("| " + " | ".join(_fmt(v) for v in r.values()) + " |\n" for r in rows)
    md = out_dir / f"{stem}.md"
    md.write_text(f"# {title}\n\nMachine: {device_line}\n\n{header}{body}" + (f"\n{notes}\n" if notes else ""))
    return md


def _fmt(v) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)
