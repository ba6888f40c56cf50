"""Queries per second of each attack on CPU with a MiniLM-sized model.

    python benchmarks/attack_throughput.py [--model minilm] [--n 40]

The model is MiniLM-L6 fine-tuned for one short epoch on SST-2 (so attacks have something to
flip); each published recipe (no budgets) then runs over N label-stratified dev sentences.
QPS = model queries / seconds (TextFooler's sentence-encoder passes are not model queries: they
are in its seconds, not its query count).  Embedding PGD makes no text queries: its passes are
counted as forward+backward passes.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from common import machine, write_results  # noqa: I001
from trainables.attacks import ATTACKS, make_attack
from trainables.attacks.embedding_pgd import robust_accuracy
from trainables.attacks.metrics import summarize
from trainables.attacks.runner import choose_examples
from trainables.attacks.victim import Victim
from trainables.data.batching import make_loader
from trainables.data.datasets import load_split, subset
from trainables.data.models import load_model, load_tokenizer
from trainables.earlyrobust.cost import CostMeter
from trainables.earlyrobust.finetune import finetune


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="minilm")
    p.add_argument("--n", type=int, default=100)
    p.add_argument("--train-size", type=int, default=1000)
    args = p.parse_args(argv)
    dev = torch.device("cpu")
    tok, model = load_tokenizer(args.model), load_model(args.model, 2)
    train = subset(load_split("sst2", "train"), args.train_size, 0)
    finetune(model, make_loader(train, tok, 32, 64, True), 1, 1e-4, 0.0, CostMeter(), dev)
    dev_split = load_split("sst2", "validation")
    picked = choose_examples(list(dev_split["label"]), args.n, seed=0)
    texts, labels = [dev_split["text"][i] for i in picked], [dev_split["label"][i] for i in picked]
    rows = []
    for name in ATTACKS:
        victim = Victim(model, tok, max_length=64)
        attack = make_attack(name, seed=0)
        start = time.perf_counter()
        results = [attack.attack(victim, t, y, index=i) for i, (t, y) in enumerate(zip(texts, labels))]
        seconds = time.perf_counter() - start
        s = summarize([r.status for r in results], [r.queries for r in results])
        rows.append({"attack": name, "examples": args.n, "queries": victim.queries, "seconds": seconds,
                     "queries_per_s": victim.queries / seconds, "s_per_example": seconds / args.n,
                     "clean_acc": s["clean_acc"], "aua": s["aua"], "avg_queries": s["avg_queries"]})
        print(rows[-1], flush=True)
    loader = make_loader(dev_split.select(picked), tok, 32, 64, False)
    start = time.perf_counter()
    r = robust_accuracy(model, loader, dev, steps=5, step_size=0.1, radius=0.5)
    seconds = time.perf_counter() - start
    passes = args.n * 7  # 5 ascent passes (forward+backward) + clean and robust forwards per example
    rows.append({"attack": "embedding_pgd", "examples": args.n, "queries": passes, "seconds": seconds,
                 "queries_per_s": passes / seconds, "s_per_example": seconds / args.n,
                 "clean_acc": r["clean_acc"], "aua": r["robust_acc"], "avg_queries": float("nan")})
    print(rows[-1])
    md = write_results(rows, Path(__file__).parent / "results", f"attack_throughput_{args.model}",
                       f"Attack throughput, {args.model}, CPU", machine(dev))
    print(md.read_text())


if __name__ == "__main__":
    main()
