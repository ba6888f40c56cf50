"""Learnable slimming coefficients on attention heads and FFN neurons (EarlyBERT's parametrisation).

A head's coefficient scales that head's slice of the input of the attention output projection;
a neuron's coefficient scales its activation before the FFN output projection (each family's adapter
says which layers those are).  The coefficients
live in their own module and act through forward pre-hooks, so the model's own weights and
state dict are untouched.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from trainables.earlyrobust.families import family_of


class SlimmingCoefficients(nn.Module):
    def __init__(self, model: nn.Module):
        super().__init__()
        family = family_of(model)
        layers = family.layers(model)
        self.head = nn.ParameterList([nn.Parameter(torch.ones(family.num_heads(l))) for l in layers])
        self.ffn = nn.ParameterList([nn.Parameter(torch.ones(family.ffn_size(l))) for l in layers])
        self._handles = []
        for i, layer in enumerate(layers):
            self._handles.append(family.head_output(layer).register_forward_pre_hook(self._head_hook(i)))
            self._handles.append(family.ffn_output(layer).register_forward_pre_hook(self._ffn_hook(i)))
        self.to(next(model.parameters()).device)

    def _head_hook(self, i: int):
        def hook(module, args):
            x = args[0]
            coef = self.head[i].to(x.dtype)
            scaled = x.view(*x.shape[:-1], coef.numel(), -1) * coef[:, None]
            return (scaled.view_as(x),) + tuple(args[1:])

        return hook

    def _ffn_hook(self, i: int):
        def hook(module, args):
            return (args[0] * self.ffn[i].to(args[0].dtype),) + tuple(args[1:])

        return hook

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def l1_penalty(self, lambda_head: float, lambda_ffn: float) -> torch.Tensor:
        head = sum(c.abs().sum() for c in self.head)
        ffn = sum(c.abs().sum() for c in self.ffn)
        return lambda_head * head + lambda_ffn * ffn

    def scores(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The current signed coefficients per layer, as NumPy arrays."""

        def grab(params):
            return [p.detach().float().cpu().numpy().copy() for p in params]

        return grab(self.head), grab(self.ffn)
