"""The shared-search benchmark at tiny scale: the same trials give the same tickets and metrics with and
without sharing (the script exits 1 otherwise), and the results file says so."""
import pytest

import shared_search

pytestmark = pytest.mark.slow


def test_sharing_changes_nothing_but_the_cost(tmp_path):
    shared_search.main(["--scale", "tiny", "--out", str(tmp_path)])
    text = (tmp_path / "shared_search_tiny.md").read_text()
    assert "identical in both arms" in text
    import re

    ran = re.search(r"\| shared searches \| 4 \| (\d) \|", text)
    assert ran and 2 <= int(ran.group(1)) < 4, "fewer searches than trials (2 settings of adv_steps)"
    assert "| every trial searches | 4 | 4 |" in text
    assert "`sst2-bert-base` (16 trials, 8 at once): no:" in text and "`ticket-sizes` (12 trials, 2 at once): yes:" in text
