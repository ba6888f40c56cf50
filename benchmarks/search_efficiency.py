"""Search efficiency: the platform's multi-objective Optuna sampler against random and grid search.

    python benchmarks/search_efficiency.py --seeds 0 1 2  # MiniLM-L6, 1,000 SST-2 phrases, 16 trials per method and seed
    python benchmarks/search_efficiency.py --scale tiny   # a random tiny BERT, a minute (what the tests run)

Same space, same objectives, same trial budget for every method.  The space is the one a user tunes
first, the ticket's size: head_ratio and ffn_ratio; the grid takes 4 values of each (16 trials, which
sets the budget; a real trial takes about a minute on 2 CPU cores).  The objectives are the platform's `--objective multi`: maximise aua and param_sparsity,
minimise train_flops.  `optuna` is the sampler `platform.sweep` builds (`trainables/tune/searcher.py`:
TPE with start-up trials following the sweep's size, constant liar); `tpe_default` is Ray's
OptunaSearch default (TPE, 10 random start-up trials); random is Optuna's RandomSampler, grid its
GridSampler.  Every sampler runs once per seed; the table gives the mean and spread over seeds.  Trials
are cached by their parameters, so the grid's (the same points whatever the seed) run once.

Every trial is a real trial of the pipeline (ticket, physical pruning, fine-tuning, attack).  The
ticket search is trained once and replayed for each trial's ratios and ε
(`trainables/search_sharing/replay.py`): ticket, stop and search cost are those an online search with
that configuration gives (tested), and each trial is charged its own search FLOPs.  Hypervolume is
computed over (1 - aua, 1 - param_sparsity, train_flops / the largest train_flops seen by any method)
with the reference point (1, 1, 1.1), the same for all methods.
"""

from __future__ import annotations

import argparse
import math
import tempfile
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
from optuna._hypervolume import compute_hypervolume

from common import machine, write_results  # noqa: I001
from trainables import adversarial
from trainables.compute import device
from trainables.config import validate_config
from trainables.convergence import make_rule
from trainables.earlyrobust.checkpoint import read_state
from trainables.earlyrobust.cost import CostMeter
from trainables.earlyrobust.search import SearchSettings, run_search
from trainables.metric_registry import MULTI
from trainables.pipeline import Trial
from trainables.preset_tickets import preset_ticket
from trainables.search_sharing.replay import load_recording, replay, save_recording
from trainables.tune.mask_plot import plt
from trainables.tune.sampler import make_sampler

SPACE = {"head_ratio": (0.1, 0.5), "ffn_ratio": (0.2, 0.7)}


def grid(values: int) -> dict:
    return {k: [float(v) for v in np.linspace(lo, hi, values)] for k, (lo, hi) in SPACE.items()}


SCALES = {
    "cpu": dict(
        model="minilm",
        train_size=1000,
        eval_size=100,
        max_length=48,
        batch_size=32,
        lr=5e-5,
        ft_lr=1e-4,
        ft_epochs=1,
        adv_steps=2,
        search_epochs=1.5,
        check_interval=0.1,
        conv_window=3,
        conv_eps=0.2,
        attack_n=30,
    ),
    "tiny": dict(
        model="tiny-bert",
        train_size=128,
        eval_size=32,
        max_length=32,
        batch_size=32,
        lr=1e-3,
        ft_lr=1e-3,
        ft_epochs=1,
        adv_steps=1,
        search_epochs=2.0,
        check_interval=0.25,
        conv_window=2,
        conv_eps=0.3,
        attack_n=4,
        attack="deepwordbug",  # no sentence encoder: the tiny run measures the bookkeeping, not the attack
        l1_head=1e-3,
        l1_ffn=1e-3,
    ),
}
COMMON = dict(dataset="sst2", seed=42, adv_method="freelb", attack="textfooler", ft_mode="ce", ft_init="pretrained")


