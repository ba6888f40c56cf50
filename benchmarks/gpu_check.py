"""GPU check (bf16): training-step throughput and MFU of the three kinds of step the method runs,
the wall-clock speed-up they imply at the paper's schedule, a short real search on CUDA, and
ticket inference latency.  Needs only torch + transformers (no Ray, MLflow or datasets) for those;
then, within `--time-to-robustness-s` seconds, `time_to_robustness.py --scale gpu` (it needs the
`datasets` package, the MiniLM weights and `../shared/data`: skipped with one line where they are missing).

    python benchmarks/gpu_check.py --out results/   # on a machine with a GPU
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path

import torch
import torch.nn.functional as F

from common import build_model, interleaved_medians, machine, peak_flops, write_results  # noqa: I001
from ticket_latency import main as latency
from trainables.adversarial import make_adversary
from trainables.compute import autocast
from trainables.convergence import make_rule
from trainables.earlyrobust.architecture import structure
from trainables.earlyrobust.cost import CostMeter, ModelCost
from trainables.earlyrobust.pruning import prune_model
from trainables.earlyrobust.search import SearchSettings, run_search
from trainables.earlyrobust.slimming import SlimmingCoefficients
from trainables.earlyrobust.tickets import random_ticket
from trainables.earlyrobust.training import make_optimizer


def synthetic_batches(n, batch, seq, dev, seed=0):
    g = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(n):
        ids = torch.randint(1000, 3000, (batch, seq), generator=g)
        labels = (ids[:, 1] > 2000).long()  # learnable from one token
        out.append(
            {
                "input_ids": ids.to(dev),
                "attention_mask": torch.ones_like(ids).to(dev),
                "token_type_ids": torch.zeros_like(ids).to(dev),
                "labels": labels.to(dev),
            }
        )
    return out


def step_fn(model, batch, dev, adversary=None, coefs=None):
    params = list(model.parameters()) + (list(coefs.parameters()) if coefs is not None else [])
    opt = make_optimizer([(str(i), p) for i, p in enumerate(params)], 2e-5, 0.01)

    def step():
        with autocast(dev):
            if adversary is not None:
                adversary.train_backward(model, batch, (lambda: coefs.l1_penalty(1e-5, 2e-4)) if coefs else None)
            else:
                F.cross_entropy(
                    model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits, batch["labels"]
                ).backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    return step


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="results")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq-len", type=int, default=128)
    p.add_argument("--ffn-multiple", type=int, default=1, help="round kept FFN widths (64 suits GPUs)")
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--model", default="bert-base", help="tiny-bert + --device cpu for a dry run")
    p.add_argument("--device", default="cuda")
    p.add_argument(
        "--time-to-robustness-s",
        type=float,
        default=360,
        help="start no time-to-robustness arm after this many seconds (0: skip that stage)",
    )
    args = p.parse_args(argv)
    dev = torch.device(args.device)
    out = Path(args.out)
    torch.backends.cuda.matmul.allow_tf32 = True
    dense = build_model(args.model).to(dev).train()
    heads, ffn = structure(dense)
    ticket = random_ticket(heads, ffn, 1 / 6, 0.4, seed=0, ffn_multiple=args.ffn_multiple)
    pruned = prune_model(copy.deepcopy(dense), ticket).train()
    searching = copy.deepcopy(dense).train()
    coefs = SlimmingCoefficients(searching)
    batch = synthetic_batches(1, args.batch, args.seq_len, dev)[0]
    freelb = make_adversary("freelb", 5, 0.01, 0.05)
    steps = {
        "search (FreeLB K=5 + coefficients)": (step_fn(searching, batch, dev, freelb, coefs), searching, freelb),
        "dense FreeLB K=5": (step_fn(dense, batch, dev, freelb), dense, freelb),
        "dense CE": (step_fn(dense, batch, dev), dense, None),
        "ticket CE (1/6 heads, 40% FFN)": (step_fn(pruned, batch, dev), pruned, None),
    }
    times = interleaved_medians({k: v[0] for k, v in steps.items()}, dev, args.repeats, warmup=3)
    tokens = args.batch * args.seq_len
    rows = []
    for name, (_, model, adversary) in steps.items():
        cost = ModelCost.of(model)
        flops = (
            adversary.step_flops(cost, tokens, args.seq_len)
            if adversary is not None
            else cost.train_flops(tokens, args.seq_len)
        )
        rows.append(
            {
                "step": name,
                "ms": 1e3 * times[name],
                "tflops_per_s": flops / times[name] / 1e12,
                "mfu": flops / times[name] / peak_flops(dev),
            }
        )
        print(rows[-1], flush=True)
    write_results(
        rows,
        out,
        "gpu_train_steps",
        f"Training steps, BERT-base, bf16, batch {args.batch} x {args.seq_len}",
        machine(dev),
    )
    # paper schedule: search stops at 0.2 epoch + a 5-check window of 0.05 epoch = 0.45 epoch searched,
    # then 10 epochs of ticket CE; dense FreeLB K=5 runs the same 10 epochs.
    t = {k: times[k] for k in times}
    er = 0.45 * t["search (FreeLB K=5 + coefficients)"] + 10 * t["ticket CE (1/6 heads, 40% FFN)"]
    dense_freelb = 10 * t["dense FreeLB K=5"]
    implied = {
        "earlyrobust_epoch_step_units": er,
        "dense_freelb_epoch_step_units": dense_freelb,
        "wall_clock_speedup": dense_freelb / er,
    }
    print("implied speed-up at the paper's schedule:", implied, flush=True)
    # a short real search on CUDA: hooks, bf16 autocast, convergence checks, early stop
    model = build_model(args.model).to(dev)
    loader = synthetic_batches(200, 32, 64, dev, seed=1)
    cost, checks = CostMeter(), []
    result = run_search(
        model,
        loader,
        SearchSettings.with_defaults(lr=1e-4, epochs=1.0, check_interval=0.05, l1_head=1e-4, l1_ffn=1e-3),
        make_adversary("freelb", 3, 0.01, 0.05),
        make_rule("earlyrobust", 0.1, 3),
        cost,
        dev,
        checks.append,
    )
    search = {
        "steps": result.steps,
        "epochs": result.epochs,
        "converged": result.ticket.converged,
        "ticket_epoch": result.ticket.epoch,
        "seconds": cost.seconds["search"],
        "last_distances": checks[-1] if checks else None,
    }
    print("search on CUDA:", search, flush=True)
    (out / "gpu_check.json").write_text(
        json.dumps(
            {"machine": machine(dev), "steps": rows, "implied": implied, "search": search}, indent=1, default=str
        )
    )

    latency(
        [
            "--model",
            args.model,
            "--device",
            args.device,
            "--dtype",
            "bf16" if dev.type == "cuda" else "fp32",
            "--repeats",
            str(args.repeats * 2),
            "--ffn-multiple",
            str(args.ffn_multiple),
            "--batches",
            "1",
            "32",
            str(args.batch),
            "--out",
            str(out),
        ]
    )
    if args.time_to_robustness_s > 0:
        time_to_robustness(out, args.time_to_robustness_s)


def time_to_robustness(out: Path, budget_s: float) -> None:
    """The cost to reach dense adversarial training's robustness at the GPU scale, arms in the order
    that gives the target first; what is missing for it is said in one line."""
    try:
        # optional: a missing package or dataset is reported in one line below
        from time_to_robustness import main as ttr  # noqa: PLC0415

        ttr(["--scale", "gpu", "--budget-s", str(budget_s), "--out", str(out)])
    except (ImportError, OSError) as e:  # a package, the weights or the data not on this machine
        print(
            f"time to robustness skipped: {e} (carry what scripts/setup.sh --test installs, the MiniLM "
            "weights and ../shared/data)",
            flush=True,
        )


if __name__ == "__main__":
    main()
