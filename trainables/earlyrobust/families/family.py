"""What every encoder family adapter says: where a layer's heads and FFN neurons live, how to gate and
remove them, and which extra matrix products the family's attention makes (for the FLOP count).

An adapter is a stateless object; `families/__init__.py` maps config `model_type`s to adapters.
Gating acts on the input of two linear layers of each encoder layer:
- `head_output(layer)`: the attention output projection, whose input is the heads side by side;
- `ffn_output(layer)`: the FFN output projection, whose input is one value per FFN neuron.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers.pytorch_utils import prune_linear_layer


def head_rows(kept_heads: list[int], size: int) -> torch.Tensor:
    """Rows of a per-head projection (heads side by side, `size` rows each) that the kept heads own."""
    return torch.cat([torch.arange(h * size, (h + 1) * size) for h in kept_heads]).long()


def pruned(layer: nn.Linear, index: torch.Tensor, dim: int) -> nn.Linear:
    """prune_linear_layer, keeping the layer's dtype (it rebuilds layers in the default dtype)."""
    return prune_linear_layer(layer, index, dim=dim).to(layer.weight.dtype)


def prune_into(owner: nn.Module, names: tuple[str, ...], index: torch.Tensor, dim: int) -> None:
    """Replace each linear `owner.<name>` (those that exist) by its rows (dim 0) or columns (dim 1) in `index`."""
    for name in names:
        if isinstance(getattr(owner, name, None), nn.Linear):
            setattr(owner, name, pruned(getattr(owner, name), index, dim))


class Family:
    name = ""
    model_types: tuple[str, ...] = ()

    def layers(self, model: nn.Module) -> nn.ModuleList:
        raise NotImplementedError

    def head_size(self, layer) -> int:
        raise NotImplementedError

    def num_heads(self, layer) -> int:
        return self.head_output(layer).in_features // self.head_size(layer)

    def ffn_size(self, layer) -> int:
        return self.ffn_output(layer).in_features

    def head_output(self, layer) -> nn.Linear:
        raise NotImplementedError

    def ffn_output(self, layer) -> nn.Linear:
        raise NotImplementedError

    def prune_layer(self, layer, kept_heads: list[int], kept_neurons: list[int]) -> None:
        """Remove the heads and FFN neurons a layer does not keep, in place."""
        raise NotImplementedError

    def attributes(self, layer) -> dict[str, dict]:
        """Plain attributes (relative module path -> {name: value}) that pruning changed and that a
        rebuilt model must be given back (head counts used by the forward pass)."""
        return {}

    def attention_positions(self, model: nn.Module, seq_len: int) -> int:
        """Keys each query scores against, per head: the context length, plus any relative-position
        tables the family's attention multiplies with (DeBERTa)."""
        return seq_len

    def call_flops(self, model: nn.Module, seq_len: int) -> float:
        """Matrix-product FLOPs a forward pass makes once, whatever the batch size (DeBERTa's position
        projections, ModernBERT's rotary tables)."""
        return 0.0
