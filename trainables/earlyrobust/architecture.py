"""Where heads and FFN neurons live in a model, whatever its encoder family (see `families/`)."""

from __future__ import annotations

from torch import nn

from trainables.earlyrobust.families import family_of


def structure(model: nn.Module) -> tuple[list[int], list[int]]:
    """Heads and FFN neurons per layer, as the model is now."""
    family = family_of(model)
    layers = family.layers(model)
    return [family.num_heads(l) for l in layers], [family.ffn_size(l) for l in layers]
