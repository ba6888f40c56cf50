"""The shared-search benchmark at tiny scale: the same trials give the same tickets and metrics with and
without sharing (the script exits 1 otherwise), and the results file says so."""
import pytest

import shared_search

pytestmark = pytest.mark.slow


def test_sharing_changes_nothing_but_the_cost(tmp_path):
    shared_search.main(["--scale", "tiny", "--out", str(tmp_path)])
    text = (tmp_path / "shared_search_tiny.md").read_text()
    assert "identical in both arms" in text
    assert "| shared searches | 4 | 2 |" in text and "| every trial searches | 4 | 4 |" in text
