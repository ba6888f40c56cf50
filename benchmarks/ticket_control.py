"""Robust vs random ticket at the same sparsity: the paper's control.

    python benchmarks/ticket_control.py --recording DIR/recording.json   # after early_emergence.py (~10 min, 2 CPU cores)
    python benchmarks/ticket_control.py --scale tiny --recording ...      # seconds (what the tests run)

The robust ticket is the one the online rule draws from a recorded search (`early_emergence.py`
records one over all of SST-2); the controls are tickets of exactly the same per-model sparsity
drawn from random scores with several seeds.  Every ticket is pruned from the pre-trained weights,
fine-tuned with cross-entropy on the same data (the paper's second stage) and attacked on the same
sentences; Aua is reported with its binomial standard error.
"""

from __future__ import annotations

import argparse
import math
import tempfile
from pathlib import Path

from common import machine, write_results  # noqa: I001
from early_emergence import every
from trainables.attacks.attack_runs import read_statuses
from trainables.attacks.attack_stats import paired_difference, verdict
from trainables.compute import device
from trainables.config import validate_config
from trainables.convergence import make_rule
from trainables.earlyrobust.tickets import random_ticket
from trainables.pipeline import Trial
from trainables.preset_tickets import preset_ticket
from trainables.search_sharing.replay import load_recording, replay

SCALES = {
    "cpu": dict(model="minilm", train_size=1000, max_length=64, batch_size=32, ft_lr=1e-4, ft_epochs=2, attack_n=500),
    "tiny": dict(
        model="tiny-bert",
        train_size=128,
        max_length=32,
        batch_size=32,
        ft_lr=1e-3,
        ft_epochs=1,
        attack_n=8,
        eval_size=32,
    ),
}
COMMON = dict(
    dataset="sst2",
    seed=42,
    head_ratio=1 / 6,
    ffn_ratio=0.4,
    ft_mode="ce",
    ft_init="pretrained",
    attack="textfooler",
    conv_window=5,
)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--recording", required=True, help="recording.json written by early_emergence.py")
    p.add_argument("--scale", choices=sorted(SCALES), default="cpu")
    p.add_argument("--eps", type=float, default=0.1, help="the rule's ε for drawing the robust ticket")
    p.add_argument("--interval", type=float, default=0.05, help="check interval (epochs) for the rule")
    p.add_argument("--random-seeds", type=int, default=3)
    p.add_argument("--work", help="folder for the trials (resumable); a temporary one by default")
    p.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = p.parse_args(argv)
    if not Path(args.recording).is_file():
        p.error(f"--recording {args.recording} is not a file: run benchmarks/early_emergence.py first")
    cfg = validate_config({**COMMON, **SCALES[args.scale]})

    recording = load_recording(args.recording)
    base = min(s.epoch for s in recording if s.check)
    r = replay(
        every(recording, args.interval, base),
        cfg["head_ratio"],
        cfg["ffn_ratio"],
        make_rule("earlyrobust", args.eps, cfg["conv_window"]),
    )
    robust = r.ticket
    tickets = {"robust (searched)": robust}
    for seed in range(args.random_seeds):
        tickets[f"random, seed {seed}"] = random_ticket(
            robust.num_heads, robust.ffn_sizes, cfg["head_ratio"], cfg["ffn_ratio"], seed=seed
        )
    work = Path(args.work or tempfile.mkdtemp(prefix="er-control-"))
    rows = []
    for i, (name, ticket) in enumerate(tickets.items()):
        folder = work / f"ticket{i}"
        preset_ticket(folder, ticket)
        print(f"{name}: fine-tuning and attacking", flush=True)
        res = Trial(cfg, folder).run()
        rows.append(
            {
                "ticket": name,
                "drawn_at_epoch": ticket.epoch if i == 0 else math.nan,
                "heads_pruned": ticket.head_sparsity,
                "ffn_pruned": ticket.ffn_sparsity,
                "params_pruned": res["param_sparsity"],
                "dev_acc": res["eval_acc"],
                "clean_acc": res["clean_acc"],
                "aua": res["aua"],
                "aua_ci_low": res["aua_ci_low"],
                "aua_ci_high": res["aua_ci_high"],
                "suc": res["suc"],
            }
        )
        print(rows[-1], flush=True)
    statuses = [read_statuses(work / f"ticket{i}" / "attack.jsonl") for i in range(len(tickets))]
    paired = "".join(
        f"\n- {verdict('robust ticket', name, paired_difference(statuses[0], statuses[i]))}"
        for i, name in enumerate(list(tickets)[1:], start=1)
    )
    randoms = [row["aua"] for row in rows[1:]]
    mean = sum(randoms) / len(randoms) if randoms else math.nan
    how = "drawn where the rule fired" if robust.converged else "the rule had not fired: drawn at the end"
    notes = (
        f"Robust ticket: EarlyRobust rule (ε {args.eps}, checks every {args.interval} epoch, window "
        f"{cfg['conv_window']}), {how}, epoch {robust.epoch:.3f} of the recorded search "
        f"`{Path(args.recording).name}`. Aua robust {rows[0]['aua']:.3f} vs random mean {mean:.3f} "
        f"({100 * (rows[0]['aua'] - mean):+.1f} points). Fine-tuning: {cfg['ft_epochs']} epochs CE on "
        f"{cfg['train_size'] or 'all'} SST-2 phrases from the pre-trained weights; attack: {cfg['attack']} on "
        f"{cfg['attack_n']} label-stratified dev sentences, the same for every ticket (intervals: 95% Wilson).\n\n"
        f"Paired differences in Aua (same sentences, 95% CI):{paired}"
    )
    md = write_results(
        rows,
        Path(args.out),
        f"ticket_control_{args.scale}",
        "Robust vs random ticket, same sparsity",
        machine(device()),
        notes,
    )
    print(md.read_text())


if __name__ == "__main__":
    main()
