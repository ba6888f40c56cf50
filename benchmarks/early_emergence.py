"""Early emergence: when does the robust ticket's mask stop changing on SST-2?

    python benchmarks/early_emergence.py                # MiniLM-L6, all of SST-2, FreeLB K=1, 0.4 epoch (~40 min, 2 CPU cores)
    python benchmarks/early_emergence.py --scale paper  # BERT-base, FreeLB K=5 (a GPU)
    python benchmarks/early_emergence.py --scale tiny   # a random tiny BERT, seconds (what the tests run)

One search over the SST-2 training set records the slimming scores every `record_interval` of an
epoch and is not stopped.  The online rule is then replayed on the recording
(`trainables/search_sharing/replay.py`, equal to an online search: tested) for the paper's ticket
(1/6 of heads, 40% of FFN neurons) at several ε and check intervals, giving the epoch of the drawn
ticket and the epoch at which the online search stops.  For each ticket, `dist_to_end` is its
distance to the mask drawn at the end of the recording: how settled the early pattern really was.
Writes a markdown + CSV table and the mask-distance curves (PNG).  Paper: 0.15-0.3 epoch.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from common import machine, write_results  # noqa: I001
from trainables import adversarial
from trainables.compute import device
from trainables.config import validate_config
from trainables.convergence import make_rule
from trainables.convergence.rules import mask_distance
from trainables.earlyrobust.cost import CostMeter
from trainables.earlyrobust.search import SearchSettings, run_search
from trainables.earlyrobust.tickets import draw_ticket
from trainables.pipeline import Trial
from trainables.search_sharing.replay import load_recording, replay, save_recording
from trainables.tune.mask_plot import plot_distances

SCALES = {
    # a FreeLB K=5 step of MiniLM takes ~5 s on 2 CPU cores (0.3 epoch of SST-2: ~55 min); K=1 takes ~2.6 s
    "cpu": dict(
        model="minilm",
        train_size=0,
        max_length=64,
        batch_size=32,
        lr=2e-5,
        adv_steps=1,
        search_epochs=0.4,
        check_interval=0.025,
    ),
    "paper": dict(
        model="bert-base-uncased",
        train_size=0,
        max_length=128,
        batch_size=32,
        lr=2e-5,
        adv_steps=5,
        search_epochs=0.6,
        check_interval=0.025,
    ),
    "tiny": dict(
        model="tiny-bert",
        train_size=512,
        max_length=32,
        batch_size=32,
        lr=1e-3,
        adv_steps=1,
        search_epochs=1.0,
        check_interval=0.0625,
        l1_head=1e-3,
        l1_ffn=1e-3,
    ),
}
COMMON = dict(
    dataset="sst2",
    seed=42,
    head_ratio=1 / 6,
    ffn_ratio=0.4,
    adv_method="freelb",
    adv_lr=0.01,
    adv_init_mag=0.05,
    conv_window=5,
)
EPSILONS = (0.05, 0.1, 0.15, 0.2)


def record(cfg: dict, folder: Path) -> list:
    """The recorded search, from `folder` if an earlier run finished it."""
    path = folder / "recording.json"
    if path.exists():
        return load_recording(path)
    trial = Trial(cfg, folder)
    snaps: list = []
    last = [0.0]

    def progress(check: dict) -> None:
        if check["epoch"] - last[0] >= 0.05 - 1e-9:
            last[0] = check["epoch"]
            print(
                f"  epoch {check['epoch']:.3f}  mask distance vs previous check: heads {check['head_prev']:.3f}, "
                f"FFN {check['ffn_prev']:.3f}",
                flush=True,
            )

    run_search(
        trial.fresh_model(),
        trial.loader(trial.train, True),
        SearchSettings.from_config(cfg),
        adversarial.from_config(cfg),
        make_rule("earlyrobust", 1e-12, cfg["conv_window"]),
        CostMeter(),
        trial.dev,
        progress,
        recording=snaps,
        stop_on_convergence=False,
    )
    save_recording(snaps, path)
    return snaps


def every(recording: list, interval: float, base: float) -> list:
    """The checks at multiples of `interval` epochs (a multiple of the recorded interval), and the end."""
    stride = max(1, round(interval / base))
    checks = [s for s in recording if s.check]
    return [s for i, s in enumerate(checks, 1) if i % stride == 0] + [s for s in recording if not s.check]


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=sorted(SCALES), default="cpu")
    p.add_argument("--work", help="folder for the recording (reused when present); a temporary one by default")
    p.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = p.parse_args(argv)
    cfg = validate_config({**COMMON, **SCALES[args.scale]})
    work = Path(args.work or tempfile.mkdtemp(prefix="er-emergence-"))
    print(f"early emergence, scale {args.scale}: recording a {cfg['search_epochs']}-epoch search in {work}", flush=True)
    recording = record(cfg, work)
    end = recording[-1]

    def draw(snap):
        return draw_ticket(snap.heads, snap.ffn, cfg["head_ratio"], cfg["ffn_ratio"], step=snap.step, epoch=snap.epoch)

    final = draw(end)
    rows, curves = [], {}
    base = cfg["check_interval"]
    # (checks every, window): the recorded interval with the paper's window, then the paper's 0.05-epoch
    # checks (twice the recorded interval) with a shorter and with the paper's window
    settings = [(base, cfg["conv_window"]), (2 * base, 3), (2 * base, cfg["conv_window"])]
    for interval, window in settings:
        checks = every(recording, interval, base)
        for eps in EPSILONS:
            r = replay(checks, cfg["head_ratio"], cfg["ffn_ratio"], make_rule("earlyrobust", eps, window))
            t = r.ticket
            rows.append(
                {
                    "check_interval": interval,
                    "window": window,
                    "eps": eps,
                    "converged": t.converged,
                    "ticket_epoch": t.epoch if t.converged else np.nan,
                    "stop_epoch": r.stop_epoch if t.converged else np.nan,
                    "search_flops_share": r.flops / end.flops,
                    "head_dist_to_end": mask_distance(t.head_mask(), final.head_mask()),
                    "ffn_dist_to_end": mask_distance(t.ffn_mask(), final.ffn_mask()),
                }
            )
            print(rows[-1], flush=True)
        rule = make_rule("earlyrobust", 1.0, window)  # distances at every check, whatever fires
        curves[(interval, window)] = [rule.update(draw(s)) for s in checks if s.check]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"early_emergence_{args.scale}"
    shown = settings[0]
    marks = {
        f"ticket, ε={r['eps']:g}": r["ticket_epoch"]
        for r in rows
        if (r["check_interval"], r["window"]) == shown and r["converged"]
    }
    png = plot_distances(
        curves[shown],
        out / f"{stem}.png",
        eps=None,
        marks=marks,
        anchor_shift=shown[0] * shown[1],
        title=f"{cfg['model']}, SST-2: checks every {shown[0]:g} epoch, window {shown[1]}",
    )
    notes = (
        f"Search: {cfg['model']}, FreeLB K={cfg['adv_steps']}, lr {cfg['lr']}, batch {cfg['batch_size']}, "
        f"{cfg['train_size'] or 'all'} training examples ({end.step} steps = {end.epoch:.2f} epoch recorded, "
        f"{end.seconds:.0f} s), L1 heads {cfg['l1_head']} / FFN {cfg['l1_ffn']}. Ticket: {cfg['head_ratio']:.3f} of "
        f"heads, {cfg['ffn_ratio']} of FFN neurons pruned (global). Rule: the oldest of window+1 masks within ε "
        f"of each newer one, heads and FFN. ticket_epoch = where the drawn mask was taken; stop_epoch = where "
        f"the online search stops (ticket + window x interval); converged False = not within the recording. "
        f"Curves: `{png.name}`."
    )
    md = write_results(rows, out, stem, "Early emergence of the robust ticket on SST-2", machine(device()), notes)
    print(md.read_text())


if __name__ == "__main__":
    main()
