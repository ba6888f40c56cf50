"""Time to robustness: the training cost each arm pays to reach dense adversarial training's robustness.

    python benchmarks/time_to_robustness.py                # MiniLM-L6, 1,000 SST-2 phrases, CPU (~60 min on 2 cores)
    python benchmarks/time_to_robustness.py --scale gpu    # MiniLM-L6, 20,000 SST-2 phrases, three attacks (a GPU)
    python benchmarks/time_to_robustness.py --scale paper  # BERT-base, all of SST-2, 10 epochs (a GPU, the hub's weights)
    python benchmarks/time_to_robustness.py --scale tiny   # a random tiny BERT, a minute (what the tests run)

Every arm is a real trial of the platform's pipeline (`trainables/pipeline.py`), run one
after the other in this process, and is attacked along the way: `--measures` times an epoch of its
fine-tuning or dense training, on the same label-stratified dev sample, with the training cost so far
(FLOPs and seconds; a ticket's search counted, the attacks not):

  dense_pgd / dense_freelb  dense adversarial training, K ascent steps (the candidates for the target)
  dense_ce                  plain fine-tuning of the dense model
  earlyrobust               FreeLB search with the online stop, then CE fine-tuning of the ticket (the paper)
  earlyrobust_pgd           the same, searched with PGD
  earlyrobust_ft_pgd        the earlyrobust ticket (its search counted) fine-tuned with PGD
  random_ticket             a random ticket of earlyrobust's sparsity, CE fine-tuned (free to draw)

The target is the final Aua of the more robust dense adversarial arm; `time_to_target.py` says when an
arm reaches it and what that costs.  One run writes `time_to_robustness_<scale>.md/.csv`, every
measurement in `..._points.csv`, Aua against training FLOPs and seconds in `....png`, and the
equal-epoch view (`equal_epochs.py`: every arm after the same epochs) in `..._equal_epochs.md/.csv`.  A folder
given with --work resumes: finished measurements and arms are read back.
"""

from __future__ import annotations

import argparse
import csv
import math
import tempfile
import time
from pathlib import Path

import numpy as np

from common import machine, write_results  # noqa: I001
from equal_epochs import paper_schedule, view
from robustness_curve import Curve, plot
from time_to_target import speedups
from trainables.attacks.attack_runs import read_statuses
from trainables.attacks.attack_stats import paired_difference, verdict
from trainables.compute import device
from trainables.config import validate_config
from trainables.earlyrobust import checkpoint as ckpt
from trainables.earlyrobust.tickets import Ticket, random_ticket
from trainables.errors import ConfigError
from trainables.pipeline import Trial, preset_ticket

