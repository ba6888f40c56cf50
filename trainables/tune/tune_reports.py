"""What Tune sees of the metric registry (`trainables/metric_registry.py`): every report carries every metric
(NaN until known), because Tune checks that the searcher's and scheduler's metrics are in every
result; which reported values are per-attack metrics, and which MLflow logs."""

from __future__ import annotations

from trainables.attacks import ATTACKS
from trainables.metric_registry import get, names


def per_attack(name: str) -> tuple[str, str] | None:
    """(metric, attack) for a per-attack metric of an attack list (`aua_textbugger`; `report_aua_textbugger`
    gives `report_aua`), else None."""
    each = names(each_attack=True)
    prefix = "report_" if name.startswith("report_") else ""
    bare = name[len(prefix) :]
    for attack in ATTACKS:
        if bare.endswith("_" + attack) and bare[: -len(attack) - 1] in each:
            return prefix + bare[: -len(attack) - 1], attack
    return None


def attack_columns(rows: list[dict]) -> list[str]:
    """The per-attack metrics the rows hold, grouped by attack in the order of the attack list."""
    keys = {k for r in rows for k in r if per_attack(k)}

    return [k for attack in ATTACKS for k in sorted(keys) if per_attack(k)[1] == attack]


def logged(name: str) -> bool:
    """Whether a reported value is a metric MLflow logs (the registry's, or one attack's of a list)."""
    return get(name) is not None or per_attack(name) is not None


def complete(report: dict) -> dict:
    """The report with every metric Tune expects (NaN until known).  `ft_epoch`, ASHA's clock, is 0
    until the first fine-tune epoch ends: Ray's ASHA files a report whose clock is NaN at its next rung
    (NaN passes every "below this rung?" test), which would fill every rung before fine-tuning starts."""
    out = {name: float("nan") for name in names(curve=False)}
    out["ft_epoch"] = 0.0
    out.update({k: v for k, v in report.items() if isinstance(v, (int, float, str))})
    out.setdefault("phase", "")
    return out
