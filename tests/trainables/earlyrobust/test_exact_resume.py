"""A trial killed mid fine-tune and restored from its checkpoint continues with the data order, RNG
state and loss curve it would have had uninterrupted (a real tiny trial, no Ray)."""

import shutil

import pytest
import torch
from safetensors.torch import load_file

from trainables.pipeline import FT_WEIGHTS, run_trial

CONFIG = {
    "model": "tiny-bert",
    "dataset": "sst2",
    "train_size": 192,
    "eval_size": 32,
    "batch_size": 32,
    "max_length": 24,
    "lr": 1e-3,
    "ft_lr": 1e-3,
    "adv_steps": 1,
    "search_epochs": 0.5,
    "check_interval": 0.25,
    "conv_window": 2,
    "conv_eps": 1e-6,
    "ft_epochs": 3,
    "attack": "none",
    "attack_n": 16,
}


class Killed(Exception):
    pass


def curve(reports):
    return [(r["ft_epoch"], r["ft_loss"], r["eval_acc"]) for r in reports if r["phase"] == "finetune"]


# adversarial fine-tuning over the first half of its batches only: the restored trial must place the
# adversarial share and its learning-rate schedule where the uninterrupted one did
PARTIAL = {"ft_mode": "pgd", "adv_max_norm": 0.3, "ft_adv_share": 0.5, "ft_adv_at": "first"}


# free carries its perturbation from batch to batch, across the epoch's end too (max_length 8: every
# batch has the same shape, so it is always carried)
FREE = {"ft_mode": "free", "adv_max_norm": 0.3, "adv_steps": 2, "max_length": 8}


@pytest.mark.parametrize("extra", [{}, PARTIAL, FREE], ids=["ce", "pgd-first-half", "free"])
def test_a_restored_trial_continues_exactly(extra, tmp_path):
    config = {**CONFIG, **extra}
    straight = []
    run_trial(config, tmp_path / "a", lambda metrics, folder: straight.append(metrics))
    weights = load_file(str(tmp_path / "a" / FT_WEIGHTS))

    first, snapshot = [], tmp_path / "checkpoint"

    def dies_after_epoch_one(metrics, folder):
        first.append(metrics)
        if metrics["phase"] == "finetune" and metrics["ft_epoch"] == 1:
            shutil.copytree(folder, snapshot)  # what Tune keeps of the trial at its last checkpoint
            raise Killed

    with pytest.raises(Killed):
        run_trial(config, tmp_path / "b", dies_after_epoch_one)
    torch.manual_seed(1234)  # a restored worker's RNG is anything: the checkpoint must restore it
    torch.randn(100)
    rest = []
    run_trial(config, snapshot, lambda metrics, folder: rest.append(metrics))

    assert len(curve(straight)) == 3 and [e for e, _, _ in curve(rest)] == [2, 3], "resumed after epoch 1"
    assert curve(first) + curve(rest) == curve(straight), "the same losses and accuracies, epoch for epoch"
    resumed = load_file(str(snapshot / FT_WEIGHTS))
    assert all(torch.equal(weights[k], resumed[k]) for k in weights), "the same weights at the end"
    assert rest[-1]["clean_acc"] == straight[-1]["clean_acc"]
