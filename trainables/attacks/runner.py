"""Attack N examples of a split, one JSON line per example written as it finishes.

An interrupted run keeps every line already written; `resume=True` continues after them.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from trainables.attacks.base import Attack
from trainables.attacks.metrics import summarize
from trainables.attacks.victim import Victim
from trainables.errors import ConfigError


def choose_examples(n_rows: int, n: int, seed: int | None = None) -> list[int]:
    """The first N rows (the paper), or a seeded subsample of N rows."""
    if n > n_rows:
        raise ConfigError(f"parameter 'attack_n' = {n} is larger than the split ({n_rows} rows): use at most {n_rows}")
    if seed is None:
        return list(range(n))
    return sorted(np.random.default_rng(seed).choice(n_rows, n, replace=False).tolist())


def run_attack(attack: Attack, victim: Victim, texts: list[str], labels: list[int], n: int, out_path: str | Path,
               subsample_seed: int | None = None, resume: bool = False, progress=None) -> dict:
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    indices = choose_examples(len(texts), n, subsample_seed)
    done = _read(out_path) if resume and out_path.exists() else []
    empty = 0
    with out_path.open("a" if done else "w") as out:
        for k, idx in enumerate(indices[len(done):], start=len(done)):
            if not texts[idx].strip():
                row = {"index": idx, "status": "skipped", "queries": 0, "reason": "empty text"}
                empty += 1
            else:
                row = {"index": idx, **attack.attack(victim, texts[idx], int(labels[idx]), index=idx).to_dict()}
            out.write(json.dumps(row) + "\n")
            out.flush()
            done.append(row)
            if progress is not None:
                progress(k + 1, len(indices))
    summary = summarize([r["status"] for r in done], [r["queries"] for r in done])
    summary["empty_skipped"] = sum(r.get("reason") == "empty text" for r in done)
    return summary


def _read(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:  # a line cut by the interruption is redone
            break
    return rows