SCALES = {
    # a FreeLB K=5 step of MiniLM takes ~7 s on 2 CPU cores; at this size dense PGD beats plain fine-tuning
    # by a margin 500 paired sentences separate (an earlier equal-epoch run: +4.6 points [+2.1, +7.1])
    "cpu": dict(
        model="minilm",
        train_size=1000,
        max_length=64,
        batch_size=32,
        lr=5e-5,
        ft_lr=1e-4,
        ft_epochs=2,
        check_interval=0.1,
        conv_window=3,
        conv_eps=0.2,
        search_epochs=1.0,
        attack_n=500,
        attack="textfooler",
    ),
    "gpu": dict(
        model="minilm",
        train_size=20000,
        max_length=64,
        batch_size=64,
        lr=5e-5,
        ft_lr=1e-4,
        ft_epochs=1,
        check_interval=0.05,
        conv_window=3,
        conv_eps=0.1,
        search_epochs=1.0,
        attack_n=500,
        attack="textfooler,textbugger,bertattack",
    ),
    "paper": dict(
        model="bert-base-uncased",
        train_size=0,
        max_length=128,
        batch_size=32,
        lr=2e-5,
        ft_lr=2e-5,
        ft_epochs=10,
        check_interval=0.05,
        conv_window=5,
        conv_eps=0.1,
        search_epochs=1.0,
        attack_n=500,
        ffn_multiple=64,
        attack="textfooler,textbugger,bertattack",
    ),
    "tiny": dict(
        model="tiny-bert",
        train_size=256,
        max_length=32,
        batch_size=32,
        lr=1e-3,
        ft_lr=1e-3,
        ft_epochs=1,
        check_interval=0.125,
        conv_window=2,
        conv_eps=0.5,
        search_epochs=1.0,
        attack_n=8,
        eval_size=64,
        l1_head=1e-3,
        l1_ffn=1e-3,
        attack="textfooler",
    ),
}
COMMON = dict(
    dataset="sst2",
    eval_split="validation",
    attack_split="validation",
    seed=42,
    head_ratio=1 / 6,
    ffn_ratio=0.4,
    adv_steps=5,
    adv_lr=0.01,
    adv_init_mag=0.05,
    ft_init="pretrained",
)
PGD_RADIUS = 0.1  # l2 radius of PGD: about the norm FreeLB's perturbation reaches in K=5 steps of 0.01
ARMS = (
    "dense_pgd",
    "dense_freelb",
    "dense_ce",
    "earlyrobust",
    "earlyrobust_pgd",
    "earlyrobust_ft_pgd",
    "random_ticket",
)
TARGETS = ("dense_pgd", "dense_freelb")
SETTINGS = {  # arm -> (trial settings, dense?)
    "dense_pgd": ({"ft_mode": "pgd", "adv_max_norm": PGD_RADIUS}, True),
    "dense_freelb": ({"ft_mode": "freelb"}, True),
    "dense_ce": ({"ft_mode": "ce"}, True),
    "earlyrobust": ({"ft_mode": "ce"}, False),
    "earlyrobust_pgd": ({"ft_mode": "ce", "adv_method": "pgd", "adv_max_norm": PGD_RADIUS}, False),
    "earlyrobust_ft_pgd": ({"ft_mode": "pgd", "adv_max_norm": PGD_RADIUS}, False),
    "random_ticket": ({"ft_mode": "ce"}, False),
}


def prepare(arm: str, folder: Path, work: Path, cfg: dict) -> None:
    """Tickets the arms that do not search take: earlyrobust's (its search's cost counted) or a random one."""
    if arm not in ("earlyrobust_ft_pgd", "random_ticket"):
        return
    searched = work / "earlyrobust"
    ticket = Ticket.load(searched / "ticket.json")
    if arm == "random_ticket":  # same ratios and structure, random scores, nothing spent to draw it
        preset_ticket(
            folder,
            random_ticket(
                ticket.num_heads,
                ticket.ffn_sizes,
                cfg["head_ratio"],
                cfg["ffn_ratio"],
                seed=cfg["seed"],
                ffn_multiple=cfg["ffn_multiple"],
            ),
        )
        return
    state = ckpt.read_state(searched)
    preset_ticket(
        folder,
        ticket,
        state["search_epochs"],
        state["cost"]["flops"]["search"],
        state["cost"]["seconds"]["search"],
        state.get("mask_distance", math.nan),
    )


def run_arm(arm: str, cfg: dict, work: Path, attack: str, measures: int) -> tuple[Curve, dict]:
    settings, dense = SETTINGS[arm]
    folder = work / arm
    config = validate_config({**cfg, **settings, "attack": "none"})  # the curve attacks; the trial's end needs not
    prepare(arm, folder, work, config)
    curve = Curve(arm, folder, config, attack, measures)
    print(f"arm {arm}", flush=True)
    result = Trial(config, folder, dense=dense, observer=curve).run()
    return curve, result


