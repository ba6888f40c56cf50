"""A two-class file labelled with part of a GLUE label set trains a two-class head, whose ticket loads
and serves its class names (not GLUE's three)."""

import itertools
from types import SimpleNamespace

import pandas as pd
import pytest

from trainables.data.dataset_tables import label_names
from trainables.data.datasets import load_split, num_labels
from trainables.earlyrobust.pruning import load_pruned
from trainables.pipeline import run_trial
from trainables.tune.pyfunc_model import TicketClassifier

NLI = ("entailment", "neutral", "contradiction")


def write_pairs(folder, labels):
    folder.mkdir()
    for split, rows in (("train", 48), ("dev", 12), ("test", 12)):
        lines = [f"premise {i} {split},hypothesis {i},{labels[i % len(labels)]}" for i in range(rows)]
        (folder / f"{split}.csv").write_text("premise,hypothesis,label\n" + "\n".join(lines) + "\n")
    return folder


@pytest.mark.parametrize("labels", [list(c) for c in itertools.combinations(NLI, 2)] + [list(NLI)])
def test_a_subset_of_a_glue_label_set_gives_a_head_of_its_own_size(labels, tmp_path):
    data = write_pairs(tmp_path / "data", labels)
    train = load_split(str(data), "train")
    assert label_names(train) == [n for n in NLI if n in labels], "GLUE's order, only the classes present"
    assert num_labels(str(data), train) == len(labels)
    cfg = {
        "model": "tiny-bert",
        "dataset": str(data),
        "max_length": 32,
        "batch_size": 8,
        "search_epochs": 0.5,
        "check_interval": 0.25,
        "ft_epochs": 1,
        "attack": "none",
        "attack_n": 0,
    }
    run_trial(cfg, tmp_path / "trial")
    folder = tmp_path / "trial" / "final" / "ticket_model"
    model, _ = load_pruned(folder)
    assert model.config.num_labels == len(labels) == model.classifier.out_features
    assert [model.config.id2label[i] for i in range(len(labels))] == label_names(train)
    served = TicketClassifier()
    served.load_context(SimpleNamespace(artifacts={"ticket_model": str(folder)}, model_config={"max_length": 32}))
    out = served.predict(None, pd.DataFrame({"text": ["a premise", "another"], "text_pair": ["a", "b"]}))
    assert set(out["label"]) <= set(labels) and list(out.columns) == ["label"] + [
        f"prob_{k}" for k in range(len(labels))
    ]
