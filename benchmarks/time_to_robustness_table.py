"""The tables of `time_to_robustness.py`: the speed-ups to target over seeds (chosen on the selection
split, tested on the report split), the per-seed rows, every measurement, the notes that state the
rule and the verdicts, and the equal-epoch view."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from common import write_results  # noqa: I001
from equal_epochs import paper_schedule, view
from robustness_arms import ANSWER, FREE_REPLAYS, PGD_RADIUS, TARGETS, budget
from robustness_curve import Curve
from time_to_target import Run, seeded_speedups
from trainables.attacks.attack_runs import read_statuses
from trainables.attacks.attack_stats import paired_difference, verdict
from trainables.earlyrobust import checkpoint as ckpt


def target_of(runs: dict[str, list[Curve]]) -> str:
    """The dense adversarial arm with the higher final Aua of its first seed, on the selection split."""
    return max((a for a in TARGETS if a in runs), key=lambda a: runs[a][0].points[-1]["aua"])


def summarise(
    runs: dict[str, list[Curve]], cfg: dict, attack: str, work: Path
) -> tuple[list[dict], list[dict], list[dict], dict]:
    """The target arm chosen on the selection split; every arm's look chosen there and tested on the report
    split; speed-ups over seeds. Returns the table, the per-seed rows, every measurement and the plot's info."""
    target_arm = target_of(runs)
    sel = {arm: [c.outcomes() for c in cs] for arm, cs in runs.items()}
    rep = {arm: [c.outcomes(report=True) for c in cs] for arm, cs in runs.items()}
    by = {
        kind: seeded_speedups(
            {
                arm: [Run([p[kind] for p in c.points], sel[arm][i], rep[arm][i]) for i, c in enumerate(cs)]
                for arm, cs in runs.items()
            },
            target_arm,
        )
        for kind in ("train_flops", "train_s")
    }
    rows, seeds, points = [], [], []
    for arm, cs in runs.items():
        f, t = by["train_flops"][arm], by["train_s"][arm]
        finals_report = [c.points[-1] for c in cs]
        rows.append(
            {
                "arm": arm,
                "budget": budget(arm, cfg, work),
                "seeds": len(cs),
                "report_aua": float(np.mean([p["report_aua"] for p in finals_report])),
                "report_clean": float(np.mean([p["report_clean_acc"] for p in finals_report])),
                "selection_aua": float(np.mean([c.points[-1]["aua"] for c in cs])),
                "train_flops": float(np.mean([c.points[-1]["train_flops"] for c in cs])),
                "train_s": float(np.mean([c.points[-1]["train_s"] for c in cs])),
                "reached_every_seed": "yes" if f["reached_every_seed"] else "no",
                "speedup_flops": f["speedup"],
                "speedup_flops_low": f["speedup_low"],
                "speedup_flops_high": f["speedup_high"],
                "speedup_s": t["speedup"],
                "speedup_s_low": t["speedup_low"],
                "speedup_s_high": t["speedup_high"],
                "reached_share": f["reached_share"],
                "selection_speedup_flops": f["selection_speedup"],
            }
        )
        for i, c in enumerate(cs):
            look, last = f["seeds"][i]["look"], c.points[-1]
            seeds.append(
                {
                    "arm": arm,
                    "seed": i,
                    "train_seed": cfg["seed"] + i,
                    "reached": "yes" if look >= 0 else "no",
                    "epoch_at_target": c.points[look]["ft_epoch"] if look >= 0 else math.nan,
                    "flops_to_target": f["seeds"][i]["cost_to_target"],
                    "s_to_target": t["seeds"][i]["cost_to_target"],
                    "speedup_flops": f["seeds"][i]["speedup"],
                    "speedup_s": t["seeds"][i]["speedup"],
                    "report_aua_at_target": c.points[look]["report_aua"] if look >= 0 else math.nan,
                    "report_clean_at_target": c.points[look]["report_clean_acc"] if look >= 0 else math.nan,
                    "final_selection_aua": last["aua"],
                    "final_report_aua": last["report_aua"],
                    "final_report_clean": last["report_clean_acc"],
                }
            )
            target = sel[target_arm][min(i, len(sel[target_arm]) - 1)][-1]
            for p, rows_of in zip(c.points, sel[arm][i]):
                d, dc = (paired_difference(_statuses(rows_of[j]), _statuses(target[j])) for j in (0, 1))
                points.append(
                    {
                        "arm": arm,
                        "seed": i,
                        **{k: v for k, v in p.items() if k != "key"},
                        "vs_target": d["diff"],
                        "vs_target_low": d["low"],
                        "vs_target_high": d["high"],
                        "clean_vs_target": dc["diff"],
                        "clean_vs_target_low": dc["low"],
                        "clean_vs_target_high": dc["high"],
                    }
                )
    accurate = {
        arm: [p["clean_vs_target_high"] >= -1e-12 for p in points if p["arm"] == arm and p["seed"] == 0] for arm in runs
    }
    info = {
        "binds": {arm: what_binds(arm, seeds, points, target_arm) for arm in runs if arm not in TARGETS},
        "target_arm": target_arm,
        "target": runs[target_arm][0].points[-1],
        "outcomes": {arm: o[0] for arm, o in sel.items()},
        "accurate": accurate,
        "seeds": {arm: len(cs) for arm, cs in runs.items()},
    }
    return rows, seeds, points, info