def budget(arm: str, cfg: dict, work: Path) -> str:
    e, k = cfg["ft_epochs"], cfg["adv_steps"]
    stop = ckpt.read_state(work / arm).get("search_epochs", 0.0)
    return {
        "dense_pgd": f"dense PGD-{k} {e} ep",
        "dense_freelb": f"dense FreeLB-{k} {e} ep",
        "dense_ce": f"dense CE {e} ep",
        "earlyrobust": f"FreeLB search {stop:.2f} ep + ticket CE {e} ep",
        "earlyrobust_pgd": f"PGD search {stop:.2f} ep + ticket CE {e} ep",
        "earlyrobust_ft_pgd": f"FreeLB search {stop:.2f} ep + ticket PGD-{k} {e} ep",
        "random_ticket": f"random ticket CE {e} ep",
    }[arm]


def summarise(curves: dict[str, Curve], cfg: dict, attack: str, work: Path) -> tuple[list[dict], list[dict], dict]:
    target_arm = max((a for a in TARGETS if a in curves), key=lambda a: curves[a].points[-1]["aua"])
    outcomes = {arm: c.outcomes() for arm, c in curves.items()}
    target = outcomes[target_arm][-1]
    by = {
        kind: speedups({arm: ([p[kind] for p in c.points], outcomes[arm]) for arm, c in curves.items()}, target_arm)
        for kind in ("train_flops", "train_s")
    }
    # the rule as written, on Aua alone: shows what the accuracy criterion guards against
    aua_only = speedups(
        {arm: ([p["train_flops"] for p in c.points], [o[:1] for o in outcomes[arm]]) for arm, c in curves.items()},
        target_arm,
    )
    rows, points = [], []
    for arm, c in curves.items():
        final, f, s = c.points[-1], by["train_flops"][arm], by["train_s"][arm]
        at = next((p for p in c.points if p["train_flops"] == f["cost_to_target"]), None)
        rows.append(
            {
                "arm": arm,
                "budget": budget(arm, cfg, work),
                "final_aua": final["aua"],
                "final_aua_ci_low": final["aua_ci_low"],
                "final_aua_ci_high": final["aua_ci_high"],
                "final_clean": final["clean_acc"],
                "train_flops": final["train_flops"],
                "train_s": final["train_s"],
                "reached": "yes" if at else "no",
                "epoch_at_target": at["ft_epoch"] if at else math.nan,
                "flops_to_target": f["cost_to_target"] or math.nan,
                "s_to_target": s["cost_to_target"] or math.nan,
                "speedup_flops": f["speedup"] or math.nan,
                "speedup_flops_low": f["speedup_low"],
                "speedup_flops_high": f["speedup_high"],
                "speedup_s": s["speedup"] or math.nan,
                "speedup_s_low": s["speedup_low"],
                "speedup_s_high": s["speedup_high"],
                "reached_share": f["reached_share"],
                "aua_only_epoch": next(
                    (p["ft_epoch"] for p in c.points if p["train_flops"] == aua_only[arm]["cost_to_target"]), math.nan
                ),
                "aua_only_speedup_flops": aua_only[arm]["speedup"] or math.nan,
                "aua_only_low": aua_only[arm]["speedup_low"],
                "aua_only_high": aua_only[arm]["speedup_high"],
            }
        )
        for p, rows_of in zip(c.points, outcomes[arm]):
            d, dc = (paired_difference(_statuses(rows_of[i]), _statuses(target[i])) for i in (0, 1))
            points.append(
                {
                    "arm": arm,
                    **{k: v for k, v in p.items() if k != "key"},
                    "vs_target": d["diff"],
                    "vs_target_low": d["low"],
                    "vs_target_high": d["high"],
                    "clean_vs_target": dc["diff"],
                    "clean_vs_target_low": dc["low"],
                    "clean_vs_target_high": dc["high"],
                }
            )
    accurate = {arm: [p["clean_vs_target_high"] >= -1e-12 for p in points if p["arm"] == arm] for arm in curves}
    return (
        rows,
        points,
        {"target_arm": target_arm, "target": curves[target_arm].points[-1], "outcomes": outcomes, "accurate": accurate},
    )