def samplers(seed: int, values: int) -> dict:
    return {
        "optuna": make_sampler(seed, values ** len(SPACE)),  # what platform.sweep builds for this budget
        "tpe_default": optuna.samplers.TPESampler(seed=seed),  # Ray's default: the first 10 trials random
        "random": optuna.samplers.RandomSampler(seed=seed),
        "grid": optuna.samplers.GridSampler(grid(values), seed=seed),
    }


def record_search(cfg: dict, folder: Path) -> list:
    path = folder / "recording.json"
    if path.exists():
        return load_recording(path)
    trial = Trial(cfg, folder / "search")
    snaps: list = []
    run_search(
        trial.fresh_model(),
        trial.loader(trial.train, True),
        SearchSettings.from_config(cfg),
        adversarial.from_config(cfg),
        make_rule("earlyrobust", 1.0, cfg["conv_window"]),
        CostMeter(),
        trial.dev,
        recording=snaps,
        stop_on_convergence=False,
    )
    save_recording(snaps, path)
    return snaps


def evaluate(params: dict, base: dict, recording: list, folder: Path) -> dict:
    """One trial: the replayed ticket, fine-tuned and attacked; resumes from `folder` if it exists."""
    done = read_state(folder)
    if done.get("done"):
        return done["result"]
    cfg = validate_config({**base, **params})
    r = replay(
        recording, cfg["head_ratio"], cfg["ffn_ratio"], make_rule(cfg["conv_rule"], cfg["conv_eps"], cfg["conv_window"])
    )
    preset_ticket(folder, r.ticket, r.stop_epoch, r.flops, r.seconds)
    return Trial(cfg, folder).run()


def hypervolume_curve(objectives: list[tuple], flops_scale: float) -> list[float]:
    """Hypervolume of the first n trials, n = 1..len, in the normalised minimisation space."""
    points = np.array([[1 - aua, 1 - sparsity, flops / flops_scale] for aua, sparsity, flops in objectives])
    ref = np.array([1.0, 1.0, 1.1])
    return [float(compute_hypervolume(points[:n], ref)) for n in range(1, len(points) + 1)]


