"""What a running trial shows in Tune's table: its phase, how far each phase has got, and the time
left, formatted by the driver from every report the trial sends (its positions, and the clock numbers of
`trainables/phase_clock.py`).  Display strings only (never NaN placeholders).

Time left is measured, not guessed: the current phase's rate so far, applied to what is left of it,
plus the fine-tuning still to come at the search's rate per epoch (an upper bound: the ticket is
smaller than the dense model, and the search may stop early).  An attack's duration is unknown until
it starts; until then the estimate ends with "+ attack".  A rate needs a few seconds of a phase
(`MIN_S`); before that the time left reads "measuring", never 0s while work remains.  A trial
recording a shared search shows how far the recording has got; one waiting for another trial's
recording shows for how long it has waited.
"""

from __future__ import annotations

import math

from trainables.phase_clock import duration

MIN_S = 3.0  # seconds of a phase before its rate is trusted


class Progress:
    # the live table's columns (see platform/live_table.py): search "epoch/budget, mask distance",
    # "stop E" (converged) or "budget E" (not), "rec E/B" (recording a shared search), "wait T" (for
    # one); fine-tune "epoch/epochs, eval acc"; attack "done/total"; time left; Aua with its interval
    COLUMNS = {
        "phase": "phase",
        "search": "search",
        "finetune": "tune",
        "attack": "attack",
        "eta": "left",
        "outcome": "aua [95% CI]",
    }

    def __init__(self, cfg: dict):
        self.cfg = cfg
        self.shown = {key: "" for key in self.COLUMNS}
        self.search_rate = math.nan  # seconds per search epoch

    @staticmethod
    def _rate(report: dict, position: float) -> float:
        """Seconds per unit of the phase's position, measured since the trial began the phase."""
        done, seconds = position - report.get("phase_from", 0.0), report.get("phase_s", math.nan)
        if not seconds >= MIN_S or done <= 0:
            return math.nan
        return seconds / done

    def _finetune_left(self, epochs_done: float, rate: float) -> float:
        cfg = self.cfg
        passes = 1 if cfg["ft_mode"] == "ce" else cfg["adv_steps"] + 1
        return (cfg["ft_epochs"] - epochs_done) * rate * passes / (cfg["adv_steps"] + 1)

    def _eta(self, seconds: float, attack_ahead: bool) -> str:
        if not math.isfinite(seconds):
            return "measuring"
        tail = " + attack" if attack_ahead and self.cfg["attack"] != "none" else ""
        return duration(seconds) + tail

    def columns(self, report: dict) -> dict:
        cfg, phase = self.cfg, report.get("phase", "")
        shown = self.shown
        shown["phase"] = phase
        if phase == "search":
            epoch = report["search_epoch"]
            self.search_rate = self._rate(report, epoch)
            distance = report["mask_distance"]  # none at the first check: no earlier mask to compare with
            shown["search"] = f"{epoch:.2f}/{cfg['search_epochs']:g}" + (
                f", {distance:.3f}" if math.isfinite(distance) else ""
            )
            left = (cfg["search_epochs"] - epoch) * self.search_rate
            shown["eta"] = self._eta(left + self._finetune_left(0, self.search_rate), True)
        elif phase == "recording":  # this trial records the search that trials with its settings share
            epoch = report["recording_epoch"]
            rate = self._rate(report, epoch)
            shown["search"] = f"rec {epoch:.2f}/{cfg['search_epochs']:g}"
            shown["eta"] = self._eta((cfg["search_epochs"] - epoch) * rate + self._finetune_left(0, rate), True)
        elif phase == "waiting":  # another trial records the search this one will replay
            shown["search"] = f"wait {duration(report['waited_s'])}"
            shown["eta"] = "after rec."
        elif phase == "searched":
            stop = report.get("search_stop_epoch", 0.0)
            shown["search"] = f"stop {stop:.2f}" if report.get("converged") else f"budget {stop:.2f}"
            shown["eta"] = self._eta(self._finetune_left(0, self.search_rate), True)
        elif phase == "finetune":
            epoch = report["ft_epoch"]
            shown["finetune"] = f"{epoch}/{cfg['ft_epochs']}, {report['eval_acc']:.3f}"
            rate = self._rate(report, epoch)
            shown["eta"] = self._eta((cfg["ft_epochs"] - epoch) * rate, True)
        elif phase == "attack":
            done, total = report["attack_done"], report["attack_total"]
            shown["attack"] = f"{done}/{total}"
            shown["eta"] = self._eta((total - done) * self._rate(report, done), False)
        elif phase == "done":
            shown["eta"] = "done"
            if "aua" in report and math.isfinite(report["aua"]):
                shown["attack"] = shown["attack"] or "done"
                shown["outcome"] = f"{report['aua']:.3f} [{report['aua_ci_low']:.2f}, {report['aua_ci_high']:.2f}]"
            elif "clean_acc" in report and math.isfinite(report["clean_acc"]):
                shown["outcome"] = f"clean {report['clean_acc']:.3f} (no attack)"
        return dict(shown)
