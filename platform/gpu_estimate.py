"""What a sweep will cost on GPUs, estimated for `--dry-run` from training-step times measured on one
(`benchmarks/gpu_check.py`, results in benchmarks/results/<device>/gpu_train_steps.csv: BERT-base,
bf16, batch 256 x 128 tokens).  An estimate, and said to be one: every example is counted at
max_length (dynamic padding makes real batches shorter), the search at its whole budget (the online
stop usually ends it earlier), other models scaled by their FLOPs per token, and the attacks not
included (no GPU attack timing has been measured)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "h100"
MEASURED_TOKENS, MEASURED_SEQ, MEASURED_K = 256 * 128, 128, 5


def _step_seconds_per_token() -> dict:
    with open(RESULTS / "gpu_train_steps.csv") as f:
        ms = {row["step"].split(" (")[0]: float(row["ms"]) for row in csv.DictReader(f)}
    return {"search": ms["search"] / 1e3 / MEASURED_TOKENS, "ticket": ms["ticket CE"] / 1e3 / MEASURED_TOKENS}


def _flops_per_token(config, seq_len: int) -> float:
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    import torch  # noqa: PLC0415
    from transformers import AutoModelForSequenceClassification  # noqa: PLC0415

    from trainables.earlyrobust.cost import ModelCost  # noqa: PLC0415

    with torch.device("meta"):
        model = AutoModelForSequenceClassification.from_config(config)
    return ModelCost.of(model).train_flops(seq_len, seq_len)


def estimate(plan) -> str:
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    from transformers import BertConfig  # noqa: PLC0415

    from platform.preflight import check_model  # noqa: PLC0415
    from trainables.config import validate_config  # noqa: PLC0415
    from trainables.data import provided  # noqa: PLC0415
    from trainables.phase_clock import duration  # noqa: PLC0415

    try:
        per_token = _step_seconds_per_token()
        machine = json.loads((RESULTS / "gpu_check.json").read_text())["machine"].split(",")[0]
    except (OSError, KeyError, ValueError):
        return "no GPU step times measured (benchmarks/results/h100/gpu_train_steps.csv)"
    cfg = validate_config(plan.space.fixed)
    split = plan.inputs["splits"][provided.key(cfg["dataset"], "train", cfg["data_dir"])]["frame"]
    rows = min(cfg["train_size"] or len(split), len(split))
    seq = max(plan.space.extremes("max_length"))
    steps = max(plan.space.extremes("adv_steps"))
    scale = _flops_per_token(check_model(cfg["model"]), seq) / _flops_per_token(BertConfig(), MEASURED_SEQ)
    tokens = rows * seq
    search = (
        0.0
        if plan.trainable == "dense"
        else max(plan.space.extremes("search_epochs")) * tokens * per_token["search"] * scale * steps / MEASURED_K
    )
    finetune = cfg["ft_epochs"] * tokens * per_token["ticket"] * scale * (1 if cfg["ft_mode"] == "ce" else steps + 1)
    waves = math.ceil(plan.num_samples / plan.max_concurrent)
    return (
        f"ESTIMATE from {machine} bf16 step times at batch 256 (benchmarks/results/h100; smaller batches run slower), "
        f"{rows:,} examples x {seq} tokens, "
        f"K <= {steps}, a GPU per trial: each trial <= {duration(search)} search (whole budget) + "
        f"{duration(finetune)} fine-tuning + its attacks (not estimated); the sweep <= "
        f"{duration(waves * (search + finetune))} on {plan.max_concurrent} GPUs ({waves} waves) + attacks"
    )
