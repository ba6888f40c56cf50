"""Attacks against the machine's own limit, in one run: the victim's forward-pass ceiling, each recipe's
speed in lockstep and one example at a time, and TextAttack 0.3.11 on the same model and sentences.

    python benchmarks/attack_throughput.py [--scale full|tiny] [--n N] [--no-textattack]

The victim and sentences are the cross-check's (`attack_crosscheck.py`: MiniLM fine-tuned for 300
steps, 200 label-stratified SST-2 dev sentences at `full`).  Per recipe:
- `ceiling_qps`: the victim's inputs per second on full, length-bucketed batches of the same sentences
  (each sentence 8 times: the most this machine answers for this model);
- ours in lockstep (`width` 32) and one at a time (`width` 1): sentences/s, victim queries/s (and the
  forward passes the victim really ran), the share of the attack's time spent in victim and
  sentence-encoder calls, and whether every example's row is identical in both;
- TextAttack's sentences/s on the same sentences and the share of sentences with the same outcome.
Goals (issue 30): >= 3x TextAttack's sentences/s with identical outcomes, >= 70% of the time in model
and encoder calls, queries/s >= 50% of the ceiling.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from attack_crosscheck import RANDOM, SCALES, assembled, run_textattack, train_victim
from common import machine, write_results
from textattack_offline import import_textattack
from trainables.attacks import ATTACKS, make_attack
from trainables.attacks.attack_runs import WIDTH, choose_examples, run_attack
from trainables.attacks.buckets import bucketed
from trainables.attacks.similarity import sentence_encoder
from trainables.attacks.victim import Victim
from trainables.data.datasets import load_split


def ceiling(model, tok, texts: list[str], max_length: int, repeats: int = 3) -> float:
    """Inputs per second of the model alone on full, length-bucketed batches of the sentences (each 8 times,
    no cache: every input runs; the best of `repeats`)."""
    inputs = texts * 8

    def run(batch):
        return torch.softmax(model(**batch).logits.float(), dim=-1)

    bucketed(tok, inputs[:256], max_length, 128, run, torch.device("cpu"))  # warm up
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        bucketed(tok, inputs, max_length, 128, run, torch.device("cpu"))
        best = max(best, len(inputs) / (time.perf_counter() - start))
    return best


def ours(name: str, model, tok, split, n: int, max_length: int, width: int, out: Path) -> dict:
    victim = Victim(model, tok, max_length)
    attack = make_attack(name, seed=0, **({"textattack_rng": True} if name in RANDOM else {}))
    encoder = attack.encoder()
    if encoder is not None:  # loaded, and nothing remembered from an earlier run
        encoder.encode(["warm up"])
        encoder.cache.clear()
    out.unlink(missing_ok=True)  # a file left by an earlier run would be resumed, not attacked
    start = time.perf_counter()
    s = run_attack(attack, victim, list(split["text"]), list(split["label"]), n, out, seed=0, width=width)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "sentences_per_s": n / seconds,
        "queries": victim.queries,
        "queries_per_s": victim.queries / seconds,
        "forward_per_s": victim.computed / seconds,
        "in_model_calls": (s["model_seconds"] + s["encoder_seconds"]) / seconds,
        "in_victim_calls": s["model_seconds"] / seconds,
        "victim_call_rate": victim.computed / s["model_seconds"] if s["model_seconds"] else 0.0,
        "aua": s["aua"],
        "rows": [json.loads(line) for line in out.read_text().splitlines()],
    }


def main(argv=None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=SCALES, default="full")
    p.add_argument("--n", type=int, help="sentences (the scale's by default)")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    p.add_argument("--work", type=Path, default=Path(__file__).parent / "out" / "throughput")
    p.add_argument("--no-textattack", action="store_true", help="leave TextAttack out (its columns stay empty)")
    args = p.parse_args(argv)
    scale = {**SCALES[args.scale], **({"n": args.n} if args.n else {})}
    args.work.mkdir(parents=True, exist_ok=True)
    textattack = None if args.no_textattack else import_textattack(args.work)
    if not args.no_textattack and textattack is None:
        sys.exit(
            "attack_throughput: TextAttack is not installed: run `bash scripts/setup.sh --test` or --no-textattack"
        )
    model, tok = train_victim(scale)
    split = load_split("sst2", "validation")
    picked = choose_examples(list(split["label"]), scale["n"], seed=0)
    texts, labels = [split["text"][i] for i in picked], [split["label"][i] for i in picked]
    limit = ceiling(model, tok, texts, scale["max_length"])
    print(f"ceiling: {limit:.0f} inputs/s", flush=True)
    theirs = {}
    if textattack is not None:
        # optional: TextAttack is a test extra (scripts/setup.sh --test)
        from textattack.attack_recipes import DeepWordBugGao2018  # noqa: PLC0415
        from textattack.models.wrappers import HuggingFaceModelWrapper  # noqa: PLC0415

        padded = type(tok).from_pretrained(tok.name_or_path)  # TextAttack pads every query to model_max_length
        padded.model_max_length = scale["max_length"]
        wrapper = HuggingFaceModelWrapper(model, padded)
        theirs = {"deepwordbug": DeepWordBugGao2018.build(wrapper), **assembled(wrapper, "cpu")}
    rows = []
    for name in ATTACKS:
        lock = ours(
            name, model, tok, split, scale["n"], scale["max_length"], WIDTH, args.work / f"{name}_w{WIDTH}.jsonl"
        )
        single = ours(name, model, tok, split, scale["n"], scale["max_length"], 1, args.work / f"{name}_w1.jsonl")
        row = {
            "attack": name,
            "n": scale["n"],
            "ceiling_qps": limit,
            "lockstep_sentences_per_s": lock["sentences_per_s"],
            "lockstep_queries_per_s": lock["queries_per_s"],
            "lockstep_forward_per_s": lock["forward_per_s"],
            "lockstep_share_of_ceiling": lock["forward_per_s"] / limit,
            "lockstep_time_in_model_calls": lock["in_model_calls"],
            "lockstep_time_in_victim_calls": lock["in_victim_calls"],
            "victim_calls_share_of_ceiling": lock["victim_call_rate"] / limit,
            "one_at_a_time_sentences_per_s": single["sentences_per_s"],
            "lockstep_speedup_over_one_at_a_time": lock["sentences_per_s"] / single["sentences_per_s"],
            "rows_identical": lock["rows"] == single["rows"],
            "aua": lock["aua"],
        }
        if name in theirs:
            sentence_encoder("cpu").cache.clear()  # TextAttack's side uses the same encoder: nothing remembered
            start = time.perf_counter()
            ta = run_textattack(theirs[name], texts, labels, picked)
            ta_rate = scale["n"] / (time.perf_counter() - start)
            same = sum(a["status"] == b["status"] for a, b in zip(ta, lock["rows"])) / scale["n"]
            row.update(
                textattack_sentences_per_s=ta_rate,
                speedup_over_textattack=lock["sentences_per_s"] / ta_rate,
                same_outcome_as_textattack=same,
            )
        rows.append(row)
        print(row, flush=True)
    notes = (
        f"Victim: {scale['model']} fine-tuned on {scale['train']} SST-2 phrases; {scale['n']} label-stratified "
        f"SST-2 dev sentences (seed 0), max length {scale['max_length']}; one run, all columns measured in it. "
        f"Lockstep: {WIDTH} examples in flight. `lockstep_time_in_model_calls`: the share of the attack's wall "
        "time spent in victim and sentence-encoder calls (tokenising included). `lockstep_queries_per_s` counts "
        "every input the attack asks about; `lockstep_forward_per_s` those the victim ran (an input that "
        "tokenises as one asked before is answered from its cache), which `lockstep_share_of_ceiling` divides "
        "by the ceiling. `lockstep_time_in_victim_calls`: the part of that time in victim calls (the rest of "
        "the model time is the sentence encoder's); `victim_calls_share_of_ceiling`: the victim's inputs per "
        "second while it runs, over the ceiling (how full its batches are). `same_outcome_as_textattack`: the "
        "share of sentences whose outcome (skipped, succeeded, "
        "failed) is TextAttack's."
    )
    md = write_results(
        rows,
        args.out,
        f"attack_throughput_{args.scale}",
        "Attack throughput against the machine's limit and TextAttack",
        machine(torch.device("cpu")),
        notes,
    )
    print(md.read_text())
    return rows


if __name__ == "__main__":
    main()
