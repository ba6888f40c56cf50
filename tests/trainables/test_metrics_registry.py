"""A metric is one line in `trainables/metric_registry.py`: Tune's reports, MLflow logging, the summary table,
`platform.compare`, the registered version's tags and the attack evaluation all find it there."""

import math

import pytest
from mlflow.tracking import MlflowClient

from platform import summary, sweep_tracking
from platform.compare import load_rows
from trainables import metric_registry
from trainables.metric_registry import Metric
from trainables.tune.tune_reports import complete, logged


@pytest.fixture()
def with_new_metric(monkeypatch):
    new = Metric("robust_margin", "mean probability margin under attack", "higher", summary=True, tag=True)
    monkeypatch.setattr(metric_registry, "REGISTRY", [*metric_registry.REGISTRY, new])
    return new


def test_a_metric_added_in_one_place_is_in_every_view(with_new_metric, tmp_path):
    assert math.isnan(complete({})["robust_margin"]), "Tune: every report carries it"
    assert complete({"robust_margin": 0.3})["robust_margin"] == 0.3
    assert logged("robust_margin") and not logged("not_a_metric"), "MLflow logs it"
    assert "robust_margin" in metric_registry.summary_columns()
    row = {
        "trial": "t1",
        "status": "done",
        "run_id": "r1",
        "aua": 0.4,
        "aua_ci_low": 0.3,
        "aua_ci_high": 0.5,
        "train_flops": 1.0,
        "param_sparsity": 0.3,
        "robust_margin": 0.25,
    }
    table = summary.build_table([row], [], "aua")
    assert table["robust_margin"].tolist() == [0.25] and "robust_margin" in summary.render(table)
    assert sweep_tracking.version_tags(row)["robust_margin"] == "0.25", "a tag of the registered version"
    # platform.compare reads it back from MLflow
    client = MlflowClient(f"sqlite:///{tmp_path / 'm.db'}")
    exp = client.create_experiment("e", artifact_location=str(tmp_path / "a"))
    parent = client.create_run(exp)
    child = client.create_run(exp, tags={"mlflow.parentRunId": parent.info.run_id, "ray_trial_id": "t1"})
    client.log_metric(child.info.run_id, "robust_margin", 0.25)
    client.log_param(child.info.run_id, "head_ratio", "0.2")
    client.set_terminated(child.info.run_id)
    rows, _, _ = load_rows(client, client.get_run(parent.info.run_id), tmp_path / "out")
    assert rows[0]["robust_margin"] == 0.25


def test_every_metric_says_what_it_means_and_which_way_is_better():
    for m in metric_registry.REGISTRY:
        assert m.meaning and m.better in ("higher", "lower", ""), m
    assert metric_registry.get("aua").better == "higher" and metric_registry.get("train_flops").better == "lower"
    assert metric_registry.get("aua_ci_low").name == "aua", "interval bounds belong to their metric"
    assert metric_registry.names(attack=True) == (
        "clean_acc",
        "clean_acc_ci_low",
        "clean_acc_ci_high",
        "aua",
        "aua_ci_low",
        "aua_ci_high",
        "suc",
        "avg_queries",
        "attack_n",
    )
    assert len(set(metric_registry.names())) == len(metric_registry.names()), "names are unique"
