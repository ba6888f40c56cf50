"""`python -m platform.evaluate`: any classifier attacked by the trials' own protocol (one implementation),
per attack and worst case, resumable, logged to MLflow on request, bad input in one line."""
import json

import pandas as pd
import pytest
import torch

from platform.evaluate import main
from trainables.attacks.evaluate import evaluate_robustness
from trainables.config import validate_config


@pytest.fixture(scope="module")
def dense_folder(trained_tiny, tokenizer, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dense")
    trained_tiny[0].save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_a_dense_model_folder_is_attacked_as_a_trial_would_be(dense_folder, trained_tiny, tokenizer, tmp_path, capsys):
    out = tmp_path / "ev"
    args = ["--model", str(dense_folder), "--dataset", "sst2", "--split", "validation", "--attack",
            "textfooler,deepwordbug", "--n", "24", "--max-length", "48", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "deepwordbug" in printed and "(worst case)" in printed and "aua [95% CI]" in printed
    table = pd.read_csv(out / "evaluation.csv")
    assert list(table["attack"]) == ["textfooler", "deepwordbug", "textfooler,deepwordbug"]
    assert (table["n"] == 24).all() and table["aua"].iloc[2] <= table["aua"].iloc[:2].min()
    # the same numbers as the trials' own evaluation on the same sample
    cfg = validate_config({"attack": "textfooler,deepwordbug", "attack_n": 24, "max_length": 48, "seed": 0})
    direct = evaluate_robustness(trained_tiny[0], tokenizer, cfg, "validation", tmp_path / "direct" / "attack.jsonl",
                                 torch.device("cpu"))
    assert table["aua"].iloc[2] == pytest.approx(direct["aua"]) and table["aua"].iloc[0] == pytest.approx(direct["aua_textfooler"])
    rows = [json.loads(line) for line in (out / "attack_textfooler.jsonl").read_text().splitlines()]
    assert len(rows) == 24 and {"original", "perturbed", "status", "queries"} <= set(rows[0])
    # run again: resumed (nothing attacked again, same table); other settings in the same folder: refused
    before = (out / "attack_textfooler.jsonl").stat().st_mtime_ns
    assert main(args) == 0 and (out / "attack_textfooler.jsonl").stat().st_mtime_ns == before
    assert pd.read_csv(out / "evaluation.csv").equals(table)
    capsys.readouterr()
    assert main([*args[:-2], "--seed", "3", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("evaluate: error: --out") and "other settings" in err and len(err.splitlines()) == 1


def test_the_sweeps_champion_by_its_registry_name_logged_to_mlflow(smoke_sweep, tmp_path, monkeypatch):
    client = smoke_sweep["client"]
    monkeypatch.setenv("MLFLOW_TRACKING_URI", client.tracking_uri)
    out = tmp_path / "champ"
    assert main(["--model", "models:/earlyrobust-ticket@champion", "--attack", "textbugger", "--n", "10",
                 "--max-length", "32", "--out", str(out), "--mlflow-uri", client.tracking_uri]) == 0
    exp = client.get_experiment_by_name("earlyrobust-evaluations")
    (run,) = client.search_runs([exp.experiment_id])
    assert run.data.params["model"] == "models:/earlyrobust-ticket@champion" and run.data.metrics["attack_n"] == 10
    assert {"attack.jsonl", "evaluation.md"} <= {f.path for f in client.list_artifacts(run.info.run_id)}
    table = pd.read_csv(out / "evaluation.csv")
    assert list(table["attack"]) == ["textbugger"] and table["aua"][0] == pytest.approx(run.data.metrics["aua"])


@pytest.mark.parametrize("change, message", [
    (["--model", "/no/such/model"], "--model '/no/such/model' cannot be loaded"),
    (["--attack", "hotflip"], "--attack' = 'hotflip' is not allowed"),
    (["--n", "5000"], "--n = 5000 is larger than the split (872 rows)"),
    (["--dataset", "/no/such.csv"], "'dataset' = '/no/such.csv' is unknown"),
    (["--split", "dev"], "argument --split: invalid choice"),
    (["--dataset", "ag_news", "--split", "test"], "--model has 2 classes and the data 4"),
])
def test_bad_input_is_one_line_and_exit_2(change, message, dense_folder, tmp_path, capsys):
    base = {"--model": str(dense_folder), "--split": "validation", "--out": str(tmp_path / "x"), "--n": "8"}
    for flag, value in zip(change[::2], change[1::2]):
        base[flag] = value
    code = main([x for kv in base.items() for x in kv])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and message in err, err
    assert not (tmp_path / "x" / "attack.jsonl").exists(), "nothing half-written"
