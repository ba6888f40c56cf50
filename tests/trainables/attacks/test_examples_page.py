"""The page of attacked examples: changed words marked on both sides, outcomes, the worst case's
breaking attack, sentence pairs, a cap with a link to the JSONL that holds every example."""

import json

from trainables.attacks.examples_page import render, write_page


def row(index, status, original, swaps=(), **extra):
    return {
        "index": index,
        "status": status,
        "queries": 7,
        "original": original,
        "swaps": [list(s) for s in swaps],
        **extra,
    }


def test_swapped_words_are_marked_and_outcomes_shown(tmp_path):
    rows = [
        row(
            3,
            "succeeded",
            "a gripping, fine film",
            [(1, "gripping", "dull")],
            broken_by="textbugger",
            by_attack={"textfooler": "failed", "textbugger": "succeeded"},
        ),
        row(5, "failed", "dull <b>story</b>"),
        row(8, "skipped", "meh", reason="empty text"),
    ]
    path = tmp_path / "attack.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + '{"index": 9, "sta')  # a cut last line
    page = write_page(path, "Attacked examples")
    text = page.read_text()
    assert page.name == "attack.html" and text.count('<tr class="row ') == 3, "complete rows only"
    assert "a <del>gripping</del>, fine film" in text and "a <ins>dull</ins>, fine film" in text
    assert "succeeded by textbugger" in text and "textfooler: failed" in text
    assert "dull &lt;b&gt;story&lt;/b&gt;" in text, "texts are escaped"
    assert "skipped (empty text)" in text and "succeeded: 1" in text


def test_a_pair_shows_both_texts_and_a_long_run_is_capped_with_a_link():
    pair = row(1, "succeeded", "the cat sat", [(5, "is", "was")], original_pair="a cat is here")
    text = render([pair] * 5, "pairs", "attack.jsonl", cap=2)
    assert text.count('<tr class="row ') == 2
    assert 'the cat sat<div class="pair"></div>a cat <del>is</del> here' in text and "<ins>was</ins>" in text
    assert "Showing the first 2 of 5 examples" in text and '<a href="attack.jsonl">' in text
