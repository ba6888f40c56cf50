"""Batches: tokenise per batch (a sentence pair as a pair) with dynamic padding, shuffled with a seed for training."""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader


class Collate:
    def __init__(self, tokenizer, max_length: int):
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(self, rows):
        pairs = (
            [r["text_pair"] for r in rows] if "text_pair" in rows[0] else None
        )  # a sentence pair: both, with token types
        enc = self.tokenizer(
            [r["text"] for r in rows],
            pairs,
            truncation=True,
            max_length=self.max_length,
            padding=True,
            return_tensors="pt",
        )
        enc["labels"] = torch.tensor([r["label"] for r in rows], dtype=torch.long)
        return dict(enc)


def make_loader(ds, tokenizer, batch_size: int, max_length: int, shuffle: bool, seed: int = 0) -> DataLoader:
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    return DataLoader(
        ds, batch_size=batch_size, shuffle=shuffle, generator=generator, collate_fn=Collate(tokenizer, max_length)
    )


def to_device(batch: dict, device) -> dict:
    return {k: v.to(device) for k, v in batch.items()}


def model_inputs(batch: dict) -> dict:
    """The keyword arguments a HF encoder takes (token_type_ids kept: pair tasks need them)."""
    return {k: batch[k] for k in ("input_ids", "attention_mask", "token_type_ids") if k in batch}
