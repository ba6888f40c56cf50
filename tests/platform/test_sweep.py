"""`python -m platform.sweep` end to end on the smoke space, read back from MLflow; the outcomes a trial can have."""

import json
from pathlib import Path

import mlflow
import optuna
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from platform.summary import ties
from sweep_helpers import ROOT, child_runs, short_dir, sweep, sweep_state  # noqa: F401

pytestmark = pytest.mark.slow


def test_smoke_sweep_end_to_end(smoke_sweep):
    folder, client, parent = smoke_sweep["folder"], smoke_sweep["client"], smoke_sweep["parent"]
    assert "champion: trial" in smoke_sweep["stdout"] and "mlflow ui --backend-store-uri" in smoke_sweep["stdout"]
    runs = child_runs(client, parent)
    assert len(runs) == 2 and len({r.data.tags["ray_trial_id"] for r in runs}) == 2
    for run in runs:
        assert run.info.status == "FINISHED"
        metrics = run.data.metrics
        for name in (
            "clean_acc",
            "aua",
            "suc",
            "avg_queries",
            "head_sparsity",
            "ffn_sparsity",
            "search_stop_epoch",
            "mask_distance",
            "train_flops",
            "train_seconds",
            "speedup_vs_dense",
            "aua_ci_low",
            "aua_ci_high",
        ):
            assert name in metrics, name
        assert 0 <= metrics["aua"] <= metrics["clean_acc"] <= 1
        assert metrics["aua_ci_low"] <= metrics["aua"] <= metrics["aua_ci_high"] and metrics["attack_n"] == 16
        for attack in ("textfooler", "textbugger", "bertattack"):  # each attack's own numbers; aua the worst case
            assert metrics["aua"] <= metrics[f"aua_{attack}"] <= metrics["clean_acc"]
            assert metrics[f"aua_ci_low_{attack}"] <= metrics[f"aua_{attack}"] <= metrics[f"aua_ci_high_{attack}"]
            assert f"suc_{attack}" in metrics and f"avg_queries_{attack}" in metrics
        artifacts = {f.path for f in client.list_artifacts(run.info.run_id)}
        assert {
            "attack.jsonl",
            "attack_textfooler.jsonl",
            "attack_textbugger.jsonl",
            "attack_bertattack.jsonl",
        } <= artifacts
        assert run.data.tags["robust_bits"].count(":") == 2
        history = client.get_metric_history(run.info.run_id, "mask_distance")
        assert len(history) >= 3, "mask distance is logged at every convergence check"
        ticket = json.loads(
            Path(
                mlflow.artifacts.download_artifacts(
                    run_id=run.info.run_id, artifact_path="ticket.json", tracking_uri=client.tracking_uri
                )
            ).read_text()
        )
        head_ratio, ffn_ratio = float(run.data.params["head_ratio"]), float(run.data.params["ffn_ratio"])
        assert sum(map(len, ticket["heads"])) == 8 - round(head_ratio * 8)
        assert sum(map(len, ticket["neurons"])) == 128 - round(ffn_ratio * 128)
        assert metrics["head_sparsity"] == pytest.approx(round(head_ratio * 8) / 8)
    mlflow.set_tracking_uri(client.tracking_uri)
    version = client.get_model_version_by_alias("earlyrobust-ticket", "champion")
    model = mlflow.pyfunc.load_model("models:/earlyrobust-ticket@champion")
    out = model.predict(pd.DataFrame({"text": ["a wonderful , moving film", "a dull mess"]}))
    assert list(out.columns) == ["label", "prob_0", "prob_1"] and len(out) == 2
    assert ((out["prob_0"] + out["prob_1"] - 1).abs() < 1e-5).all()
    # the champion rule: the sparsest trial that ties with the best one, paired on the same 16 sentences

    def as_row(r):
        return {**r.data.metrics, "robust_bits": r.data.tags["robust_bits"]}

    best = max(runs, key=lambda r: r.data.metrics["aua"])
    tied = [r for r in runs if r is best or ties(as_row(r), as_row(best))]
    champion = max(tied, key=lambda r: (r.data.metrics["param_sparsity"], r.data.metrics["aua"]))
    assert client.get_run(parent).data.tags["champion_run_id"] == champion.info.run_id
    assert int(version.version) == 1
    # the champion and the front were attacked once more on the held-out test split, reported apart
    reported = {best.info.run_id, champion.info.run_id}
    for run in child_runs(client, parent):
        m = run.data.metrics
        if run.info.run_id in reported:
            assert run.data.tags["report_split"] == "test" and m["report_attack_n"] == 16
            assert m["report_aua_ci_low"] <= m["report_aua"] <= m["report_aua_ci_high"]
            assert m["report_aua"] <= min(m[f"report_aua_{a}"] for a in ("textfooler", "textbugger", "bertattack"))
    for run in child_runs(client, parent):  # only the trials reported on log a full model
        assert ("ticket_model_uri" in run.data.tags) == (run.info.run_id in reported)
    # a finished trial keeps one checkpoint: its ticket and results, no resume state
    for trial in [d for d in (folder / "s" / "e2e").iterdir() if d.is_dir() and d.name != "searches"]:
        checkpoints = list(trial.glob("checkpoint_*"))
        assert len(checkpoints) == 1 and (checkpoints[0] / "ticket_model" / "model.safetensors").is_file()
        assert not list(trial.rglob("optimizer.safetensors")) and not list(trial.rglob("finetuned.safetensors"))
    tags = version.tags
    assert tags["selection_split"] == "validation" and tags["report_split"] == "test"
    assert float(tags["selection_aua"]) == pytest.approx(champion.data.metrics["aua"], abs=1e-3)
    assert "report_aua" in tags and "report aua" in version.description
    assert "selection_aua_textbugger" in tags and "report_aua_bertattack" in tags
    assert "report_aua [95% CI]" in (folder / "s" / "e2e" / "summary.md").read_text()
    assert "aua_textfooler [95% CI]" in (folder / "s" / "e2e" / "summary.md").read_text()
    assert "suc_textbugger" in pd.read_csv(folder / "s" / "e2e" / "summary.csv").columns
    assert (folder / "s" / "ray_tmp").is_dir(), "Ray's temp folder stays under the storage path"
    assert (folder / "s" / "e2e" / "summary.md").read_text().count("done") == 2


