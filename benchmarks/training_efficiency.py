"""Training efficiency: EarlyRobust against dense adversarial training, same data, model and machine.

    python benchmarks/training_efficiency.py                # MiniLM-L6, 1,000 SST-2 phrases, CPU (~25 min on 2 cores)
    python benchmarks/training_efficiency.py --scale paper  # BERT-base, all of SST-2, 10 epochs, on a GPU in bf16
    python benchmarks/training_efficiency.py --scale tiny   # a random tiny BERT, seconds (what the tests run)

Each arm is one real trial of the platform's pipeline (`trainables/earlyrobust/pipeline.py`) in its
own folder, run one after the other in this process:

  earlyrobust    FreeLB-K search with the online convergence stop, draw, physical pruning,
                 E epochs of cross-entropy fine-tuning of the ticket from the pre-trained weights
  random_ticket  a ticket of the same sparsity drawn at random, the same fine-tuning (the paper's control)
  dense_freelb   E epochs of dense FreeLB with K ascent steps
  dense_pgd      E epochs of dense PGD with K ascent steps
  dense_ce       E epochs of plain fine-tuning

All arms are attacked on the same first N sentences of the dev split.  The speed-up of EarlyRobust
over dense FreeLB is stated three ways: the training-FLOP ratio, the wall-clock ratio (search +
fine-tuning, excluding evaluation and attack), and each side's budget in epochs.  A folder given
with --work resumes: finished arms are read back, unfinished ones continue from their checkpoint.
"""
from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import torch

from common import machine, peak_flops, write_results  # noqa: I001
from trainables.attacks.metrics import paired_difference, read_statuses, verdict
from trainables.config import validate_config
from trainables.earlyrobust.pipeline import Trial, preset_ticket
from trainables.earlyrobust.training import device
from trainables.errors import ConfigError
from trainables.earlyrobust.tickets import Ticket, random_ticket

SCALES = {
    # a FreeLB K=5 step of MiniLM takes ~7 s on 2 CPU cores: 1,000 phrases x 2 epochs is what fits in ~25 min
    "cpu": dict(model="minilm", train_size=1000, max_length=64, batch_size=32, lr=5e-5, ft_lr=1e-4, ft_epochs=2,
                check_interval=0.1, conv_window=3, conv_eps=0.2, search_epochs=1.0, attack_n=500),
    "paper": dict(model="bert-base-uncased", train_size=0, max_length=128, batch_size=32, lr=2e-5, ft_lr=2e-5,
                  ft_epochs=10, check_interval=0.05, conv_window=5, conv_eps=0.1, search_epochs=1.0,
                  attack_n=500, ffn_multiple=64),
    "tiny": dict(model="tiny-bert", train_size=256, max_length=32, batch_size=32, lr=1e-3, ft_lr=1e-3, ft_epochs=1,
                 check_interval=0.125, conv_window=2, conv_eps=0.5, search_epochs=1.0, attack_n=8, eval_size=64,
                 l1_head=1e-3, l1_ffn=1e-3),
}
COMMON = dict(dataset="sst2", eval_split="validation", attack_split="validation", attack="textfooler", seed=42,
              head_ratio=1 / 6, ffn_ratio=0.4, adv_steps=5, adv_lr=0.01, adv_init_mag=0.05, ft_init="pretrained")
PGD_RADIUS = 0.1  # l2 radius of dense PGD: about the norm FreeLB's perturbation reaches in K=5 steps of 0.01
ARMS = ("earlyrobust", "random_ticket", "dense_freelb", "dense_pgd", "dense_ce")


def arm_config(arm: str, base: dict) -> tuple[dict, bool]:
    """The trial config of an arm, and whether it is a dense trial (no search, nothing pruned)."""
    if arm in ("earlyrobust", "random_ticket"):
        return {**base, "ft_mode": "ce"}, False
    mode = arm.removeprefix("dense_")
    extra = {"adv_max_norm": PGD_RADIUS} if mode == "pgd" else {}
    return {**base, "ft_mode": mode, **extra}, True


