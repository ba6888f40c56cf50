"""Time to robustness: the training cost each arm pays to reach dense adversarial training's robustness.

    python benchmarks/time_to_robustness.py                # MiniLM-L6, 2,000 SST-2 phrases, CPU (~2 h on 2 cores)
    python benchmarks/time_to_robustness.py --scale gpu    # MiniLM-L6, 20,000 SST-2 phrases, three attacks (a GPU)
    python benchmarks/time_to_robustness.py --scale paper  # BERT-base, all of SST-2, 10 epochs (a GPU, the hub's weights)
    python benchmarks/time_to_robustness.py --scale tiny   # a random tiny BERT, a minute (what the tests run)

Every arm is a real trial of the platform's pipeline (`trainables/pipeline.py`), run one
after the other in this process, and is attacked along the way: `--measures` times an epoch of its
fine-tuning or dense training, on the same label-stratified samples, with the training cost so far
(FLOPs and seconds; a ticket's search counted, the attacks not):

  dense_pgd / dense_freelb  dense adversarial training, K ascent steps (the candidates for the target)
  dense_ce                  plain fine-tuning of the dense model
  earlyrobust               FreeLB search with the online stop, then CE fine-tuning of the ticket (the paper)
  earlyrobust_pgd           the same, searched with PGD
  earlyrobust_ft_pgd        the earlyrobust ticket (its search counted) fine-tuned with PGD
  earlyrobust_ft_fgsm       ... fine-tuned with single-step FGSM from a random start (Wong et al. 2020)
  earlyrobust_ft_free       ... fine-tuned with free adversarial training, each minibatch replayed (Shafahi et al. 2019)
  earlyrobust_ft_fgsm_half  ... fine-tuned with CE, then FGSM for the last half of its batches (ft_adv_share 0.5)
  random_ticket             a random ticket of earlyrobust's sparsity, CE fine-tuned (free to draw)

Each arm is measured on two disjoint samples: the selection split chooses (the target arm, and the
look at which an arm reaches it) and the held-out report split tests that one look. The target arms,
EarlyRobust and the ticket fine-tuning arms are trained with `--seeds` seeds. The arms are defined in
`robustness_arms.py`; `time_to_robustness_table.py` writes the tables, with the rule and the speed-up's
interval over seeds and sentences from `time_to_target.py`.  One run writes
`time_to_robustness_<scale>.md/.csv`, each seed in `..._seeds.csv`, every measurement in `..._points.csv`,
Aua against training FLOPs and seconds in `....png`, and the equal-epoch view (`equal_epochs.py`: every
arm after the same epochs) in `..._equal_epochs.md/.csv`.  A folder given with --work resumes: finished
measurements and arms are read back.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import tempfile
import time
from pathlib import Path

from common import machine, write_results  # noqa: I001
from robustness_arms import (  # noqa: F401 (tests read FREE_REPLAYS, NEW_MODES)
    ANSWER,
    ARMS,
    FREE_REPLAYS,
    NEW_MODES,
    SEEDED,
    SETTINGS,
    TARGETS,
    TICKET_TAKERS,
    answer_choices,
    answer_settings,
)
from robustness_curve import Curve, plot
from time_to_robustness_table import notes, summarise, target_of, write_equal_epochs
from trainables.compute import device
from trainables.config import validate_config
from trainables.earlyrobust import checkpoint as ckpt
from trainables.earlyrobust.tickets import Ticket, random_ticket
from trainables.errors import ConfigError
from trainables.pipeline import Trial
from trainables.preset_tickets import preset_ticket

SCALES = {
    # a FreeLB K=5 step of MiniLM takes ~7 s on 2 CPU cores. One epoch over 2,000 phrases (63 steps) so
    # that the search, checked every 0.1 epoch, can stop at a small share of the training budget while
    # three seeds of the seeded arms and two attacked splits fit in about two hours; at 1,000 phrases
    # and 2 epochs dense PGD beat plain fine-tuning by +4.6 points [+2.1, +7.1] (500 paired sentences)
    "cpu": dict(
        model="minilm",
        train_size=2000,
        max_length=64,
        batch_size=32,
        lr=5e-5,
        ft_lr=1e-4,
        ft_epochs=1,
        check_interval=0.1,
        conv_window=3,
        conv_eps=0.2,
        search_epochs=1.0,
        attack_n=250,
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
SEEDS = {"cpu": 3, "gpu": 3, "paper": 3, "tiny": 2}  # training seeds of the seeded arms


def prepare(arm: str, folder: Path, work: Path, cfg: dict) -> None:
    """Tickets the arms that do not search take: earlyrobust's (its search's cost counted) or a random one."""
    if arm not in TICKET_TAKERS:
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


def seed_work(work: Path, seed: int) -> Path:
    """Where one training seed's arms live (seed 0 directly under --work)."""
    return work if seed == 0 else work / f"seed{seed}"


