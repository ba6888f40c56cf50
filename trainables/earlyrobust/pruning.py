"""Physical pruning of heads and FFN neurons, and saving/loading pruned models.

transformers v5 has no `prune_heads` and silently ignores `head_mask=`, so removal is done here:
Q/K/V rows and output-projection columns for heads, FFN-in rows and FFN-out columns for neurons.
BERT-style attention reshapes with -1 heads, so layers may keep different head counts.  A pruned
model saves as safetensors + config.json + ticket.json and loads back to identical logits.
"""
from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import load_model, save_model
from transformers import AutoConfig, AutoModelForSequenceClassification
from transformers.pytorch_utils import prune_linear_layer

from trainables.earlyrobust.architecture import encoder_layers, head_size, structure
from trainables.earlyrobust.tickets import Ticket
from trainables.errors import ConfigError

TICKET_FILE = "ticket.json"
WEIGHTS_FILE = "model.safetensors"


def _check_matches(model, ticket: Ticket) -> None:
    heads, ffn = structure(model)
    if heads != ticket.num_heads or ffn != ticket.ffn_sizes:
        raise ConfigError(f"ticket is for heads {ticket.num_heads} / FFN {ticket.ffn_sizes} per layer, "
                          f"but the model has {heads} / {ffn}: draw the ticket on this model")


def _prune(layer, index: torch.Tensor, dim: int):
    """prune_linear_layer, keeping the layer's dtype (it rebuilds layers in the default dtype)."""
    return prune_linear_layer(layer, index, dim=dim).to(layer.weight.dtype)


def prune_model(model, ticket: Ticket):
    """Remove everything the ticket does not keep, in place; returns the model."""
    _check_matches(model, ticket)
    for layer, kept_heads, kept_neurons in zip(encoder_layers(model), ticket.heads, ticket.neurons):
        attn, size = layer.attention.self, head_size(layer)
        rows = torch.cat([torch.arange(h * size, (h + 1) * size) for h in kept_heads]).long()
        for name in ("query", "key", "value"):
            setattr(attn, name, _prune(getattr(attn, name), rows, 0))
        layer.attention.output.dense = _prune(layer.attention.output.dense, rows, 1)
        attn.num_attention_heads = len(kept_heads)
        attn.all_head_size = len(kept_heads) * size
        neurons = torch.tensor(kept_neurons, dtype=torch.long)
        layer.intermediate.dense = _prune(layer.intermediate.dense, neurons, 0)
        layer.output.dense = _prune(layer.output.dense, neurons, 1)
    return model


def parameter_count(model) -> int:
    return sum(p.numel() for p in model.parameters())


def predicted_parameter_count(dense_count: int, ticket: Ticket, hidden_size: int, size_per_head: int) -> int:
    """Parameters left after pruning: each head removed takes Q/K/V rows + biases and output
    columns; each neuron removed takes an FFN-in row + bias and an FFN-out column."""
    heads_removed = sum(ticket.num_heads) - sum(map(len, ticket.heads))
    neurons_removed = sum(ticket.ffn_sizes) - sum(map(len, ticket.neurons))
    per_head = 3 * size_per_head * (hidden_size + 1) + size_per_head * hidden_size
    per_neuron = 2 * hidden_size + 1
    return dense_count - heads_removed * per_head - neurons_removed * per_neuron


def save_pruned(model, ticket: Ticket, folder: str | Path, tokenizer=None) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # weights straight from the state dict: transformers v5's save_pretrained renames some keys
    save_model(model, str(folder / WEIGHTS_FILE))
    model.config.save_pretrained(folder)
    ticket.save(folder / TICKET_FILE)
    if tokenizer is not None:
        tokenizer.save_pretrained(folder)
    return folder


def load_pruned(folder: str | Path):
    """Rebuild the architecture from config.json, prune it to ticket.json, load the safetensors."""
    folder = Path(folder)
    ticket = Ticket.load(folder / TICKET_FILE)
    model = AutoModelForSequenceClassification.from_config(AutoConfig.from_pretrained(folder))
    prune_model(model, ticket)
    load_model(model, str(folder / WEIGHTS_FILE), strict=True)
    return model.eval(), ticket