def test_one_study_holds_a_finished_an_asha_stopped_and_a_diverged_trial(tmp_path):
    """Three trials one after another, whose fine-tuning learning rate decides their outcome: 1e30 diverges,
    0.002 learns and sets ASHA's first rung, 1e-9 cannot learn and is stopped there (Optuna's seed 2 draws
    them in that order)."""
    space = tmp_path / "outcomes.yaml"
    smoke = (ROOT / "search_spaces" / "smoke.yaml").read_text().split("search:")[0]
    smoke = smoke.replace("  ft_lr: 0.002\n", "")
    space.write_text(
        smoke + "  search_epochs: 0.5\n  ft_epochs: 2\nsearch:\n  ft_lr: {choice: [0.002, 1.0e-9, 1.0e30]}\n"
        "sweep:\n  num_samples: 3\n  max_concurrent: 1\n"
    )
    folder = short_dir()
    study_db = f"sqlite:///{folder / 'optuna.db'}"
    done = sweep(
        [
            "--space",
            str(space),
            "--name",
            "outcomes",
            "--scheduler",
            "asha",
            "--seed",
            "2",
            "--optuna-storage",
            study_db,
        ],
        folder,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    parent = client.get_run(sweep_state(folder, "outcomes")["parent_run_id"])
    runs = sorted(child_runs(client, parent.info.run_id), key=lambda r: r.info.start_time)
    assert [float(r.data.params["ft_lr"]) for r in runs] == [1e30, 0.002, 1e-9], "the seed's order"
    diverged, finished, stopped = runs
    assert diverged.info.status == "FAILED" and diverged.data.tags["status"] == "diverged"
    assert "training diverged" in diverged.data.tags["failure"]
    assert diverged.data.tags["attempts"] == "1", "a diverged trial is not retried"
    assert finished.info.status == "FINISHED" and "aua" in finished.data.metrics
    # stopped by ASHA at its first rung: it got one fine-tune epoch, weaker than the finished trial's first
    assert stopped.info.status == "KILLED" and "aua" not in stopped.data.metrics
    first = [m.value for m in client.get_metric_history(finished.info.run_id, "eval_acc")][0]
    assert [m.value for m in client.get_metric_history(stopped.info.run_id, "ft_epoch")] == [1]
    assert stopped.data.metrics["eval_acc"] < first

    states = [t.state.name for t in optuna.load_study(study_name="outcomes", storage=study_db).trials]
    assert states == ["FAIL", "COMPLETE", "PRUNED"], "Optuna is told how each trial ended; none left RUNNING"
    assert parent.info.status == "FINISHED", "a trial stopped by ASHA or diverged is a normal outcome"
    summary_md = (folder / "s" / "outcomes" / "summary.md").read_text()
    assert (
        summary_md.count(" diverged ") == 1 and summary_md.count(" stopped ") == 1 and summary_md.count(" done ") == 1
    )


def test_a_sweep_that_attacks_nothing_registers_a_champion_on_clean_accuracy():
    folder = short_dir()
    done = sweep(["--space", "smoke", "--name", "clean", "--set", "attack=none", "--set", "ft_epochs=1"], folder)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "selection clean_acc" in done.stdout and "no trial finished" not in done.stderr
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    parent = client.get_run(sweep_state(folder, "clean")["parent_run_id"])
    assert parent.info.status == "FINISHED" and parent.data.tags["selection_metric"] == "clean_acc"
    runs = child_runs(client, parent.info.run_id)
    for run in runs:
        m = run.data.metrics
        assert "aua" not in m and m["attack_n"] == 16, "clean accuracy on the selection sample, nothing attacked"
        assert m["clean_acc_ci_low"] <= m["clean_acc"] <= m["clean_acc_ci_high"]
    version = client.get_model_version_by_alias("earlyrobust-ticket", "champion")
    best = max(runs, key=lambda r: r.data.metrics["clean_acc"])
    tied = [r for r in runs if r.data.metrics["clean_acc_ci_high"] >= best.data.metrics["clean_acc_ci_low"]]
    sparsest = max(tied, key=lambda r: (r.data.metrics["param_sparsity"], r.data.metrics["clean_acc"]))
    assert version.run_id == sparsest.info.run_id, "the documented rule, applied to clean accuracy"
    assert float(version.tags["selection_clean_acc"]) == pytest.approx(sparsest.data.metrics["clean_acc"], abs=1e-3)
    assert "report_clean_acc" in version.tags and "report clean_acc" in version.description


def test_the_dense_baseline_trainable_runs_and_registers_like_a_ticket(tmp_path):
    space = tmp_path / "dense.yaml"
    smoke = (ROOT / "search_spaces" / "smoke.yaml").read_text().split("search:")[0]
    space.write_text(
        smoke + "  ft_mode: freelb\n  head_ratio: 0.0\n  ffn_ratio: 0.0\nsweep:\n  num_samples: 1\n  trainable: dense\n"
    )
    folder = short_dir()
    # the dense reference at the trial's own K (2 in smoke): dense FreeLB against itself
    done = sweep(
        ["--space", str(space), "--name", "dense", "--set", "ft_epochs=1", "--set", "dense_ref_steps=2"], folder
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "champion: trial" in done.stdout, "a space with everything fixed runs without Optuna"
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    (run,) = child_runs(client, sweep_state(folder, "dense")["parent_run_id"])
    m = run.data.metrics
    assert m["head_sparsity"] == 0 and m["param_sparsity"] == 0
    assert m["speedup_vs_dense"] == pytest.approx(1.0), "dense FreeLB against itself"
    assert "search_stop_epoch" in m and m["search_stop_epoch"] == 0
    mlflow.set_tracking_uri(client.tracking_uri)
    out = mlflow.pyfunc.load_model("models:/earlyrobust-ticket@champion").predict(pd.DataFrame({"text": ["fine"]}))
    assert len(out) == 1


def test_a_sweep_in_which_every_trial_diverges_registers_nothing_and_exits_1():
    folder = short_dir()
    done = sweep(
        ["--space", "smoke", "--name", "nan", "--num-samples", "1", "--set", "lr=1e30", "--set", "search_epochs=0.25"],
        folder,
    )
    assert done.returncode == 1, done.stderr[-3000:]
    assert "no trial finished with a model" in done.stderr
    assert (folder / "s" / "nan" / "summary.md").read_text().count("diverged") == 1


def test_the_cheapest_way_to_a_dense_reference_trained_first_then_reused(tmp_path):
    space = tmp_path / "cheap.yaml"
    smoke = (ROOT / "search_spaces" / "smoke.yaml").read_text().split("search:")[0]
    space.write_text(
        smoke + "  adv_max_norm: 0.3\n  ft_epochs: 1\nsearch:\n  ft_mode: {choice: [ce, fgsm]}\n"
        "sweep:\n  num_samples: 2\n  objective: cost\n  target: dense_pgd\n"
    )
    folder = short_dir()
    study_db = f"sqlite:///{folder / 'optuna.db'}"
    done = sweep(["--space", str(space), "--name", "cheap", "--optuna-storage", study_db], folder)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert "target: training the reference dense_pgd first" in done.stdout
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    parent = client.get_run(sweep_state(folder, "cheap")["parent_run_id"])
    children = child_runs(client, parent.info.run_id)
    (reference,) = [r for r in children if "role" in r.data.tags]
    trials = [r for r in children if "role" not in r.data.tags]
    assert reference.data.params["ft_mode"] == "pgd" and "reference_key" in reference.data.tags
    assert parent.data.metrics["target_aua"] == pytest.approx(reference.data.metrics["aua"])
    assert len(trials) == 2 and all("reached_target" in r.data.metrics for r in trials)
    reached = [r for r in trials if r.data.metrics["reached_target"] == 1.0]

    study = optuna.load_study(study_name="cheap", storage=study_db)
    assert all(len(t.system_attrs["constraints"]) == 1 for t in study.trials), "Optuna saw each trial's margin"
    if reached:  # the champion: the cheapest trial that reached the target
        cheapest = min(reached, key=lambda r: r.data.metrics["train_flops"])
        assert parent.data.tags["champion_run_id"] == cheapest.info.run_id and done.returncode == 0
        assert "the cheapest finished trial" in (folder / "s" / "cheap" / "summary.md").read_text()
    else:
        assert done.returncode == 1 and "no trial reached the target" in done.stderr
    again = sweep(["--space", str(space), "--name", "cheap2", "--num-samples", "1"], folder)
    assert again.returncode in (0, 1), again.stderr[-3000:]
    assert f"reused from MLflow run {reference.info.run_id}" in again.stdout, "an identical reference is not retrained"