def _statuses(bits: np.ndarray) -> dict[int, str]:
    return {i: "failed" if b else "succeeded" for i, b in enumerate(bits)}


def what_binds(arm: str, seeds: list[dict], points: list[dict], target_arm: str) -> str:
    """Per seed, why the arm missed the goal: robustness, accuracy (its paired gaps to the target on the
    selection split), the report split not confirming its look, or its cost (the ratio to the target's)."""
    targets = [r for r in seeds if r["arm"] == target_arm]
    parts = []
    for s in (r for r in seeds if r["arm"] == arm):
        tgt = targets[min(s["seed"], len(targets) - 1)]
        mine = [p for p in points if p["arm"] == arm and p["seed"] == s["seed"]]
        if s["reached"] == "yes":
            ratio = tgt["flops_to_target"] / s["flops_to_target"]
            parts.append(
                f"seed {s['seed']}: reached at {s['flops_to_target']:.3g} FLOPs against the target's "
                f"{tgt['flops_to_target']:.3g}, {ratio:.2f}x" + ("" if ratio >= 2 else " (the cost binds)")
            )
            continue
        tied = [p for p in mine if p["vs_target_high"] >= -1e-12 and p["clean_vs_target_high"] >= -1e-12]
        if tied:
            p = tied[0]
            parts.append(
                f"seed {s['seed']}: tied on the selection split at epoch {p['ft_epoch']:.2f}, not confirmed on the "
                f"report split (Aua {p['report_aua']:.3f}, clean {p['report_clean_acc']:.3f}; the target's "
                f"{tgt['final_report_aua']:.3f}, {tgt['final_report_clean']:.3f})"
            )
            continue
        p = mine[-1]
        binds = [
            name for name, key in (("robustness", "vs_target"), ("accuracy", "clean_vs_target")) if p[f"{key}_high"] < 0
        ]
        parts.append(
            f"seed {s['seed']}: {' and '.join(binds)} binds (after training, selection split: Aua "
            f"{p['vs_target']:+.3f} [{p['vs_target_low']:+.3f}, {p['vs_target_high']:+.3f}], clean "
            f"{p['clean_vs_target']:+.3f} [{p['clean_vs_target_low']:+.3f}, {p['clean_vs_target_high']:+.3f}] "
            "vs the target)"
        )
    return "; ".join(parts)


def seven_fold(row: dict) -> str:
    low, high = row["speedup_flops_low"], row["speedup_flops_high"]
    if low >= 7:
        return "holds (the interval lies above 7x)"
    if high < 7:
        return "does not hold (the interval lies below 7x)"
    return "cannot be told apart from 7x by this sample"