def run_arm(arm: str, cfg: dict, work: Path, attack: str, measures: int, seed: int = 0) -> tuple[Curve, dict]:
    """One arm trained with training seed `cfg['seed'] + seed`, measured on the same sentences whatever the seed."""
    settings, dense = SETTINGS[arm]
    here = seed_work(work, seed)
    folder = here / arm
    config = validate_config({**cfg, **settings, "attack": "none", "seed": cfg["seed"] + seed})  # the curve attacks
    prepare(arm, folder, here, config)
    curve = Curve(arm, folder, config, attack, measures, sample_seed=cfg["seed"])
    print(f"arm {arm}, training seed {config['seed']}", flush=True)
    result = Trial(config, folder, dense=dense, observer=curve).run()
    return curve, result


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=sorted(SCALES), default="cpu")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a trial parameter")
    p.add_argument("--arms", nargs="+", choices=ARMS, default=list(ARMS))
    p.add_argument("--measures", type=int, default=2, help="measurements per epoch (>= 2: every half-epoch)")
    p.add_argument("--seeds", type=int, help="training seeds of the seeded arms (the scale's by default)")
    p.add_argument("--answer", type=Path, help="a cost-to-target sweep's champion (its trial's params.json)")
    p.add_argument("--budget-s", type=float, default=math.inf, help="start no arm after this many seconds")
    p.add_argument("--work", help="folder for the trials (resumable); a fresh temporary one by default")
    p.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = p.parse_args(argv)
    if not set(TARGETS) & set(args.arms):
        p.error(f"--arms must include {' or '.join(TARGETS)} (the target is a dense adversarial arm)")
    needs = [a for a in TICKET_TAKERS if a in args.arms]
    if needs and "earlyrobust" not in args.arms:
        p.error(f"--arms {' '.join(needs)} take earlyrobust's ticket: include earlyrobust")
    if args.measures < 1:
        p.error(f"--measures must be a whole number >= 1, got {args.measures}")
    seeds = SEEDS[args.scale] if args.seeds is None else args.seeds
    if seeds < 1:
        p.error(f"--seeds must be a whole number >= 1, got {seeds}")
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
    arms = [a for a in ARMS if a in args.arms]
    if args.answer is not None:
        try:
            params = json.loads(args.answer.read_text())
            if not isinstance(params, dict):
                raise ValueError("it holds no JSON object of trial parameters")
            settings = answer_settings(params, cfg)
            validate_config({**cfg, **settings})
        except (OSError, ValueError, ConfigError) as e:
            p.error(f"--answer {args.answer}: {e}")
        SETTINGS[ANSWER] = (settings, False)
        arms.append(ANSWER)
    attack = cfg["attack"]
    if attack in ("none", "embedding_pgd"):
        p.error(f"attack={attack} measures no word-level robustness: name word attacks (textfooler, ...)")
    work = Path(args.work or tempfile.mkdtemp(prefix="er-time-to-robustness-"))
    print(f"time to robustness, scale {args.scale}, trials in {work}", flush=True)
    start, runs, results = time.monotonic(), {}, {}
    plan = [(s, a) for s in range(seeds) for a in arms if s == 0 or a in SEEDED or a == ANSWER]
    for seed, arm in plan:  # every arm once, then the seeded arms' further seeds
        if time.monotonic() - start > args.budget_s:
            print(f"budget of {args.budget_s:.0f} s spent: arm {arm} (seed {seed}) and the rest not run", flush=True)
            break
        if seed > 0 and arm in TARGETS and arm != target_of(runs):
            continue  # only the target arm chosen on seed 0's selection split needs more seeds
        curve, result = run_arm(arm, cfg, work, attack, args.measures, seed)
        runs.setdefault(arm, []).append(curve)
        if seed == 0:
            results[arm] = result
    if not set(TARGETS) & set(runs):
        raise SystemExit("no dense adversarial arm finished within the budget: nothing to compare against")
    rows, per_seed, points, info = summarise(runs, cfg, attack, work)
    if ANSWER in runs:
        info["answer"] = answer_choices(cfg)
    curves = {arm: cs[0] for arm, cs in runs.items()}
    dev = device()
    stem = f"time_to_robustness_{args.scale}"
    out = Path(args.out)
    title = (
        f"Time to robustness, {cfg['model']} on SST-2 ({cfg['train_size'] or 'all'} training examples), "
        f"{'bf16' if dev.type == 'cuda' else 'fp32'}"
    )
    out.mkdir(parents=True, exist_ok=True)
    png = plot(curves, info, out / f"{stem}.png", title)
    for name, table in (("points", points), ("seeds", per_seed)):
        with open(out / f"{stem}_{name}.csv", "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(table[0]))
            writer.writeheader()
            writer.writerows(table)
    text = notes(rows, info, {**cfg, "measures": args.measures, "chosen": list(chosen)}, attack, cfg["attack_n"])
    md = write_results(
        rows,
        out,
        stem,
        title,
        machine(dev),
        text + f"\n\nCurves (seed 0, selection split): `{png.name}`; every measurement: `{stem}_points.csv`; per "
        f"seed: `{stem}_seeds.csv`; every arm after the same epochs (seed 0): `{stem}_equal_epochs.md`.",
    )
    print(md.read_text())
    write_equal_epochs(curves, results, cfg, work, out, stem, title, machine(dev))


if __name__ == "__main__":
    main()
