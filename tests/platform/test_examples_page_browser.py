"""A trial's page of attacked examples, from the smoke sweep's MLflow run, opened in a real headless
Chromium: one row per attacked example, the changed words marked, the worst case's breaking attack."""

import shutil
from pathlib import Path

import mlflow
import pytest

from cdp_browser import Browser
from sweep_helpers import ROOT, child_runs

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("chromium") is None, reason="Debian's chromium is not installed (.ci/run installs it)"
    ),
]


def test_the_attacked_examples_page_opens_in_a_browser(smoke_sweep, tmp_path):
    client = smoke_sweep["client"]
    run = child_runs(client, smoke_sweep["parent"])[0]
    assert "attack.html" in {f.path for f in client.list_artifacts(run.info.run_id)}, "logged beside the JSONL"
    page = Path(
        mlflow.artifacts.download_artifacts(
            run_id=run.info.run_id,
            artifact_path="attack.html",
            tracking_uri=client.tracking_uri,
            dst_path=str(tmp_path),
        )
    )
    browser = Browser(tmp_path / "profile")
    try:
        browser.goto(page.as_uri(), settle=1.0)
        assert browser.js("document.querySelectorAll('tr.row').length") == 16
        succeeded = browser.js("document.querySelectorAll('tr.row.succeeded').length")
        marked = browser.js(
            "[...document.querySelectorAll('tr.row.succeeded')].filter(r => r.querySelector('ins') "
            "&& r.querySelector('del')).length"
        )
        assert succeeded > 0 and marked == succeeded, "every broken example shows its changed words on both sides"
        assert browser.js("document.body.innerText").count("succeeded by ") == succeeded, "the breaking attack named"
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        browser.screenshot(ROOT / "test-artifacts" / "attacked_examples.png")
    finally:
        browser.close()
