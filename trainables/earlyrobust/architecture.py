"""Where heads and FFN neurons live in the supported encoder families.

BERT-style encoders (BERT, RoBERTa, XLM-R, ELECTRA, CamemBERT) share one layout in transformers v5:
`encoder.layer[i].attention.self.{query,key,value}`, `attention.output.dense`,
`intermediate.dense`, `output.dense`.
"""
from __future__ import annotations

from torch import nn

from trainables.errors import ConfigError

SUPPORTED = ("bert", "roberta", "xlm-roberta", "electra", "camembert")


def encoder_layers(model: nn.Module) -> nn.ModuleList:
    model_type = getattr(model.config, "model_type", type(model).__name__)
    if model_type not in SUPPORTED:
        raise ConfigError(f"model architecture '{model_type}' is not supported: use one of {', '.join(SUPPORTED)}")
    return model.base_model.encoder.layer


def head_size(layer) -> int:
    return layer.attention.self.attention_head_size


def num_heads(layer) -> int:
    return layer.attention.self.query.out_features // head_size(layer)


def ffn_size(layer) -> int:
    return layer.intermediate.dense.out_features


def structure(model: nn.Module) -> tuple[list[int], list[int]]:
    """Heads and FFN neurons per layer, as the model is now."""
    layers = encoder_layers(model)
    return [num_heads(l) for l in layers], [ffn_size(l) for l in layers]
