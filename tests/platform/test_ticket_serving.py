"""The registered champion stands alone: it loads in an interpreter that cannot import this project and
predicts what the project's own loader predicts; `mlflow models serve` answers HTTP requests with it."""

from pathlib import Path

import mlflow
import pytest

from serving_helpers import TEXTS, URI, assert_same, expected, isolated_predictions, serve_records

pytestmark = pytest.mark.slow


def test_champion_loads_where_the_project_cannot_be_imported(smoke_sweep, tmp_path):
    client = smoke_sweep["client"]
    assert_same(isolated_predictions(client, tmp_path), expected(client))
    mlmodel = (Path(mlflow.artifacts.download_artifacts(URI)) / "MLmodel").read_text()
    requirements = (Path(mlflow.artifacts.download_artifacts(URI)) / "requirements.txt").read_text().split()
    assert "max_length: 32" in mlmodel and '"name": "prob_1"' in mlmodel and "input_example.json" in mlmodel
    assert not [r for r in requirements if "earlyrobust" in r] and any(
        r.startswith("transformers==") for r in requirements
    )


def test_champion_serves_over_http(smoke_sweep, tmp_path):
    client = smoke_sweep["client"]
    answer = serve_records(client.tracking_uri, [{"text": t} for t in TEXTS], tmp_path)
    assert_same(answer, expected(client))