def run_arm(arm: str, config: dict, dense: bool, folder: Path) -> dict:
    start = time.perf_counter()

    def progress(metrics: dict, _checkpoint) -> None:
        phase = metrics.get("phase")
        if phase == "search":
            print(f"  [{arm}] search epoch {metrics['search_epoch']:.3f}  mask distance {metrics['mask_distance']:.3f}",
                  flush=True)
        elif phase in ("searched", "finetune"):
            print(f"  [{arm}] {phase} {metrics.get('ft_epoch', '')} eval acc {metrics.get('eval_acc', math.nan):.3f}"
                  f"  ({time.perf_counter() - start:.0f} s)", flush=True)
    trial = Trial(config, folder, progress, dense=dense)
    result = trial.run()
    result["arm_seconds"] = time.perf_counter() - start
    result["cost"] = trial.cost.to_dict()  # FLOPs and seconds per phase
    return result


def paper_schedule(results: dict[str, dict], cfg: dict, search_epochs: float = 0.45, epochs: int = 10) -> dict:
    """The speed-up this run's measured per-epoch costs imply at the paper's schedule: search stopped at
    0.45 epoch (ticket at 0.2 + a 5-check window of 0.05), 10 epochs of ticket CE, vs 10 of dense FreeLB."""
    er, ref = results["earlyrobust"]["cost"], results["dense_freelb"]["cost"]
    stop, e = results["earlyrobust"]["search_stop_epoch"], cfg["ft_epochs"]
    out = {}
    for kind in ("flops", "seconds"):
        search, ticket, dense = er[kind]["search"] / stop, er[kind]["finetune"] / e, ref[kind]["finetune"] / e
        out[kind] = epochs * dense / (search_epochs * search + epochs * ticket)
    return out


PAIRS = [("dense_freelb", "dense_ce"), ("dense_pgd", "dense_ce"), ("earlyrobust", "random_ticket"),
         ("earlyrobust", "dense_freelb"), ("earlyrobust", "dense_ce")]


def budget(arm: str, result: dict, cfg: dict) -> str:
    epochs, k = cfg["ft_epochs"], cfg["adv_steps"]
    if arm == "earlyrobust":
        return f"search {result['search_stop_epoch']:.2f} ep x K={k} + ticket CE {epochs} ep"
    if arm == "random_ticket":
        return f"ticket CE {epochs} ep (no search)"
    passes = {"dense_freelb": f" x K={k} passes", "dense_pgd": f" x (K={k} ascents + 1 pass)", "dense_ce": ""}[arm]
    return f"dense {epochs} ep{passes}"