def trials_to_reach(curve: list[float], target: float) -> float:
    return next((n for n, hv in enumerate(curve, 1) if hv >= target - 1e-12), math.inf)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=sorted(SCALES), default="cpu")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="the samplers' seeds (one run each)")
    p.add_argument("--grid", type=int, default=4, help="grid values per parameter (the budget is its square)")
    p.add_argument("--work", help="folder for the trials (resumable); a temporary one by default")
    p.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = p.parse_args(argv)
    base = validate_config({**COMMON, **SCALES[args.scale]})
    work = Path(args.work or tempfile.mkdtemp(prefix="er-search-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.grid < 2:
        p.error(f"--grid {args.grid}: use at least 2 values per parameter")
    budget = args.grid ** len(SPACE)
    print(f"search efficiency, scale {args.scale}: {budget} trials per method, trials in {work}", flush=True)
    recording = record_search(base, work)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    found: dict[tuple, list[tuple]] = {}
    for seed in args.seeds:
        for method, sampler in samplers(seed, args.grid).items():
            found[method, seed] = run_study(method, seed, sampler, budget, base, recording, work)
    scale = max(f for vals in found.values() for _, _, f in vals)
    curves = {key: hypervolume_curve(v, scale) for key, v in found.items()}
    target = curves["grid", args.seeds[0]][-1]
    per_seed = [
        {
            "method": m,
            "seed": seed,
            "final_hypervolume": c[-1],
            "hypervolume_at_1/3": c[max(1, budget // 3) - 1],
            "trials_to_reach_grid_final": trials_to_reach(c, target),
        }
        for (m, seed), c in curves.items()
    ]
    rows = []
    for method in samplers(0, args.grid):
        mine = [r for r in per_seed if r["method"] == method]
        final, third = (np.array([r[k] for r in mine]) for k in ("final_hypervolume", "hypervolume_at_1/3"))
        reached = sum(r["trials_to_reach_grid_final"] <= budget // 3 for r in mine)
        rows.append(
            {
                "method": method,
                "seeds": len(mine),
                "final_hv_mean": final.mean(),
                "final_hv_sd": final.std(ddof=1) if len(mine) > 1 else math.nan,
                "hv_at_1/3_mean": third.mean(),
                "hv_at_1/3_sd": third.std(ddof=1) if len(mine) > 1 else math.nan,
                "reached_grid_final_by_1/3": f"{reached}/{len(mine)}",
                "budget": budget,
            }
        )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"search_efficiency_{args.scale}"
    png = plot_curves(
        curves,
        target,
        budget,
        out / f"{stem}.png",
        f"{base['model']}, SST-2: Pareto hypervolume vs trials ({len(args.seeds)} seeds)",
    )
    mine = next(r for r in rows if r["method"] == "optuna")
    notes = (
        f"Goal: Optuna reaches grid search's final hypervolume within {budget // 3} trials (1/3 of the grid): "
        f"reached in {mine['reached_grid_final_by_1/3']} seeds. Seeds {', '.join(map(str, args.seeds))}; mean and "
        f"sample sd over seeds. Space: {', '.join(f'{k} in [{lo}, {hi}]' for k, (lo, hi) in SPACE.items())}; "
        f"grid: {args.grid} values each. Per-seed numbers: `{stem}_seeds.csv`; every trial: `{stem}_trials.csv`; "
        f"plot: `{png.name}`."
    )
    md = write_results(rows, out, stem, "Search efficiency: Optuna vs random vs grid", machine(device()), notes)
    pd.DataFrame(per_seed).to_csv(out / f"{stem}_seeds.csv", index=False)
    with open(out / f"{stem}_trials.csv", "w") as f:
        f.write("method,seed,trial,aua,param_sparsity,train_flops\n")
        f.writelines(
            f"{m},{seed},{i + 1},{a},{s},{fl}\n"
            for (m, seed), vals in found.items()
            for i, (a, s, fl) in enumerate(vals)
        )
    print(md.read_text())


def run_study(method: str, seed: int, sampler, budget: int, base: dict, recording: list, work: Path) -> list[tuple]:
    """One sampler's study; returns (aua, param_sparsity, train_flops) of each trial in order."""
    study = optuna.create_study(
        directions=["maximize" if MULTI[k] == "max" else "minimize" for k in MULTI], sampler=sampler
    )
    found: list[tuple] = []

    def objective(trial):
        params = {k: trial.suggest_float(k, lo, hi) for k, (lo, hi) in SPACE.items()}
        key = "-".join(f"{v:.6f}" for v in params.values())  # a folder holds one configuration's trial
        result = evaluate(params, base, recording, work / "trials" / key)
        found.append((float(result["aua"]), float(result["param_sparsity"]), float(result["train_flops"])))
        print(
            f"  [{method} seed {seed} {len(found)}/{budget}] {', '.join(f'{k}={v:.3f}' for k, v in params.items())}"
            f" -> aua {result['aua']:.3f}, param_sparsity {result['param_sparsity']:.3f}, "
            f"train_flops {result['train_flops']:.3g}",
            flush=True,
        )
        return tuple(float(result[k]) for k in MULTI)

    study.optimize(objective, n_trials=budget)  # the grid sampler stops the study when the grid is done
    return found


def plot_curves(curves: dict, target: float, budget: int, path: Path, title: str) -> Path:
    fig, ax = plt.subplots(figsize=(6, 3.5))
    colours = {}
    for (method, _seed), curve in curves.items():
        (line,) = ax.plot(
            range(1, len(curve) + 1),
            curve,
            marker=".",
            alpha=0.7,
            color=colours.get(method),
            label=method if method not in colours else None,
        )
        colours[method] = line.get_color()
    ax.axhline(target, color="grey", linestyle="--", label="grid, final")
    ax.axvline(budget / 3, color="grey", linestyle=":", label="1/3 of the budget")
    ax.set_xlabel("trials")
    ax.set_ylabel("Pareto hypervolume")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


if __name__ == "__main__":
    main()
