"""The published-recipe attacks against TextAttack 0.3.11, on one model and one sample of sentences.

    python benchmarks/attack_crosscheck.py [--scale full|tiny] [--n N] [--out DIR]

`full` (the results file): the packaged MiniLM fine-tuned for 300 steps on SST-2, 200 label-stratified
SST-2 dev sentences; `tiny` (the test): a tiny BERT, 40 sentences.  `deepwordbug` runs against
TextAttack's own recipe, the other three against TextAttack attacks assembled from its parts with the
same candidates and constraints (`assembled`); random edits are drawn from the same seeded generators
on both sides, so the outcomes agree example by example.  What each side runs, and why TextAttack is
imported with a `flair` stub: docs/robustness.md ("Checked against TextAttack").
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

from common import machine, write_results  # noqa: I001
from textattack_offline import homoglyph_swap, import_textattack
from trainables.attacks import make_attack
from trainables.attacks.attack_runs import choose_examples, read_rows, run_attack
from trainables.attacks.attack_stats import summarize
from trainables.attacks.pos import same_part_of_speech
from trainables.attacks.similarity import THRESHOLD, WINDOW, sentence_encoder
from trainables.attacks.stopwords import TEXTFOOLER
from trainables.attacks.synonyms import load_neighbours
from trainables.attacks.victim import Victim
from trainables.data.batching import make_loader
from trainables.data.datasets import load_split, subset
from trainables.data.models import load_model, load_tokenizer
from trainables.earlyrobust.cost import CostMeter
from trainables.earlyrobust.finetune import finetune

SCALES = {
    "full": {"model": "minilm", "train": 9600, "epochs": 1, "lr": 1e-4, "n": 200, "max_length": 64},
    "tiny": {"model": "tiny-bert", "train": 3000, "epochs": 4, "lr": 2e-3, "n": 40, "max_length": 48},
}
TOLERANCE = 0.03
RANDOM = ("deepwordbug", "textbugger")  # recipes with random edits, drawn as TextAttack draws them


def assembled(wrapper, device: str) -> dict:
    """TextAttack attacks with the candidates and constraints of our offline `textfooler`,
    `textbugger` and `bertattack` (see the module docstring)."""
    # optional: TextAttack is a test extra (scripts/setup.sh --test)
    from textattack import Attack  # noqa: PLC0415
    from textattack.constraints import Constraint  # noqa: PLC0415
    from textattack.constraints.pre_transformation import RepeatModification, StopwordModification  # noqa: PLC0415
    from textattack.constraints.semantics.sentence_encoders import SentenceEncoder  # noqa: PLC0415
    from textattack.goal_functions import UntargetedClassification  # noqa: PLC0415
    from textattack.search_methods import GreedyWordSwapWIR  # noqa: PLC0415
    from textattack.transformations import (  # noqa: PLC0415
        CompositeTransformation,
        WordSwap,
        WordSwapHomoglyphSwap,
        WordSwapNeighboringCharacterSwap,
        WordSwapRandomCharacterDeletion,
        WordSwapRandomCharacterInsertion,
    )
    from textattack.transformations.word_swaps.word_swap_embedding import recover_word_case  # noqa: PLC0415

    table = load_neighbours()

    class CounterFitted(WordSwap):
        def __init__(self, max_candidates: int):
            super().__init__()
            self.max_candidates = max_candidates

        def _get_replacement_words(self, word):
            return [recover_word_case(w, word) for w in table.get(word.lower(), [])[: self.max_candidates]]

    class WordNetPartOfSpeech(Constraint):
        def _check_constraint(self, transformed_text, reference_text):
            i = next(iter(transformed_text.attack_attrs["newly_modified_indices"]))
            return same_part_of_speech(reference_text.words[i], transformed_text.words[i])

    class MiniLM(SentenceEncoder):
        def encode(self, sentences):
            return sentence_encoder(device).encode(sentences)

    def build(transformation, constraints):
        return Attack(
            UntargetedClassification(wrapper),
            [RepeatModification(), *constraints],
            transformation,
            GreedyWordSwapWIR(wir_method="delete"),
        )

    bugs = CompositeTransformation(
        [
            WordSwapRandomCharacterInsertion(
                random_one=True, letters_to_insert=" ", skip_first_char=True, skip_last_char=True
            ),
            WordSwapRandomCharacterDeletion(random_one=True, skip_first_char=True, skip_last_char=True),
            WordSwapNeighboringCharacterSwap(random_one=True, skip_first_char=True, skip_last_char=True),
            homoglyph_swap(WordSwapHomoglyphSwap),
            CounterFitted(5),
        ]
    )
    return {
        "textfooler": build(
            CounterFitted(50),
            [
                StopwordModification(stopwords=TEXTFOOLER),
                WordNetPartOfSpeech(compare_against_original=True),
                MiniLM(
                    threshold=THRESHOLD,
                    metric="angular",
                    compare_against_original=False,
                    window_size=WINDOW,
                    skip_text_shorter_than_window=True,
                ),
            ],
        ),
        "textbugger": build(bugs, [StopwordModification(), MiniLM(threshold=0.8, metric="angular")]),
        "bertattack": build(
            CounterFitted(50),
            [
                StopwordModification(),
                WordNetPartOfSpeech(compare_against_original=True),
                MiniLM(
                    threshold=0.2,
                    metric="cosine",
                    compare_against_original=True,
                    window_size=WINDOW,
                    skip_text_shorter_than_window=False,
                ),
            ],
        ),
    }


def run_textattack(attack, texts, labels, indices) -> list[dict]:
    """TextAttack's attack on each example, its global generators seeded with the example's index
    (as our `deepwordbug` with `textattack_rng` seeds its own)."""
    # optional: TextAttack is a test extra (scripts/setup.sh --test)
    from textattack.attack_results import FailedAttackResult, SkippedAttackResult  # noqa: PLC0415

    rows = []
    for text, label, index in zip(texts, labels, indices):
        random.seed(index)
        np.random.seed(index)
        r = attack.attack(text, int(label))
        status = (
            "skipped"
            if isinstance(r, SkippedAttackResult)
            else "failed"
            if isinstance(r, FailedAttackResult)
            else "succeeded"
        )
        rows.append({"status": status, "queries": r.perturbed_result.num_queries})
    return rows


def train_victim(scale: dict):
    dev = torch.device("cpu")
    tok = load_tokenizer(scale["model"])
    torch.manual_seed(0)
    model = load_model(scale["model"], 2, seed=0)
    train = subset(load_split("sst2", "train"), scale["train"], 0)
    finetune(
        model,
        make_loader(train, tok, 32, scale["max_length"], True, seed=0),
        scale["epochs"],
        scale["lr"],
        0.0,
        CostMeter(),
        dev,
    )
    return model.eval(), tok


def main(argv=None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=SCALES, default="full")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    p.add_argument("--work", type=Path, default=Path(__file__).parent / "out" / "textattack")
    p.add_argument("--n", type=int, help="sentences to attack (the scale's by default)")
    args = p.parse_args(argv)
    textattack = import_textattack(args.work)
    if textattack is None:
        sys.exit("attack_crosscheck: TextAttack is not installed: run `bash scripts/setup.sh --test`")
    # optional: TextAttack is a test extra (scripts/setup.sh --test)
    from textattack.attack_recipes import DeepWordBugGao2018  # noqa: PLC0415
    from textattack.models.wrappers import HuggingFaceModelWrapper  # noqa: PLC0415

    scale = {**SCALES[args.scale], **({"n": args.n} if args.n else {})}
    model, tok = train_victim(scale)
    split = load_split("sst2", "validation")
    picked = choose_examples(list(split["label"]), scale["n"], seed=0)
    texts, labels = [split["text"][i] for i in picked], [split["label"][i] for i in picked]
    padded = load_tokenizer(scale["model"])  # TextAttack pads every query to model_max_length
    padded.model_max_length = scale["max_length"]
    wrapper = HuggingFaceModelWrapper(model, padded)
    theirs = {"deepwordbug": DeepWordBugGao2018.build(wrapper), **assembled(wrapper, "cpu")}
    rows = []
    for name, their_attack in theirs.items():
        start = time.perf_counter()
        ta = run_textattack(their_attack, texts, labels, picked)
        ta_seconds = time.perf_counter() - start
        victim = Victim(model, tok, scale["max_length"])
        attack = make_attack(name, seed=0, **({"textattack_rng": True} if name in RANDOM else {}))
        start = time.perf_counter()  # the trials' own path: the sample in lockstep, one JSON line an example
        run_attack(attack, victim, list(split["text"]), list(split["label"]), scale["n"], args.work / f"{name}.jsonl")
        our_seconds = time.perf_counter() - start
        ours = read_rows(args.work / f"{name}.jsonl")
        assert [r["index"] for r in ours] == picked
        for side, results, seconds in (("textattack 0.3.11", ta, ta_seconds), ("this project", ours, our_seconds)):
            s = summarize([r["status"] for r in results], [r["queries"] for r in results])
            rows.append(
                {
                    "attack": name,
                    "implementation": side,
                    "n": s["n"],
                    "skipped": s["skipped"],
                    "clean_acc": s["clean_acc"],
                    "aua": s["aua"],
                    "aua_ci_low": s["aua_ci_low"],
                    "aua_ci_high": s["aua_ci_high"],
                    "suc": s["suc"],
                    "avg_queries": s["avg_queries"],
                    "seconds": seconds,
                    "sentences_per_s": s["n"] / seconds,
                }
            )
        same_skips = [r["status"] == "skipped" for r in ta] == [r["status"] == "skipped" for r in ours]
        rows[-1]["same_skipped_set"] = rows[-2]["same_skipped_set"] = same_skips
        same = sum(a["status"] == b["status"] for a, b in zip(ta, ours)) / len(ours)
        rows[-1]["same_outcome_share"] = rows[-2]["same_outcome_share"] = same
        rows[-1]["aua_difference"] = rows[-2]["aua_difference"] = rows[-1]["aua"] - rows[-2]["aua"]
        print(rows[-2], rows[-1], sep="\n", flush=True)
    notes = (
        f"Model: {scale['model']} fine-tuned on {scale['train']} SST-2 phrases ({scale['epochs']} epoch(s)); "
        f"{scale['n']} label-stratified SST-2 dev sentences (seed 0), max length {scale['max_length']}. "
        f"Agreement asked for: |Aua difference| <= {TOLERANCE} and identical skipped sets. "
        "Aua intervals: 95% Wilson."
    )
    md = write_results(
        rows,
        args.out,
        f"attack_crosscheck_{args.scale}" + (f"_n{args.n}" if args.n else ""),
        "Attack recipes vs TextAttack 0.3.11",
        machine(torch.device("cpu")),
        notes,
    )
    print(md.read_text())
    return rows


if __name__ == "__main__":
    main()
