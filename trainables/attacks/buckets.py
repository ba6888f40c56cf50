"""Length-bucketed batches for the attacks' model calls: each input is padded to a length of its own
(its token count rounded up to a multiple of `STEP`, at most `max_length`) and batched only with inputs
of that length, so that its result does not depend on what else is in the batch, and padding is at
most `STEP - 1` tokens."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np
import torch

STEP = 8


def bucketed(
    tokenizer, inputs: list, max_length: int, batch_size: int, run: Callable[[dict], torch.Tensor], device
) -> np.ndarray:
    """`run(encoded batch)` over every input (a text, or a (text, text_pair) tuple), rows in input order."""
    if not inputs:
        return np.zeros((0, 0), dtype=np.float32)
    pairs = isinstance(inputs[0], tuple)
    firsts = [x[0] for x in inputs] if pairs else list(inputs)
    seconds = [x[1] for x in inputs] if pairs else None
    encoded = tokenizer(firsts, seconds, truncation=True, max_length=max_length)
    features = list(encoded.keys())
    buckets: dict[int, list[int]] = defaultdict(list)
    for i, ids in enumerate(encoded["input_ids"]):
        buckets[min(-(-len(ids) // STEP) * STEP, max_length)].append(i)
    out: list = [None] * len(inputs)
    with torch.inference_mode():
        for length, members in sorted(buckets.items()):
            for start in range(0, len(members), batch_size):
                chunk = members[start : start + batch_size]
                rows = [{k: encoded[k][i] for k in features} for i in chunk]
                batch = tokenizer.pad(rows, padding="max_length", max_length=length, return_tensors="pt")
                result = run({k: v.to(device) for k, v in batch.items()}).float().cpu().numpy()
                for i, row in zip(chunk, result):
                    out[i] = row
    return np.stack(out)
