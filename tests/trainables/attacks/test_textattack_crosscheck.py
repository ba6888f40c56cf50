"""Cross-check our character attack against TextAttack's DeepWordBug recipe (the library the paper
used) on the same model and examples.  Optional: skipped unless TextAttack can be imported.

TextAttack cannot be installed beside transformers v5 with its dependencies; to run this check:
    pip install --no-deps --target /tmp/tasite textattack editdistance lemminflect lru-dict nltk \
        terminaltables word2number num2words more-itertools pinyin jieba OpenHowNet Levenshtein \
        language_tool_python rapidfuzz docopt langdetect anytree psutil toml bert-score
    PYTHONPATH=/tmp/tasite pytest tests/trainables/attacks/test_textattack_crosscheck.py -s
(a stub `flair` module and an NLTK stopwords file are made by the test itself).
"""
import importlib
import os
import sys

import pytest

from trainables.attacks import make_attack
from trainables.attacks.base import STOPWORDS
from trainables.attacks.metrics import summarize
from trainables.attacks.victim import Victim
from trainables.data.models import load_tokenizer

FLAIR_STUB = {"__init__.py": "from . import data, models\n",
              "data.py": "class Sentence:\n    pass\n\n\nclass Tokenizer:\n    pass\n",
              "models.py": "class SequenceTagger:\n    pass\n\n\nclass TextClassifier:\n    pass\n"}


@pytest.fixture(scope="module")
def textattack(tmp_path_factory):
    if importlib.util.find_spec("textattack") is None:
        pytest.skip("TextAttack is not installed (optional; see this file's docstring to run the cross-check)")
    root = tmp_path_factory.mktemp("ta")
    if importlib.util.find_spec("flair") is None:  # TextAttack imports flair unconditionally
        (root / "flair").mkdir()
        for name, text in FLAIR_STUB.items():
            (root / "flair" / name).write_text(text)
        sys.path.insert(0, str(root))
    stop = root / "nltk_data" / "corpora" / "stopwords"
    stop.mkdir(parents=True)
    (stop / "english").write_text("\n".join(sorted(w for w in STOPWORDS if "'" not in w)) + "\n")
    os.environ["NLTK_DATA"] = str(root / "nltk_data")
    return importlib.import_module("textattack")


def test_our_character_attack_is_comparable_to_deepwordbug(textattack, trained_tiny, tokenizer, sst2_dev):
    from textattack import AttackArgs, Attacker
    from textattack.attack_recipes import DeepWordBugGao2018
    from textattack.attack_results import FailedAttackResult, SkippedAttackResult
    from textattack.datasets import Dataset
    from textattack.models.wrappers import HuggingFaceModelWrapper

    model, _ = trained_tiny
    n = 40
    texts, labels = list(sst2_dev["text"])[:n], list(sst2_dev["label"])[:n]
    padded = load_tokenizer("tiny-bert")  # TextAttack pads to model_max_length: keep it within 128 positions
    padded.model_max_length = 128
    recipe = DeepWordBugGao2018.build(HuggingFaceModelWrapper(model, padded))
    args = AttackArgs(num_examples=n, disable_stdout=True, silent=True, random_seed=0, query_budget=2000)
    theirs = Attacker(recipe, Dataset(list(zip(texts, labels))), args).attack_dataset()
    their_status = ["skipped" if isinstance(r, SkippedAttackResult) else
                    "failed" if isinstance(r, FailedAttackResult) else "succeeded" for r in theirs]
    their = summarize(their_status, [r.num_queries for r in theirs])
    victim = Victim(model, tokenizer, max_length=128)
    ours_attack = make_attack("charbug", max_change=1.0, query_budget=2000, seed=0)  # DeepWordBug has no word cap
    ours = [ours_attack.attack(victim, t, y, index=i) for i, (t, y) in enumerate(zip(texts, labels))]
    our = summarize([r.status for r in ours], [r.queries for r in ours])
    print(f"\nDeepWordBug (TextAttack {getattr(textattack, '__version__', '0.3.x')}): {their}\nours (charbug): {our}")
    assert their["clean_acc"] == pytest.approx(our["clean_acc"], abs=0.05), "same model, same skipped examples"
    assert abs(their["aua"] - our["aua"]) <= 0.15
    assert our["suc"] > 0 and their["suc"] > 0
