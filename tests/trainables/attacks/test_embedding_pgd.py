"""Embedding-space PGD robust accuracy is below clean accuracy on a trained model."""

import torch

from trainables.attacks.embedding_pgd import robust_accuracy
from trainables.data.batching import make_loader


def test_robust_accuracy_is_below_clean(trained_tiny, tokenizer, sst2_dev):
    model, acc = trained_tiny
    loader = make_loader(sst2_dev.select(range(128)), tokenizer, 64, 48, shuffle=False)
    r = robust_accuracy(model, loader, torch.device("cpu"), steps=5, step_size=0.5, radius=2.0)
    assert 0.6 < r["clean_acc"] <= 1.0
    assert r["robust_acc"] < r["clean_acc"]
    weak = robust_accuracy(model, loader, torch.device("cpu"), steps=1, step_size=1e-4, radius=1e-4)
    assert weak["robust_acc"] == weak["clean_acc"], "a vanishing radius changes nothing"
