"""An arm's robustness along its training (`Curve`, the measurement a trial runs every part of an
epoch) and the plot of every arm's curve against its training cost."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import torch

from trainables.attacks.attack_runs import read_statuses
from trainables.attacks.robustness import evaluate_robustness
from trainables.data.models import load_tokenizer
from trainables.earlyrobust import checkpoint as ckpt
from trainables.tune.mask_plot import plt


class Curve:
    """An arm's robustness along its training, a trial's `Observer`: `observe(epoch, model, cost)` attacks
    the model on the common sample into `<arm>/curve/<epoch>/` and keeps the point in `<arm>/curve.json`
    (`per_epoch` times an epoch); a point already there is not measured again (a resumed trial retrains the
    same weights up to it)."""

    def __init__(self, arm: str, folder: Path, cfg: dict, attack: str, per_epoch: int = 1, sample_seed: int = 42):
        self.arm, self.folder, self.attack, self.per_epoch = arm, folder, attack, per_epoch
        self.cfg = {**cfg, "seed": sample_seed}  # the same sentences whatever seed trained the arm
        self.path = folder / "curve.json"
        self.points = json.loads(self.path.read_text()) if self.path.exists() else []
        self.tokenizer = load_tokenizer(cfg["model"])

    def observe(self, epoch: float, model, cost) -> None:
        key = f"{epoch:.3f}"
        if any(p["key"] == key for p in self.points):
            return
        dev = next(model.parameters()).device
        state = random.getstate(), np.random.get_state()
        with torch.random.fork_rng(devices=[dev] if dev.type == "cuda" else []):  # training goes on as if unmeasured
            was = model.training
            model.eval()
            run = {**self.cfg, "attack": self.attack}
            r = evaluate_robustness(model, self.tokenizer, run, self.cfg["attack_split"], self._file(key), dev)
            h = evaluate_robustness(model, self.tokenizer, run, self.cfg["report_split"], self._file(key, True), dev)
            model.train(was)
        random.setstate(state[0])
        np.random.set_state(state[1])
        point = {
            "key": key,
            "ft_epoch": epoch,
            "train_flops": cost.train_flops,
            "train_s": cost.train_seconds,
            **{k: r[k] for k in ("aua", "aua_ci_low", "aua_ci_high", "clean_acc", "attack_n")},
            **{f"report_{k}": h[k] for k in ("aua", "aua_ci_low", "aua_ci_high", "clean_acc", "attack_n")},
        }
        self.points.append(point)
        ckpt.write_json_atomic(self.path, self.points)
        print(
            f"  [{self.arm}] epoch {epoch:.2f}: selection Aua {r['aua']:.3f} [{r['aua_ci_low']:.3f}, {r['aua_ci_high']:.3f}]"
            f" (n={r['attack_n']}), clean {r['clean_acc']:.3f}; report Aua {h['aua']:.3f} (n={h['attack_n']}); "
            f"{cost.train_flops:.3g} FLOPs, "
            f"{cost.train_seconds:.0f} s training",
            flush=True,
        )

    def _file(self, key: str, report: bool = False) -> Path:
        return self.folder / "curve" / key / ("report.jsonl" if report else "attack.jsonl")

    def outcomes(self, report: bool = False) -> list[np.ndarray]:
        """Per point, two rows in the sample's order: robust (every attack failed) and correct (not skipped);
        on the selection split, or (`report`) on the held-out report split."""
        out = []
        for p in self.points:
            statuses = read_statuses(self._file(p["key"], report))
            order = sorted(statuses)
            out.append(np.array([[statuses[i] == "failed" for i in order], [statuses[i] != "skipped" for i in order]]))
        return out


def plot(curves: dict[str, Curve], info: dict, out: Path, title: str) -> Path:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, (kind, label) in zip(axes, (("train_flops", "training FLOPs"), ("train_s", "training seconds"))):
        for i, (arm, c) in enumerate(curves.items()):
            x, y = [p[kind] for p in c.points], [p["aua"] for p in c.points]
            err = [[p["aua"] - p["aua_ci_low"] for p in c.points], [p["aua_ci_high"] - p["aua"] for p in c.points]]
            ax.errorbar(
                x,
                y,
                yerr=err,
                marker="o",
                ms=4,
                capsize=2,
                label=arm,
                color=f"C{i}",
                linestyle="--" if arm.startswith("dense") else "-",
            )
            low = [(xi, yi) for xi, yi, ok in zip(x, y, info["accurate"][arm]) if not ok]
            if low:  # hollow: less accurate than the target (the paired interval lies below)
                ax.scatter(*zip(*low), s=16, facecolors="white", edgecolors=f"C{i}", zorder=3)
        ax.axhline(info["target"]["aua"], color="black", linestyle=":", label=f"target ({info['target_arm']} final)")
        ax.set_xscale("log")
        ax.set_xlabel(label + " (log)")
    axes[0].set_ylabel("Aua (95% Wilson)\nhollow: clean accuracy below the target's", fontsize=9)
    axes[1].legend(fontsize=7, loc="best")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out