def notes(rows: list[dict], info: dict, cfg: dict, attack: str, n: int) -> str:
    ta = info["target_arm"]
    rows_by = {r["arm"]: r for r in rows}
    seeds = info["seeds"][ta]
    out = [
        f"**Target**: the final Aua of `{ta}`, chosen on the selection split (`{cfg['attack_split']}`: the dense "
        f"adversarial arm with the higher final Aua of the first training seed; {seeds} seeds); on the held-out report "
        f"split (`{cfg['report_split']}`) its mean final Aua is {rows_by[ta]['report_aua']:.3f} at clean "
        f"{rows_by[ta]['report_clean']:.3f}; n={n} label-stratified sentences on each split, the same for every arm "
        f"and seed, attack `{attack}`" + (" (worst case: robust = every attack failed)" if "," in attack else "") + "."
    ]
    if "dense_ce" in info["outcomes"]:
        d = paired_difference(_statuses(info["outcomes"][ta][-1][0]), _statuses(info["outcomes"]["dense_ce"][-1][0]))
        out.append(
            f"Does adversarial training matter at this scale (seed 0, selection split)? {verdict(ta, 'dense_ce', d)}."
        )
    out.append(
        "**Rule**: for each training seed, an arm's look is the first measurement whose paired 95% intervals of "
        "(arm - target of the same seed) on the *selection* split include 0 or lie above it, for Aua and for clean "
        "accuracy (as robust and as accurate); that one look is then tested once, by the same rule, on the *report* "
        "split. The arm reaches the target in that seed only if both hold; its cost to target is its training cost "
        "at that look (FLOPs and seconds; the ticket's search counted; attacks not). Choosing the look on one "
        "split and testing it once on another is the answer to looking several times: no sentence both chooses "
        "and measures, and the report split is looked at once per seed. Speed-up per seed = the target arm's own "
        "cost to target in that seed / the arm's (0 if it misses); the table gives the mean over seeds and a 95% "
        "bootstrap interval that resamples the seeds and both splits' sentences (1,000 resamples, the rule "
        "re-applied); `reached_share` = the share of resamples in which every drawn seed reached. Per seed: "
        "`_seeds.csv`."
    )
    if "earlyrobust" in rows_by:
        r = rows_by["earlyrobust"]
        out.append(
            f"**EarlyRobust as published** ({r['seeds']} seeds): mean speed-up to target {r['speedup_flops']:.2f}x "
            f"FLOPs [{r['speedup_flops_low']:.2f}, {r['speedup_flops_high']:.2f}], {r['speedup_s']:.2f}x seconds "
            f"[{r['speedup_s_low']:.2f}, {r['speedup_s_high']:.2f}]; reached in every seed: "
            f"{r['reached_every_seed']}; the paper's 7x {seven_fold(r)}. Per seed: {info['binds']['earlyrobust']}."
        )
    others = [r for r in rows if r["arm"] not in (*TARGETS, "earlyrobust", ANSWER) and r["seeds"] > 1]
    if others:
        best = max(others, key=lambda r: r["selection_speedup_flops"])
        out.append(
            f"**Best new arm** (chosen by its FLOP speed-up on the selection split alone, "
            f"{best['selection_speedup_flops']:.2f}x): {_speedup_line(best)}"
            + ("" if ANSWER in rows_by else f" Goal (issue 31): {_goal_line(best)}.")
            + f" Per seed: {info['binds'][best['arm']]}."
        )
    if ANSWER in rows_by:
        r = rows_by[ANSWER]
        out.append(
            f"**The sweep's answer** (`--answer`, retrained here; {info['answer']}): {_speedup_line(r)} Goal: "
            f"{_goal_line(r)}. Per seed: {info['binds'][ANSWER]}."
        )
    out.append(
        f"Measurements every 1/{cfg['measures']} epoch of fine-tuning (dense arms: of training), on both splits. "
        f"Seeded arms ({', '.join(a for a, k in info['seeds'].items() if k > 1)}): training seeds {cfg['seed']}.."
        f"{cfg['seed'] + seeds - 1}; the others seed {cfg['seed']} only. "
        f"Config: {', '.join(f'{k}={cfg[k]}' for k in sorted(cfg['chosen']))}; PGD, FGSM and free radius "
        f"{PGD_RADIUS} (l2), free replays m={FREE_REPLAYS}."
    )
    return "\n\n".join(out)


def _speedup_line(r: dict) -> str:
    return (
        f"`{r['arm']}` ({r['budget']}), {r['seeds']} seeds, on the report split: mean speed-up "
        f"{r['speedup_flops']:.2f}x FLOPs [{r['speedup_flops_low']:.2f}, {r['speedup_flops_high']:.2f}], "
        f"{r['speedup_s']:.2f}x seconds [{r['speedup_s_low']:.2f}, {r['speedup_s_high']:.2f}]; reached in every "
        f"seed: {r['reached_every_seed']}."
    )


def _goal_line(r: dict) -> str:
    return f"every seed reached at >= 2x less FLOPs and wall clock on this CPU: {goal(r, 2.0)}"


def goal(row: dict, times: float) -> str:
    if row["reached_every_seed"] != "yes":
        return "not met (a seed does not reach the target)"
    if min(row["speedup_flops_low"], row["speedup_s_low"]) >= times:
        return f"met (both intervals lie above {times:g}x)"
    if max(row["speedup_flops_high"], row["speedup_s_high"]) < times:
        return f"not met (the intervals lie below {times:g}x)"
    return f"cannot be told from {times:g}x by this sample and these seeds"


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
