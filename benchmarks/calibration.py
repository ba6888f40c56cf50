"""Does robustness survive temperature calibration?  A dense FreeLB model and an EarlyRobust ticket,
each attacked twice on the same sentences: as they are, and with their logits divided by T fitted on
the dev split by NLL (`attack_calibration`, see trainables/attacks/temperature.py).

    python benchmarks/calibration.py [--scale cpu|tiny] [--work DIR] [--out DIR]

`cpu`: MiniLM trained on 1,000 SST-2 phrases for 1 epoch (FreeLB K=2 for both arms), `textfooler` and
`textbugger` on 200 label-stratified dev sentences.  `tiny`: a tiny random BERT (seconds; the tests).
Raina et al. found the apparent robustness of overconfident models vanish under calibration; on two
classes a greedy score-based attack ranks and picks by a monotone function of the logit margin, so
T cannot change its result; this measures it.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import machine, write_results  # noqa: I001
from trainables.attacks.attack_stats import paired_bits
from trainables.attacks.robustness import evaluate_robustness
from trainables.compute import device
from trainables.config import validate_config
from trainables.data.models import load_tokenizer
from trainables.earlyrobust.pruning import load_pruned
from trainables.pipeline import FINAL, Trial

SCALES = {
    "cpu": dict(
        model="minilm",
        train_size=1000,
        max_length=64,
        lr=5e-5,
        ft_lr=1e-4,
        ft_epochs=1,
        adv_steps=2,
        check_interval=0.1,
        conv_window=3,
        conv_eps=0.2,
        attack_n=200,
        attack="textfooler,textbugger",
    ),
    "tiny": dict(
        model="tiny-bert",
        train_size=256,
        max_length=32,
        lr=1e-3,
        ft_lr=1e-3,
        ft_epochs=1,
        adv_steps=2,
        check_interval=0.125,
        conv_window=2,
        conv_eps=0.5,
        attack_n=8,
        eval_size=64,
        l1_head=1e-3,
        l1_ffn=1e-3,
        attack="textfooler",
    ),
}
ARMS = {"dense_freelb": ({"ft_mode": "freelb"}, True), "earlyrobust": ({"ft_mode": "ce"}, False)}


def main(argv=None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=SCALES, default="cpu")
    p.add_argument("--work", type=Path, help="folder for the arms (resumable); default a temporary one")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = p.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="calibration_"))
    base = {**SCALES[args.scale], "dataset": "sst2", "seed": 42, "head_ratio": 1 / 6, "ffn_ratio": 0.4}
    dev, rows = device(), []
    for arm, (extra, dense) in ARMS.items():
        cfg = validate_config({**base, **extra})
        print(f"[{arm}] training", flush=True)
        Trial(cfg, work / arm, None, dense=dense).run()
        model, _ = load_pruned(work / arm / FINAL / "ticket_model")
        model, tokenizer = model.to(dev).eval(), load_tokenizer(cfg["model"])
        result = {}
        for calibrated in (False, True):
            run = validate_config({**cfg, "attack_calibration": calibrated})
            name = "calibrated" if calibrated else "as_is"
            result[name] = evaluate_robustness(model, tokenizer, run, "validation", work / arm / f"{name}.jsonl", dev)
        d = paired_bits(result["calibrated"]["robust_bits"], result["as_is"]["robust_bits"])
        a, c = result["as_is"], result["calibrated"]
        rows.append(
            {
                "arm": arm,
                "attack": cfg["attack"],
                "n": a["attack_n"],
                "temperature": c["temperature"],
                "clean_acc": a["clean_acc"],
                "aua": a["aua"],
                "aua_ci_low": a["aua_ci_low"],
                "aua_ci_high": a["aua_ci_high"],
                "aua_calibrated": c["aua"],
                "aua_calibrated_ci_low": c["aua_ci_low"],
                "aua_calibrated_ci_high": c["aua_ci_high"],
                "paired_diff": d["diff"],
                "paired_low": d["low"],
                "paired_high": d["high"],
                "same_outcome_every_example": a["robust_bits"] == c["robust_bits"],
            }
        )
        print(rows[-1], flush=True)
    notes = (
        f"{base['attack_n']} label-stratified SST-2 dev sentences, worst case over {base['attack']}; T fitted by NLL "
        "on the dev split; Aua intervals 95% Wilson; paired_diff = Aua(calibrated) - Aua(as is) over the same "
        "sentences with its paired 95% interval."
    )
    md = write_results(
        rows, args.out, f"calibration_{args.scale}", "Aua with and without temperature calibration", machine(dev), notes
    )
    print(md.read_text())
    return rows


if __name__ == "__main__":
    main()
