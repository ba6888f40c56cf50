"""How far into its current phase a trial is, as numbers for its reports: where this process began the
phase (`phase_from`, a position: search epoch, fine-tune epoch, examples attacked) and how many seconds
ago (`phase_s`).  The driver's live table turns them into rates and time left
(`platform/trial_progress.py`); a resumed phase starts from where this process took it up."""

from __future__ import annotations

import time


def duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class PhaseClock:
    def __init__(self):
        self.phase, self.start, self.position = "", time.monotonic(), 0.0

    def begin(self, phase: str, position: float = 0.0, at: float | None = None) -> None:
        """The phase starts at `position` (at the monotonic time `at`, default now)."""
        self.phase, self.position = phase, float(position)
        self.start = time.monotonic() if at is None else at

    def numbers(self, phase: str) -> dict:
        """What a report of `phase` carries of the clock (nothing for a phase it has not begun)."""
        if phase != self.phase:
            return {}
        return {"phase_from": self.position, "phase_s": time.monotonic() - self.start}