def _statuses(bits: np.ndarray) -> dict[int, str]:
    return {i: "failed" if b else "succeeded" for i, b in enumerate(bits)}


def seven_fold(row: dict) -> str:
    low, high = row["speedup_flops_low"], row["speedup_flops_high"]
    if low >= 7:
        return "holds (the interval lies above 7x)"
    if high < 7:
        return "does not hold (the interval lies below 7x)"
    return "cannot be told apart from 7x by this sample"


def notes(rows: list[dict], info: dict, cfg: dict, attack: str, n: int) -> str:
    t, ta = info["target"], info["target_arm"]
    rows_by = {r["arm"]: r for r in rows}
    out = [
        f"**Target**: the final Aua of `{ta}`, {t['aua']:.3f} [95% Wilson {t['aua_ci_low']:.3f}, "
        f"{t['aua_ci_high']:.3f}], n={n} label-stratified dev sentences, attack `{attack}`"
        + (" (worst case: robust = every attack failed)" if "," in attack else "")
        + "."
    ]
    if "dense_ce" in info["outcomes"]:
        d = paired_difference(_statuses(info["outcomes"][ta][-1][0]), _statuses(info["outcomes"]["dense_ce"][-1][0]))
        out.append(f"Does adversarial training matter at this scale? {verdict(ta, 'dense_ce', d)}.")
    out.append(
        f"**Rule**: an arm reaches the target at its first measurement whose paired 95% intervals of "
        f"(arm - target) include 0 or lie above it, both for Aua and for clean accuracy (target clean "
        f"{t['clean_acc']:.3f}): as robust and as accurate, since a half-trained model that attacks "
        "cannot flip reads a high Aua; its cost to target is its training cost there "
        "(FLOPs and seconds; the ticket's search counted; attacks not counted). Speed-up = the target "
        f"arm's own cost to target / the arm's; its interval is a paired bootstrap over the {n} sentences "
        "(1,000 resamples, the rule re-applied; a resample in which the arm never reaches counts as 0). "
        "It covers the sample's noise, not the training seed's. The `aua_only_*` columns apply the rule "
        "to Aua alone (first epoch reached, FLOP speed-up and its interval)."
    )
    if "earlyrobust" in rows_by:
        r = rows_by["earlyrobust"]
        out.append(
            f"**EarlyRobust as published**: speed-up to target {r['speedup_flops']:.2f}x FLOPs "
            f"[{r['speedup_flops_low']:.2f}, {r['speedup_flops_high']:.2f}], {r['speedup_s']:.2f}x seconds "
            f"[{r['speedup_s_low']:.2f}, {r['speedup_s_high']:.2f}]; the paper's 7x {seven_fold(r)}."
            if r["reached"] == "yes"
            else f"**EarlyRobust as published never reached the target** (final Aua {r['final_aua']:.3f}; reached "
            f"in {100 * r['reached_share']:.0f}% of resamples): its speed-up to target is 0, and the paper's "
            "7x does not hold at this scale."
        )
    out.append(
        f"Measurements every 1/{cfg['measures']} epoch of fine-tuning (dense arms: of training). "
        f"Config: {', '.join(f'{k}={cfg[k]}' for k in sorted(cfg['chosen']))}; PGD radius {PGD_RADIUS} (l2)."
    )
    return "\n\n".join(out)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=sorted(SCALES), default="cpu")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a trial parameter")
    p.add_argument("--arms", nargs="+", choices=ARMS, default=list(ARMS))
    p.add_argument("--measures", type=int, default=2, help="measurements per epoch (>= 2: every half-epoch)")
    p.add_argument("--budget-s", type=float, default=math.inf, help="start no arm after this many seconds")
    p.add_argument("--work", help="folder for the trials (resumable); a fresh temporary one by default")
    p.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = p.parse_args(argv)
    if not set(TARGETS) & set(args.arms):
        p.error(f"--arms must include {' or '.join(TARGETS)} (the target is a dense adversarial arm)")
    needs = [a for a in ("earlyrobust_ft_pgd", "random_ticket") if a in args.arms]
    if needs and "earlyrobust" not in args.arms:
        p.error(f"--arms {' '.join(needs)} take earlyrobust's ticket: include earlyrobust")
    if args.measures < 1:
        p.error(f"--measures must be a whole number >= 1, got {args.measures}")
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
    attack = cfg["attack"]
    if attack in ("none", "embedding_pgd"):
        p.error(f"attack={attack} measures no word-level robustness: name word attacks (textfooler, ...)")
    work = Path(args.work or tempfile.mkdtemp(prefix="er-time-to-robustness-"))
    print(f"time to robustness, scale {args.scale}, trials in {work}", flush=True)
    start, curves, results = time.monotonic(), {}, {}
    for arm in [a for a in ARMS if a in args.arms]:
        if time.monotonic() - start > args.budget_s:
            print(f"budget of {args.budget_s:.0f} s spent: arm {arm} and the rest not run", flush=True)
            break
        curves[arm], results[arm] = run_arm(arm, cfg, work, attack, args.measures)
    if not set(TARGETS) & set(curves):
        raise SystemExit("no dense adversarial arm finished within the budget: nothing to compare against")
    rows, points, info = summarise(curves, cfg, attack, work)
    dev = device()
    stem = f"time_to_robustness_{args.scale}"
    out = Path(args.out)
    title = (
        f"Time to robustness, {cfg['model']} on SST-2 ({cfg['train_size'] or 'all'} training examples), "
        f"{'bf16' if dev.type == 'cuda' else 'fp32'}"
    )
    out.mkdir(parents=True, exist_ok=True)
    png = plot(curves, info, out / f"{stem}.png", title)
    with open(out / f"{stem}_points.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(points[0]))
        writer.writeheader()
        writer.writerows(points)
    text = notes(rows, info, {**cfg, "measures": args.measures, "chosen": list(chosen)}, attack, cfg["attack_n"])
    md = write_results(
        rows,
        out,
        stem,
        title,
        machine(dev),
        text + f"\n\nCurves: `{png.name}`; every measurement: "
        f"`{stem}_points.csv`; every arm after the same epochs: `{stem}_equal_epochs.md`.",
    )
    print(md.read_text())
    write_equal_epochs(curves, results, cfg, work, out, stem, title, machine(dev))


def write_equal_epochs(
    curves: dict[str, Curve],
    results: dict[str, dict],
    cfg: dict,
    work: Path,
    out: Path,
    stem: str,
    title: str,
    device_line: str,
) -> None:
    statuses = {
        arm: read_statuses(c.folder / "curve" / c.points[-1]["key"] / "attack.jsonl") for arm, c in curves.items()
    }
    rows, text = view(results, statuses, {arm: budget(arm, cfg, work) for arm in curves})
    if "earlyrobust" in results and "dense_freelb" in results:
        implied = paper_schedule(ckpt.read_state(work / "earlyrobust"), ckpt.read_state(work / "dense_freelb"), cfg)
        text += (
            f"\n\nAt the paper's schedule (search stopped at 0.45 epoch, 10 epochs of ticket CE vs 10 of dense "
            f"FreeLB) this run's per-epoch costs imply **{implied['flops']:.1f}x** on FLOPs and "
            f"**{implied['seconds']:.1f}x** on wall clock."
        )
    md = write_results(
        rows,
        out,
        f"{stem}_equal_epochs",
        title + ": every arm after the same epochs",
        device_line,
        text + "\n\nWall clock = search + fine-tuning (no evaluation, no attack).",
    )
    print(md.read_text())


if __name__ == "__main__":
    main()
