"""An attack is one module and one line in ATTACKS: the parameter table, validation, --list-params and
a real tiny trial accept it with nothing else changed."""

import importlib
import json
import sys

from platform.describe import list_params
from trainables.attacks import ATTACKS
from trainables.config import PARAMS, validate_config
from trainables.pipeline import run_trial

MODULE = '''
from trainables.attacks.greedy_search import Attack


class Opposite(Attack):
    """Swap a word for a strongly polar one."""
    name = "opposite"

    def candidates(self, word, rng):
        return ["awful", "superb"]
'''
CONFIG = {
    "model": "tiny-bert",
    "dataset": "sst2",
    "train_size": 128,
    "eval_size": 16,
    "max_length": 24,
    "lr": 1e-3,
    "ft_lr": 1e-3,
    "adv_steps": 1,
    "check_interval": 0.5,
    "conv_window": 1,
    "ft_epochs": 1,
    "attack_n": 8,
}


def test_an_attack_is_one_module_and_one_registry_line(tmp_path, monkeypatch):
    (tmp_path / "opposite_attack.py").write_text(MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "opposite_attack", raising=False)
    opposite_attack = importlib.import_module("opposite_attack")  # written above, by the user's one file
    assert "opposite" not in PARAMS["attack"].allowed()
    monkeypatch.setitem(ATTACKS, "opposite", opposite_attack.Opposite)  # the one registry line
    assert validate_config({"attack": "opposite"})["attack"] == "opposite"
    assert "opposite" in PARAMS["attack"].allowed()
    assert any(line.startswith("attack ") and "opposite" in line for line in list_params().splitlines())
    result = run_trial({**CONFIG, "attack": "opposite"}, tmp_path / "trial")
    assert result["attack_n"] == 8 and 0 <= result["aua"] <= result["clean_acc"] <= 1
    rows = [json.loads(line) for line in (tmp_path / "trial" / "attack.jsonl").read_text().splitlines()]
    assert len(rows) == 8 and any(r["queries"] > 0 for r in rows)
    flipped = [r for r in rows if r["status"] == "succeeded"]
    assert all({"awful", "superb"} & set(r["perturbed"].split()) for r in flipped), flipped[:1]
