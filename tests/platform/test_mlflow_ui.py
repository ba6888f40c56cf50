"""The MLflow UI over a smoke sweep, checked in a real headless Chromium: the experiment opens on the
runs table (not the GenAI overview) at the URL the sweep prints, showing its trial runs; the runs page
lists them with a metric column, and the compare page opens on them.  Screenshots are kept in
test-artifacts/."""

import json
import re
import shutil
import urllib.parse

import pytest

from cdp_browser import Browser
from sweep_helpers import ROOT
from sweep_helpers import mlflow_server as start_mlflow_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("chromium") is None, reason="Debian's chromium is not installed (.ci/run installs it)"
    ),
]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture()
def mlflow_server(smoke_sweep):
    with start_mlflow_server(smoke_sweep["client"].tracking_uri) as url:
        yield url


EXPAND = "(() => { const e = document.querySelector('button[data-component-id*=runnamecellrenderer]'); if (e) e.click(); return !!e; })()"
MORE = "(() => { const e = [...document.querySelectorAll('button')].find(x => x.textContent.includes('Show more columns')); if (e) e.click(); return !!e; })()"
TICK_AUA = (
    "(() => { const e = [...document.querySelectorAll('label, span, div')].find(x => x.children.length < 3 && "
    "x.textContent.trim() === 'aua' && x.closest('[role=dialog], .du-bois-light-dropdown, [class*=popover], body')); "
    "if (e) e.click(); return !!e; })()"
)
HEADERS = "[...document.querySelectorAll('.ag-header-cell')].map(h => h.textContent.trim()).join('|')"


def test_runs_and_compare_pages_show_the_trials(mlflow_server, smoke_sweep, tmp_path):
    client, parent = smoke_sweep["client"], smoke_sweep["parent"]
    exp = client.get_run(parent).info.experiment_id
    children = client.search_runs([exp], f"tags.mlflow.parentRunId = '{parent}'")
    names = [c.info.run_name for c in children]
    ARTIFACTS.mkdir(exist_ok=True)
    assert client.get_experiment(exp).tags["mlflow.experimentKind"] == "custom_model_development"
    printed = re.search(r"then (http://127\.0\.0\.1:5000/\S+)", smoke_sweep["stdout"]).group(1)
    browser = Browser(tmp_path / "profile", width=2400)
    try:
        # where a person lands with the URL the sweep prints: the runs table of the model-training view
        # (not the GenAI overview MLflow 3.17 opens by default), this sweep's trials listed, no expanding
        browser.goto(printed.replace("http://127.0.0.1:5000", mlflow_server))
        assert browser.wait_for(" && ".join(f"document.body.innerText.includes('{n}')" for n in names)), (
            "the printed URL shows every trial run"
        )
        text = browser.js("document.body.innerText")
        assert "/runs" in browser.js("location.hash") and "Token Usage" not in text and "Sort: aua" in text
        assert "e2e" not in text.split("Run Name", 1)[1], "only the sweep's trials, not other runs"
        browser.screenshot(ARTIFACTS / "mlflow_printed_url.png")
        # the whole experiment (the filter cleared): the parent run, its trials nested under it
        browser.goto(f"{mlflow_server}/#/experiments/{exp}/runs?workflowType=machine_learning&searchFilter=")
        assert browser.wait_for("document.body.innerText.includes('e2e')"), "the sweep's parent run is listed"
        assert browser.js(EXPAND), "the parent run has an expander for its trial runs"
        assert browser.wait_for(" && ".join(f"document.body.innerText.includes('{n}')" for n in names)), (
            "every trial run is listed under the sweep"
        )
        assert browser.js(MORE) and browser.wait_for(TICK_AUA), "the metric can be chosen as a column"
        browser.send("Input.dispatchKeyEvent", type="keyDown", key="Escape", code="Escape", windowsVirtualKeyCode=27)
        assert browser.wait_for(f"{HEADERS}.split('|').includes('aua')"), browser.js(HEADERS)
        browser.screenshot(ARTIFACTS / "mlflow_runs.png")
        ids = json.dumps([c.info.run_id for c in children], separators=(",", ":"))
        browser.goto(
            f"{mlflow_server}/#/compare-runs?runs={urllib.parse.quote(ids)}"
            f"&experiments={urllib.parse.quote(json.dumps([exp]))}"
        )
        text = browser.wait_for(f"document.body.innerText.includes('{names[0]}') && document.body.innerText")
        assert text and all(n in text for n in names), "the compare page lists both trials"
        assert "aua" in text and "head_ratio" in text, "metrics and parameters are compared side by side"
        browser.screenshot(ARTIFACTS / "mlflow_compare.png")
    finally:
        browser.close()
    assert (ARTIFACTS / "mlflow_runs.png").stat().st_size > 10000
