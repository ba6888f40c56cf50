"""A page of attacked examples people can look at: original and perturbed text side by side, the
changed words marked, each example's outcome and queries (and, for an attack list, each attack's
outcome and which one broke it), written beside the attack's JSONL and capped for size."""

from __future__ import annotations

import html
from pathlib import Path

from trainables.attacks.attack_runs import read_rows
from trainables.attacks.text import PairText, SplitText

CAP = 300  # examples shown; the JSONL holds every one
STYLE = """body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4em;vertical-align:top;text-align:left}
th{background:#f4f4f4}del{background:#fdd;text-decoration:line-through}ins{background:#cfc;text-decoration:none}
td.succeeded{color:#b00}td.failed{color:#070}td.skipped{color:#777}td.by{white-space:nowrap;font-size:12px}.pair{color:#555;border-top:1px dashed #ccc;margin-top:.3em}
.summary span{margin-right:1.5em}"""


def _marked(original: str, pair: str | None, swaps: list, tag: str, new: bool) -> str:
    """The text (and its pair) with the swapped words marked: the old words as `tag`, or the new ones."""
    text = SplitText.of(original) if pair is None else PairText.of(original, pair).joint
    changed = {pos: (old, word) for pos, old, word in swaps}
    words = [
        f"<{tag}>{html.escape(changed[i][1] if new else w)}</{tag}>" if i in changed else html.escape(w)
        for i, w in enumerate(text.words)
    ]
    body = "".join(html.escape(s) + w for s, w in zip(text.seps, words)) + html.escape(text.seps[-1])
    return body.replace("\n", '<div class="pair"></div>', 1) if pair is not None else body


def render(rows: list[dict], title: str, jsonl_name: str, cap: int = CAP) -> str:
    counts = {s: sum(r["status"] == s for r in rows) for s in ("succeeded", "failed", "skipped")}
    attacks = sorted({a for r in rows for a in (r.get("by_attack") or {})})
    head = (
        "<tr><th>#</th><th>row</th><th>outcome</th><th>queries</th>"
        + ("<th>by attack</th>" if attacks else "")
        + "<th>original</th><th>perturbed</th></tr>"
    )
    lines = []
    for k, r in enumerate(rows[:cap], 1):
        status, swaps = r["status"], r.get("swaps") or []
        original, pair = r.get("original", ""), r.get("original_pair")
        outcome = status + (f" by {r['broken_by']}" if r.get("broken_by") else "")
        if r.get("reason"):
            outcome += f" ({r['reason']})"
        by = "".join(f"{html.escape(a)}: {html.escape(s)}<br>" for a, s in (r.get("by_attack") or {}).items())
        lines.append(
            f'<tr class="row {status}"><td>{k}</td><td>{r["index"]}</td><td class="{status}">'
            f"{html.escape(outcome)}</td><td>{r.get('queries', 0)}</td>"
            + (f'<td class="by">{by}</td>' if attacks else "")
            + f"<td>{_marked(original, pair, swaps, 'del', False)}</td>"
            f"<td>{_marked(original, pair, swaps, 'ins', True)}</td></tr>"
        )
    more = (
        f'<p class="more">Showing the first {cap} of {len(rows)} examples; every one is in '
        f'<a href="{html.escape(jsonl_name)}">{html.escape(jsonl_name)}</a>.</p>'
        if len(rows) > cap
        else ""
    )
    summary = "".join(f"<span>{name}: {n}</span>" for name, n in counts.items())
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f'<p class="summary">{summary}<span>examples: {len(rows)}</span></p>{more}'
        f"<table><thead>{head}</thead><tbody>{''.join(lines)}</tbody></table>{more}</body></html>"
    )


def write_page(jsonl: Path, title: str, cap: int = CAP) -> Path:
    """`<jsonl stem>.html` beside the JSONL: its complete rows, the first `cap` of them shown."""
    jsonl = Path(jsonl)
    page = jsonl.with_suffix(".html")
    page.write_text(render(read_rows(jsonl), title, jsonl.name, cap), encoding="utf-8")
    return page
