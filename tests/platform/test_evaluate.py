"""`python -m platform.evaluate`: any classifier attacked by the trials' own protocol (one implementation),
per attack and worst case, resumable, logged to MLflow on request, bad input in one line."""

import json
import re

import pandas as pd
import pytest
import torch

from platform.evaluate import main, parser
from sweep_helpers import free_port as closed_port
from trainables.attacks.robustness import evaluate_robustness
from trainables.config import validate_config
from trainables.data.models import load_model, load_tokenizer


@pytest.fixture(scope="module")
def dense_folder(trained_tiny, tokenizer, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dense")
    trained_tiny[0].save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_a_dense_model_folder_is_attacked_as_a_trial_would_be(dense_folder, trained_tiny, tokenizer, tmp_path, capsys):
    out = tmp_path / "ev"
    args = [
        "--model",
        str(dense_folder),
        "--dataset",
        "sst2",
        "--split",
        "validation",
        "--attack",
        "textfooler,deepwordbug",
        "--n",
        "24",
        "--max-length",
        "48",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "deepwordbug" in printed and "(worst case)" in printed and "aua [95% CI]" in printed
    table = pd.read_csv(out / "evaluation.csv")
    assert list(table["attack"]) == ["textfooler", "deepwordbug", "textfooler,deepwordbug"]
    assert (table["n"] == 24).all() and table["aua"].iloc[2] <= table["aua"].iloc[:2].min()
    # the same numbers as the trials' own evaluation on the same sample: the trials' seed unless told
    cfg = validate_config({"attack": "textfooler,deepwordbug", "attack_n": 24, "max_length": 48})
    direct = evaluate_robustness(
        trained_tiny[0], tokenizer, cfg, "validation", tmp_path / "direct" / "attack.jsonl", torch.device("cpu")
    )
    assert table["aua"].iloc[2] == pytest.approx(direct["aua"]) and table["aua"].iloc[0] == pytest.approx(
        direct["aua_textfooler"]
    )
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


@pytest.mark.slow
def test_the_sweeps_champion_by_its_registry_name_logged_to_mlflow(smoke_sweep, tmp_path, monkeypatch):
    client = smoke_sweep["client"]
    monkeypatch.setenv("MLFLOW_TRACKING_URI", client.tracking_uri)
    out = tmp_path / "champ"
    assert (
        main(
            [
                "--model",
                "models:/earlyrobust-ticket@champion",
                "--attack",
                "textbugger",
                "--n",
                "10",
                "--out",
                str(out),
                "--mlflow-uri",
                client.tracking_uri,
            ]
        )
        == 0
    )
    saved = json.loads((out / "evaluation.json").read_text())
    assert saved["max_length"] == 32 and saved["seed"] == 42, "the ticket's own max_length, the trials' seed"
    version = client.get_model_version_by_alias("earlyrobust-ticket", "champion")
    resolved = saved["resolved_model"]
    assert resolved["version"] == str(version.version) and resolved["run_id"] == version.run_id
    assert len(resolved["weights_sha256"]) == 64
    assert not [p for p in out.rglob("*") if p.name == "model.safetensors"], "the model is not downloaded into --out"
    exp = client.get_experiment_by_name("earlyrobust-evaluations")
    (run,) = client.search_runs([exp.experiment_id])
    assert run.data.params["model"] == "models:/earlyrobust-ticket@champion" and run.data.metrics["attack_n"] == 10
    assert run.data.tags["model_version"] == str(version.version) and run.data.tags["model_run_id"] == version.run_id
    assert {"attack.jsonl", "evaluation.md"} <= {f.path for f in client.list_artifacts(run.info.run_id)}
    table = pd.read_csv(out / "evaluation.csv")
    assert list(table["attack"]) == ["textbugger"] and table["aua"][0] == pytest.approx(run.data.metrics["aua"])


def test_an_out_folder_refuses_another_model_under_the_same_name(tmp_path, capsys):
    folder = tmp_path / "model"
    load_model("tiny-bert", 2, seed=0).save_pretrained(folder)
    load_tokenizer("tiny-bert").save_pretrained(folder)
    args = [
        "--model",
        str(folder),
        "--split",
        "validation",
        "--attack",
        "deepwordbug",
        "--n",
        "4",
        "--out",
        str(tmp_path / "ev"),
    ]
    assert main(args) == 0
    saved = json.loads((tmp_path / "ev" / "evaluation.json").read_text())["resolved_model"]
    assert saved["folder"] == str(folder) and len(saved["weights_sha256"]) == 64
    load_model("tiny-bert", 2, seed=1).save_pretrained(folder)  # retrained in place: same path, other weights
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "holds an evaluation of another model" in err, err


def test_a_model_with_other_classes_is_refused_unless_mapped(dense_folder, tmp_path, capsys):
    rte = tmp_path / "rte.csv"  # a three-way file: the two-class model's classes do not match it
    rte.write_text("premise,hypothesis,label\n" + "".join(f"p {i},h {i},{'abc'[i % 3]}\n" for i in range(30)))
    base = ["--model", str(dense_folder), "--dataset", str(rte), "--split", "train", "--attack", "none", "--n", "9"]
    assert main([*base, "--out", str(tmp_path / "a")]) == 2
    assert "--model has 2 classes and the data 3" in capsys.readouterr().err
    assert main([*base, "--out", str(tmp_path / "b"), "--label-map", "0=a,1=c"]) == 0
    assert json.loads((tmp_path / "b" / "evaluation.json").read_text())["label_map"] == [0, 2]
    result = pd.read_csv(tmp_path / "b" / "evaluation.csv")
    assert result["n"][0] == 9 and result["clean_acc"][0] <= 6 / 9, "the data's class b is never predicted"


BAD_DATA = {
    "binary.csv": b"\xff\xfe\x00\x81garbage\x00\xc3\x28",
    "broken.jsonl": b'{"text": "good", "label": 1}\n{"te',
    "broken.json": b'[{"text": "good", "label": 1}, {"text": ',
    "fake.parquet": b"text,label\ngood,1\n",
    "empty.tsv": b"",
    "nolabel.tsv": b"sentence\tstars\ngood\t5\n",
    "data.txt": b"good 1\n",
}


@pytest.mark.parametrize(
    "change, message",
    [
        (["--model", "/no/such/model"], "--model '/no/such/model' cannot be loaded"),
        (
            ["--model", "models:/no-such-model@champion"],
            "--model models:/no-such-model@champion: there is no MLflow store",
        ),
        (
            ["--model", "runs:/0123456789abcdef/ticket"],
            "--model runs:/0123456789abcdef/ticket: there is no MLflow store",
        ),
        (["--attack", "hotflip"], "--attack' = 'hotflip' is not allowed"),
        (["--attack", "embedding_pgd"], "--attack embedding_pgd perturbs embeddings"),
        (["--n", "5000"], "--n = 5000 is larger than the split (872 rows)"),
        (["--n", "-3"], "--n = '-3' is not allowed"),
        (["--n", "abc"], "--n = 'abc' is not allowed"),
        (["--seed", "-1"], "--seed' = -1 is not allowed"),
        (["--seed", "x"], "argument --seed: invalid int value"),
        (["--max-length", "100000"], "--max-length 100000 is not allowed: the model positions 1..128 tokens"),
        (["--max-length", "0"], "--max-length 0 is not allowed"),
        (["--dataset", "/no/such.csv"], "'dataset' = '/no/such.csv' is unknown"),
        (["--dataset", "{binary.csv}"], "cannot be read as csv"),
        (["--dataset", "{broken.jsonl}"], "cannot be read as jsonl"),
        (["--dataset", "{broken.json}"], "cannot be read as json"),
        (["--dataset", "{fake.parquet}"], "cannot be read as parquet"),
        (["--dataset", "{empty.tsv}"], "cannot be read as tsv"),
        (["--dataset", "{nolabel.tsv}"], "has no 'label' column"),
        (["--dataset", "{data.txt}"], "has an unsupported type"),
        (["--data-dir", "/no/such/dir"], "'data_dir' = '/no/such/dir' is not a folder"),
        (["--split", "dev"], "argument --split: invalid choice"),
        (["--dataset", "ag_news", "--split", "test"], "--model has 2 classes and the data 4"),
        (["--label-map", "0=1"], "--label-map leaves model class 'LABEL_1' unmapped"),
        (["--label-map", "0=7,1=0"], "--label-map: data class '7' is not one of 0, 1"),
        (["--label-map", "zero"], "--label-map 'zero' must look like MODEL=DATA"),
        (["--label-map", "0=1,1=0", "--calibrate"], "--calibrate fits T on the model's own classes"),
        (["--out", "{a_file}"], "is a file: give a folder"),
        (["--mlflow-uri", "ftp://host/x"], "--mlflow-uri 'ftp://host/x' is not supported"),
        (["--mlflow-uri", "sqlite:////no/such/dir/m.db"], "does not exist or cannot be written"),
        (["--mlflow-uri", "postgresql+psycopg://u:s3cret@127.0.0.1:{closed}/x"], "nothing answers at 127.0.0.1:"),
        (["--experiment", " "], "--experiment is empty"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(change, message, dense_folder, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.chdir(tmp_path)

    names = {"closed": closed_port(), "a_file": tmp_path / "a_file"}
    names["a_file"].write_text("")
    for name, data in BAD_DATA.items():
        (tmp_path / name).write_bytes(data)
        names[name] = tmp_path / name
    base = {"--model": str(dense_folder), "--split": "validation", "--out": str(tmp_path / "x"), "--n": "8"}
    for flag, value in zip(change[::2], change[1::2] if len(change) > 1 else [None]):
        base[flag] = re.sub(r"\{([^{}]+)\}", lambda m: str(names[m.group(1)]), value) if value is not None else None
    argv = [x for kv in base.items() for x in kv if x is not None]
    if "--calibrate" in change:
        argv.append("--calibrate")
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and message in err, err
    assert err.startswith("evaluate: error: ") and "s3cret" not in err
    assert not (tmp_path / "x").exists(), "nothing written under --out"
    assert not list(tmp_path.glob("*.db")), "no MLflow store made"


def test_the_bad_input_cases_cover_every_flag():
    flags = {a for action in parser()._actions for a in action.option_strings if a.startswith("--")}
    cases = test_bad_input_is_one_line_and_exit_2.pytestmark[0].args[1]
    used = {a for change, _ in cases for a in change if a.startswith("--")}
    assert flags - used <= {"--help"}, flags - used
