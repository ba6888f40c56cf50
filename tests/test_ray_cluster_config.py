"""ray_cluster.yaml passes Ray's own validator (offline) and the project's checks."""

import copy
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from ray.autoscaler._private.util import prepare_config, validate_config

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load((ROOT / "ray_cluster.yaml").read_text())


def test_ray_validates_the_prepared_config(config):
    prepared = prepare_config(copy.deepcopy(config))
    validate_config(prepared)
    assert prepared["head_node_type"] == "head"
    gpus = {name: t["resources"].get("GPU", 0) for name, t in prepared["available_node_types"].items()}
    assert gpus["gpu_1x"] == 1 and gpus["gpu_4x"] == 4 and gpus["head"] == 0
    assert (
        prepared["available_node_types"]["gpu_1x_spot"]["node_config"]["InstanceMarketOptions"]["MarketType"] == "spot"
    )


def test_a_broken_config_is_refused_by_the_validator(config):
    broken = copy.deepcopy(config)
    broken["available_node_types"]["gpu_1x"]["max_workers"] = "many"
    with pytest.raises(jsonschema.ValidationError, match="'many' is not of type 'integer'"):
        validate_config(prepare_config(broken))


def test_project_checks(config):
    assert ":" not in config["cluster_name"], "a colon in the cluster name breaks file mounts (ray #45189)"
    assert all(k.startswith("~/") for k in config["file_mounts"]), "mount paths are ~-relative (ray #17594)"
    commands = "\n".join(
        config["head_start_ray_commands"]
        + config["worker_start_ray_commands"]
        + config["setup_commands"]
        + config["head_setup_commands"]
    )
    head_script = (ROOT / "scripts" / "cluster_head.sh").read_text()
    assert "0.0.0.0" not in commands + head_script, "nothing binds every interface"
    assert "--dashboard-host=127.0.0.1" in commands, "the dashboard stays on the head's loopback"
    assert re.search(r"mlflow server[\s\S]*--host \"\$PRIVATE_IP\"", head_script), "MLflow on the private address"
    assert "postgresql://" in head_script and "sqlite" not in head_script, "a real database backs MLflow and Optuna"
    node_configs = [t["node_config"] for t in config["available_node_types"].values()]
    assert not any("SecurityGroupIds" in n or "NetworkInterfaces" in n for n in node_configs), (
        "Ray's default security group opens only SSH"
    )
    assert config["available_node_types"]["head"]["resources"] == {"CPU": 0}
    # the nodes share no disk: each reaches the S3 storage through an instance profile, not keys
    assert all("IamInstanceProfile" in n for n in node_configs)
    assert "--storage-path s3://" in (ROOT / "ray_cluster.yaml").read_text()
    assert "AWS_SECRET_ACCESS_KEY" not in (ROOT / "ray_cluster.yaml").read_text()
