"""Build `trainables/attacks/data/wordnet_pos.json`: the WordNet parts of speech of every word in
the counter-fitted substitution table, for TextFooler's part-of-speech constraint offline.

Reads Debian's WordNet 3.0 (`apt-get install wordnet-base`: /usr/share/wordnet/index.* and *.exc) and
applies WordNet's morphology (morphy(7WN): the exception lists, then the suffix-detachment rules), so
that inflected forms ("films", "loved") get their base form's parts of speech.  Classes: n (noun),
v (verb), a (adjective, satellites included), r (adverb).  WordNet 3.0 licence (Princeton, BSD-style):
see /usr/share/doc/wordnet-base/copyright.

    python scripts/build_wordnet_pos.py [--wordnet /usr/share/wordnet] [--synonyms FILE]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
# morphy(7WN) detachment rules: (suffix, ending) per part of speech
RULES = {
    "n": [
        ("s", ""),
        ("ses", "s"),
        ("xes", "x"),
        ("zes", "z"),
        ("ches", "ch"),
        ("shes", "sh"),
        ("men", "man"),
        ("ies", "y"),
    ],
    "v": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
    "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
    "r": [],
}


def read_index(path: Path) -> set[str]:
    return {
        line.split(" ", 1)[0]
        for line in path.read_text(encoding="latin-1").splitlines()
        if line and not line.startswith(" ")
    }


def read_exceptions(path: Path) -> dict[str, list[str]]:
    out = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            out[parts[0]] = parts[1:]
    return out


def parts_of_speech(word: str, index: dict, exceptions: dict) -> str:
    found = ""
    for pos in FILES:
        bases = [word, *exceptions[pos].get(word, [])]
        bases += [word[: -len(s)] + e for s, e in RULES[pos] if word.endswith(s) and len(word) > len(s)]
        if any(b in index[pos] for b in bases):
            found += pos
    return found


def build(wordnet: Path, synonyms: Path) -> dict[str, str]:
    index = {pos: read_index(wordnet / f"index.{name}") for pos, name in FILES.items()}
    exceptions = {pos: read_exceptions(wordnet / f"{name}.exc") for pos, name in FILES.items()}
    table = json.loads(synonyms.read_text())
    vocab = sorted(set(table) | {w for subs in table.values() for w in subs})
    return {w: pos for w in vocab if (pos := parts_of_speech(w.lower(), index, exceptions))}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    p.add_argument("--synonyms", type=Path, default=ROOT.parent / "shared/data/synonyms/counterfitted_neighbors.json")
    p.add_argument("--out", type=Path, default=ROOT / "trainables/attacks/data/wordnet_pos.json")
    args = p.parse_args()
    if not (args.wordnet / "index.noun").is_file():
        raise SystemExit(f"build_wordnet_pos: no WordNet in {args.wordnet}: apt-get install wordnet-base")
    lexicon = build(args.wordnet, args.synonyms)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(lexicon, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"{len(lexicon)} words with a WordNet part of speech -> {args.out}")


if __name__ == "__main__":
    main()
