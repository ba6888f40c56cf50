"""What a person reads in a terminal: the live table fits 120 columns on a one-node run of the default
space (4 searched parameters, realistic cells at their widest), the end table 160 columns with flags as
yes/no and unmeasured values as a dash; the files keep every column."""

import math

from platform import summary
from platform.live_table import render_live

VARIED = ["head_ratio", "ffn_ratio", "conv_eps", "adv_lr"]
CONFIG = {"head_ratio": 0.1667, "ffn_ratio": 0.48607632, "conv_eps": 0.2006914, "adv_lr": 0.0123456}
WIDEST = {
    "phase": "recording",
    "search": "budget 1.00",
    "finetune": "10/10, 0.812",
    "attack": "2616/2616",
    "eta": "59m59s + attack",
    "outcome": "0.125 [0.02, 0.47]",
}


def test_the_live_table_fits_120_columns():
    trials = [
        {"id": "ticket_trainable_5ad6c65c", "status": "RUNNING", "config": CONFIG, "result": WIDEST},
        {"id": "ticket_trainable_1234abcd", "status": "PENDING", "config": CONFIG, "result": {}},
        {
            "id": "ticket_trainable_99999999",
            "status": "RUNNING",
            "config": CONFIG,
            "result": {"phase": "waiting", "search": "wait 12m05s", "eta": "after rec."},
        },
    ]
    text = render_live(trials, VARIED)
    lines = text.splitlines()
    assert max(map(len, lines)) <= 120, "\n" + text
    assert lines[0].split()[:5] == ["trial", "heads", "ffn", "eps", "adv_lr"] and "loc" not in lines[0]
    assert "5ad6c65c" in lines[2] and "0.167" in lines[2] and "0.486" in lines[2] and "0.125 [0.02, 0.47]" in lines[2]
    assert "pending" in lines[3] and "nan" not in text and "wait 12m05s" in lines[4]


def test_the_end_table_fits_160_columns_and_the_files_keep_everything(tmp_path):
    def trial(name, aua, report=math.nan, converged=1.0):
        return {
            "trial": name,
            "status": "done",
            "run_id": "r" + name,
            **CONFIG,
            "eval_acc": 0.81,
            "clean_acc": 0.8,
            "clean_acc_ci_low": 0.76,
            "clean_acc_ci_high": 0.84,
            "aua": aua,
            "aua_ci_low": aua - 0.04,
            "aua_ci_high": aua + 0.04,
            "suc": 0.7,
            "avg_queries": 31.5,
            "attack_n": 400,
            "report_aua": report,
            "report_aua_ci_low": report - 0.04,
            "report_aua_ci_high": report + 0.04,
            "report_attack_n": 400,
            "head_sparsity": 0.1667,
            "ffn_sparsity": 0.48,
            "param_sparsity": 0.41,
            "converged": converged,
            "search_stop_epoch": 0.76,
            "train_flops": 1.6e13,
            "speedup_vs_dense": 3.7,
            **{f"aua_{a}": aua + 0.05 for a in ("textfooler", "textbugger", "bertattack")},
            **{f"aua_ci_low_{a}": aua for a in ("textfooler", "textbugger", "bertattack")},
            **{f"aua_ci_high_{a}": aua + 0.1 for a in ("textfooler", "textbugger", "bertattack")},
        }

    rows = [trial("ec090c47", 0.212, 0.212), trial("2cfe3368", 0.210, converged=0.0), trial("466351c1", 0.182)]
    table = summary.build_table(rows, VARIED, "aua")
    text = summary.render(table, terminal=True, varied=VARIED)
    assert max(map(len, text.splitlines())) <= 160, "\n" + text
    assert " yes" in text and " no" in text and "nan" not in text and "–" in text, "\n" + text
    assert "report aua [95% CI]" in text and "0.212 [0.17, 0.25]" in text
    md, csv = summary.write(table, tmp_path)
    header = csv.read_text().splitlines()[0]
    assert "aua_textbugger" in header and "avg_queries" in header and "train_flops" in header
    assert "aua_bertattack [95% CI]" in md.read_text() and "train_flops" in md.read_text()
