"""Ticket inference speed: pruned vs dense forward latency against the ideal FLOP ratio.

    python benchmarks/ticket_latency.py                        # MiniLM on CPU, paper ticket + more
    python benchmarks/ticket_latency.py --model bert-base --device cuda --dtype bf16

For each sparsity the ticket is drawn from random scores (latency depends on shapes only), the
model is pruned physically, and dense and pruned forwards are timed in alternation (median).
efficiency = measured speed-up / ideal FLOP ratio; the goal is >= 0.9 at the paper's ticket.
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path

import torch

from common import build_model, interleaved_medians, machine, write_results  # noqa: I001
from trainables.earlyrobust.architecture import structure
from trainables.earlyrobust.cost import ModelCost
from trainables.earlyrobust.pruning import prune_model
from trainables.earlyrobust.tickets import random_ticket

SPARSITIES = [(1 / 6, 0.4), (0.25, 0.5), (0.5, 0.7)]


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="minilm")
    p.add_argument("--device", default="cpu")
    p.add_argument("--dtype", choices=("fp32", "bf16"), default="fp32")
    p.add_argument("--seq-len", type=int, default=128)
    p.add_argument("--batches", type=int, nargs="+", default=[1, 32])
    p.add_argument("--ffn-multiple", type=int, default=1, help="round kept FFN widths (64 suits GPUs)")
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = p.parse_args(argv)
    dev = torch.device(args.device)
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    dense = build_model(args.model).to(dev, dtype).eval()
    heads, ffn = structure(dense)
    rows = []
    for head_ratio, ffn_ratio in SPARSITIES:
        pruned = prune_model(
            copy.deepcopy(dense),
            random_ticket(heads, ffn, head_ratio, ffn_ratio, seed=0, ffn_multiple=args.ffn_multiple),
        ).eval()
        for batch in args.batches:
            ids = torch.randint(1000, 2000, (batch, args.seq_len), device=dev)
            mask = torch.ones_like(ids)

            def run(model, ids=ids, mask=mask):
                with torch.inference_mode():
                    model(input_ids=ids, attention_mask=mask)

            t = interleaved_medians(
                {"dense": lambda: run(dense), "pruned": lambda pruned=pruned: run(pruned)}, dev, args.repeats
            )
            tokens = batch * args.seq_len
            ideal = ModelCost.of(dense).forward_flops(tokens, args.seq_len) / ModelCost.of(pruned).forward_flops(
                tokens, args.seq_len
            )
            rows.append(
                {
                    "heads_pruned": round(head_ratio, 3),
                    "ffn_pruned": ffn_ratio,
                    "batch": batch,
                    "dense_ms": 1e3 * t["dense"],
                    "pruned_ms": 1e3 * t["pruned"],
                    "speedup": t["dense"] / t["pruned"],
                    "ideal_flop_ratio": ideal,
                    "efficiency": t["dense"] / t["pruned"] / ideal,
                }
            )
            print(rows[-1], flush=True)
    stem = f"ticket_latency_{args.model}_{dev.type}_{args.dtype}" + (
        f"_x{args.ffn_multiple}" if args.ffn_multiple > 1 else ""
    )
    md = write_results(
        rows, Path(args.out), stem, f"Ticket latency, {args.model}, seq {args.seq_len}, {args.dtype}", machine(dev)
    )
    print(md.read_text())


if __name__ == "__main__":
    main()
