"""Attack N examples of a split, one JSON line per example written as it finishes.

An interrupted run keeps every line already written; `resume=True` continues after them.  A line cut
by the interruption (no newline, or not JSON) is not a row: resuming cuts the file back to its last
complete line before appending, so the file ends as an uninterrupted run's would.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from trainables.attacks.attack_stats import summarize
from trainables.attacks.greedy_search import Attack
from trainables.attacks.lockstep import ENCODER, VICTIM, Lockstep
from trainables.attacks.victim import Victim
from trainables.errors import ConfigError

WIDTH = 32  # examples attacked at once (their asks share each model and encoder batch)


def choose_examples(labels: list[int], n: int, seed: int = 0) -> list[int]:
    """A seeded, label-stratified sample of N rows: each class gets its share of N (largest
    remainders round), rows drawn at random within the class; returned in a seeded random order,
    so that the first k rows of an interrupted run are a sample too.  (Not the first N rows: on a
    file sorted by label those are one class.)  N = 0 takes every row."""
    n = n or len(labels)
    if n > len(labels):
        raise ConfigError(
            f"parameter 'attack_n' = {n} is larger than the split ({len(labels)} rows): use at most {len(labels)}"
        )
    labels = np.asarray(labels)
    classes, counts = np.unique(labels, return_counts=True)
    share = n * counts / len(labels)
    take = np.floor(share).astype(int)
    for k in np.argsort(-(share - take), kind="stable")[: n - take.sum()]:
        take[k] += 1
    rng = np.random.default_rng(seed)
    picked = np.concatenate([rng.choice(np.flatnonzero(labels == c), t, replace=False) for c, t in zip(classes, take)])
    return [int(i) for i in rng.permutation(picked)]


def run_attack(
    attack: Attack,
    victim: Victim,
    texts: list[str],
    labels: list[int],
    n: int,
    out_path: str | Path,
    seed: int = 0,
    resume: bool = False,
    progress=None,
    pairs: list[str] | None = None,
    columns: tuple | None = None,
    width: int = WIDTH,
) -> dict:
    """Attack a seeded, stratified sample of N rows (`pairs`: the second texts of a sentence-pair split,
    whose source column names `columns` select the recipe's column rule), `width` examples at a time in
    lockstep (`lockstep.py`); rows are written in the sample's order as soon as every earlier one is."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    indices = choose_examples(labels, n, seed)
    done = []
    if resume and out_path.exists():
        done, end = complete_rows(out_path)
        if end < out_path.stat().st_size:
            os.truncate(out_path, end)  # drop a line cut by the interruption
    todo = indices[len(done) :]

    def searches():
        for k, idx in enumerate(todo):
            if texts[idx].strip():
                yield (
                    k,
                    attack.search(
                        texts[idx],
                        int(labels[idx]),
                        idx,
                        pairs[idx] if pairs is not None else None,
                        columns,
                        victim.unk,
                    ),
                )

    finished: dict[int, object] = {}
    before = len(done)
    with out_path.open("a" if done else "w") as out:

        def flush() -> None:  # every row whose predecessors are all written
            while len(done) < len(indices):
                k = len(done) - before
                idx = todo[k]
                if not texts[idx].strip():
                    row = {"index": idx, "status": "skipped", "queries": 0, "reason": "empty text"}
                elif k in finished:
                    row = {"index": idx, **finished.pop(k).to_dict()}
                else:
                    return
                out.write(json.dumps(row) + "\n")
                out.flush()
                done.append(row)
                if progress is not None:
                    progress(len(done), len(indices))

        flush()
        lockstep = Lockstep(victim, attack.encoder(), width)
        for k, result in lockstep.run(searches()):
            finished[k] = result
            flush()
    summary = summarize([r["status"] for r in done], [r["queries"] for r in done])
    summary["empty_skipped"] = sum(r.get("reason") == "empty text" for r in done)
    summary["model_seconds"], summary["encoder_seconds"] = lockstep.seconds[VICTIM], lockstep.seconds[ENCODER]
    return summary


def worst_case(files: dict[str, Path], out_path: Path) -> dict:
    """Combine several attacks on the same examples: an example is robust only if every attack failed
    on it (`failed`), broken if any succeeded (`succeeded`; its perturbed text from the first that did),
    `skipped` if misclassified before any attack.  Writes one JSON line per example to `out_path` (its
    queries: all the attacks' together; `by_attack`: each attack's status) and returns the summary."""
    runs = {name: {r["index"]: r for r in read_rows(path)} for name, path in files.items()}
    first = next(iter(runs.values()))
    rows = []
    for idx, row in first.items():
        each = {name: rs[idx] for name, rs in runs.items()}
        statuses = [r["status"] for r in each.values()]
        status = "skipped" if "skipped" in statuses else "succeeded" if "succeeded" in statuses else "failed"
        broke = next((name for name, r in each.items() if r["status"] == "succeeded"), None)
        rows.append(
            {
                "index": idx,
                "status": status,
                "queries": sum(r["queries"] for r in each.values()),
                "original": row.get("original", ""),
                "perturbed": each[broke]["perturbed"] if broke else row.get("original", ""),
                "broken_by": broke,
                "by_attack": {n: r["status"] for n, r in each.items()},
                "swaps": each[broke].get("swaps", []) if broke else [],
                **(
                    {
                        "original_pair": row["original_pair"],
                        "perturbed_pair": each[broke]["perturbed_pair"] if broke else row["original_pair"],
                    }
                    if row.get("original_pair") is not None
                    else {}
                ),
            }
        )
    out_path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return summarize([r["status"] for r in rows], [r["queries"] for r in rows])


def complete_rows(path: Path) -> tuple[list[dict], int]:
    """The rows before the first incomplete line (cut short, or not JSON), and where they end in bytes."""
    rows, end = [], 0
    with Path(path).open("rb") as lines:
        for line in lines:
            if not line.endswith(b"\n"):
                break
            try:
                rows.append(json.loads(line))
            except ValueError:
                break
            end += len(line)
    return rows, end


def read_rows(path: Path) -> list[dict]:
    """An attack file's complete rows (a line cut by an interruption is not one)."""
    return complete_rows(path)[0]


def read_statuses(path: Path) -> dict[int, str]:
    """index -> status of an attack file's complete rows."""
    return {row["index"]: row["status"] for row in read_rows(path)}