def summarise(results: dict[str, dict], cfg: dict, chosen: list[str], device: torch.device,
              work: Path) -> tuple[list[dict], str]:
    ref = results["dense_freelb"]
    statuses = {arm: read_statuses(work / arm / "attack.jsonl") for arm in results}
    peak = peak_flops(device)
    rows = []
    for arm, r in results.items():
        rows.append({"arm": arm, "budget": budget(arm, r, cfg), "train_flops": r["train_flops"],
                     "train_s": r["train_seconds"], "flops_speedup_vs_freelb": ref["train_flops"] / r["train_flops"],
                     "wall_speedup_vs_freelb": ref["train_seconds"] / r["train_seconds"],
                     "clean_acc": r["clean_acc"], "aua": r["aua"], "aua_ci_low": r["aua_ci_low"],
                     "aua_ci_high": r["aua_ci_high"], "suc": r["suc"],
                     "dev_acc": r["eval_acc"],
                     "heads_pruned": r["head_sparsity"], "ffn_pruned": r["ffn_sparsity"],
                     "params_pruned": r["param_sparsity"], "mfu": r["train_flops"] / r["train_seconds"] / peak})
    er = results["earlyrobust"]
    implied = paper_schedule(results, cfg)
    notes = (f"EarlyRobust vs dense FreeLB (K={cfg['adv_steps']}, {cfg['ft_epochs']} epochs): "
             f"**{ref['train_flops'] / er['train_flops']:.1f}x fewer training FLOPs**, "
             f"**{ref['train_seconds'] / er['train_seconds']:.1f}x less training wall clock**; budgets: "
             f"EarlyRobust searched {er['search_stop_epoch']:.2f} epoch (ticket drawn at "
             f"{er.get('ticket_epoch', math.nan):.2f}, converged: {bool(er['converged'])}) then fine-tuned the "
             f"ticket {cfg['ft_epochs']} epochs; FreeLB trained the dense model {cfg['ft_epochs']} epochs. "
             f"Aua {er['aua']:.3f} vs {ref['aua']:.3f} ({100 * (er['aua'] - ref['aua']):+.1f} points); "
             f"random ticket of the same sparsity: Aua {results.get('random_ticket', {}).get('aua', math.nan):.3f} "
             f"(Aua intervals: 95% Wilson over {cfg['attack_n']} label-stratified dev sentences, {cfg['attack']}; "
             "every arm attacked on the same sentences).\n\n"
             "Paired differences in Aua (same sentences, 95% CI):\n\n"
             + "".join(f"- {verdict(a, b, paired_difference(statuses[a], statuses[b]))}\n" for a, b in PAIRS
                       if a in statuses and b in statuses) + "\n"
             f"At the paper's schedule (search stopped at 0.45 epoch, 10 epochs of ticket CE vs 10 of dense FreeLB) "
             f"this run's measured per-epoch costs imply **{implied['flops']:.1f}x** on FLOPs and "
             f"**{implied['seconds']:.1f}x** on wall clock.\n\n"
             f"Config: {', '.join(f'{k}={cfg[k]}' for k in sorted(chosen))}; dense PGD radius {PGD_RADIUS} (l2). "
             f"Wall clock = search + fine-tuning (no evaluation, no attack). MFU needs a GPU (NaN on CPU).")
    return rows, notes


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=sorted(SCALES), default="cpu")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a trial parameter")
    p.add_argument("--arms", nargs="+", choices=ARMS, default=list(ARMS))
    p.add_argument("--work", help="folder for the trials (resumable); a fresh temporary one by default")
    p.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = p.parse_args(argv)
    if "earlyrobust" not in args.arms or "dense_freelb" not in args.arms:
        p.error("--arms must include earlyrobust and dense_freelb (the speed-up compares them)")
    overrides = {}
    for item in args.set:
        if "=" not in item:
            p.error(f"--set {item!r} must look like key=value")
        key, value = item.split("=", 1)
        overrides[key] = value
    chosen = {**COMMON, **SCALES[args.scale], **overrides}
    try:
        cfg = validate_config(chosen)
    except ConfigError as e:
        p.error(str(e))
    work = Path(args.work or tempfile.mkdtemp(prefix="er-efficiency-"))
    print(f"training efficiency, scale {args.scale}, trials in {work}", flush=True)
    results: dict[str, dict] = {}
    for arm in [a for a in ARMS if a in args.arms]:
        config, dense = arm_config(arm, cfg)
        folder = work / arm
        if arm == "random_ticket":  # same ratios and structure as the searched ticket, random scores
            searched = Ticket.load(work / "earlyrobust" / "ticket.json")
            preset_ticket(folder, random_ticket(searched.num_heads, searched.ffn_sizes, cfg["head_ratio"],
                                                cfg["ffn_ratio"], seed=cfg["seed"],
                                                ffn_multiple=cfg["ffn_multiple"]))
        print(f"arm {arm}", flush=True)
        results[arm] = run_arm(arm, config, dense, folder)
        if arm == "earlyrobust":
            results[arm]["ticket_epoch"] = Ticket.load(folder / "ticket.json").epoch
        r = results[arm]
        print(f"  [{arm}] done: {r['train_flops']:.3g} FLOPs, {r['train_seconds']:.0f} s training, "
              f"clean {r['clean_acc']:.3f}, Aua {r['aua']:.3f}, Suc {r['suc']:.3f}", flush=True)
    dev = device()
    rows, notes = summarise(results, cfg, list(chosen), dev, work)
    stem = f"training_efficiency_{args.scale}_{dev.type}"
    md = write_results(rows, Path(args.out), stem, f"Training efficiency, {cfg['model']} on SST-2 "
                       f"({cfg['train_size'] or 'all'} training examples), {'bf16' if dev.type == 'cuda' else 'fp32'}",
                       machine(dev), notes)
    print(md.read_text())


if __name__ == "__main__":
    main()
