"""For every encoder family (a tiny random model each): coefficients act exactly like heads/neurons;
physical pruning matches zeroing; save -> load (the project's loader and plain transformers with
`trust_remote_code`) is exact."""

import copy

import numpy as np
import pytest
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer, GPT2Config, GPT2ForSequenceClassification

from trainables.data.models import TINY, load_model, load_tokenizer
from trainables.earlyrobust.architecture import structure
from trainables.earlyrobust.pruning import load_pruned, parameter_count, prune_model, save_pruned
from trainables.earlyrobust.slimming import SlimmingCoefficients
from trainables.earlyrobust.tickets import draw_ticket

FAMILY_MODELS = list(TINY)  # BERT, RoBERTa, DistilBERT, DeBERTa-v3, ModernBERT


def logits(model, batch):
    with torch.no_grad():
        return model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits


def random_ticket_for(model, head_ratio=0.5, ffn_ratio=0.4, seed=0, scope="global"):
    rng = np.random.default_rng(seed)
    heads, ffn = structure(model)
    return draw_ticket([rng.random(n) for n in heads], [rng.random(n) for n in ffn], head_ratio, ffn_ratio, scope)


@pytest.mark.parametrize("name", FAMILY_MODELS)
def test_unit_coefficients_leave_logits_unchanged(name, batch):
    model = load_model(name, 2).eval()
    before = logits(model, batch)
    coefs = SlimmingCoefficients(model)
    assert torch.equal(logits(model, batch), before)
    with torch.no_grad():
        coefs.head[0][1] = 0.3
    assert not torch.allclose(logits(model, batch), before), "a head coefficient must change the output"
    coefs.remove()
    assert torch.equal(logits(model, batch), before)


@pytest.mark.parametrize("name", FAMILY_MODELS)
def test_zero_coefficient_equals_physical_removal(name, batch):
    model = load_model(name, 2).eval()
    ticket = random_ticket_for(model, head_ratio=0.5, ffn_ratio=0.5, scope="layerwise")
    masked = copy.deepcopy(model)
    coefs = SlimmingCoefficients(masked)
    with torch.no_grad():
        for layer, (kept_h, kept_n) in enumerate(zip(ticket.heads, ticket.neurons)):
            coefs.head[layer].zero_()[kept_h] = 1.0
            coefs.ffn[layer].zero_()[kept_n] = 1.0
    expected = logits(masked, batch)
    prune_model(model, ticket)
    assert structure(model) == ([len(h) for h in ticket.heads], [len(n) for n in ticket.neurons])
    torch.testing.assert_close(logits(model, batch), expected, rtol=1e-5, atol=1e-6)


def test_layers_may_keep_different_head_counts(batch):
    model = load_model("tiny-bert", 2).eval()
    ticket = random_ticket_for(model, head_ratio=0.5, ffn_ratio=0.0)
    ticket.heads = [[0], [0, 1, 2, 3]]
    prune_model(model, ticket)
    assert structure(model)[0] == [1, 4]
    assert torch.isfinite(logits(model, batch)).all()


def predicted_parameter_count(dense_count: int, ticket, hidden_size: int, size_per_head: int) -> int:
    """A BERT layer's parameters after pruning, by hand: each head removed takes Q/K/V rows + biases and
    output columns; each neuron removed takes an FFN-in row + bias and an FFN-out column."""
    heads_removed = sum(ticket.num_heads) - sum(map(len, ticket.heads))
    neurons_removed = sum(ticket.ffn_sizes) - sum(map(len, ticket.neurons))
    per_head = 3 * size_per_head * (hidden_size + 1) + size_per_head * hidden_size
    per_neuron = 2 * hidden_size + 1
    return dense_count - heads_removed * per_head - neurons_removed * per_neuron


@pytest.mark.parametrize("name", FAMILY_MODELS)
def test_save_load_identical_logits_in_both_loaders(name, batch, tmp_path):
    model = load_model(name, 2).eval()
    dense = parameter_count(model)
    ticket = random_ticket_for(model, head_ratio=1 / 6, ffn_ratio=0.4, scope="layerwise")
    prune_model(model, ticket)
    assert parameter_count(model) < dense
    if model.config.model_type in ("bert", "roberta"):
        layer = model.base_model.encoder.layer[0]
        size = layer.attention.self.attention_head_size
        assert parameter_count(model) == predicted_parameter_count(dense, ticket, model.config.hidden_size, size)
    save_pruned(model, ticket, tmp_path / "ticket", load_tokenizer(name), max_length=40)
    files = {p.name for p in (tmp_path / "ticket").iterdir()}
    assert {"config.json", "model.safetensors", "ticket.json", "modeling_ticket.py", "tokenizer_config.json"} <= files
    loaded, loaded_ticket = load_pruned(tmp_path / "ticket")
    assert loaded_ticket == ticket
    assert torch.equal(logits(loaded, batch), logits(model, batch))
    assert parameter_count(loaded) == parameter_count(model)
    # plain transformers: the folder's own modeling file rebuilds the per-layer structure
    remote = AutoModelForSequenceClassification.from_pretrained(tmp_path / "ticket", trust_remote_code=True).eval()
    assert type(remote).__name__ == "TicketForSequenceClassification" and isinstance(remote, type(model))
    assert structure(remote) == structure(model)
    torch.testing.assert_close(logits(remote, batch), logits(model, batch), rtol=0, atol=1e-5)
    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "ticket")
    assert tokenizer.model_max_length == 40, "the ticket's tokenizer truncates where the trial did"


def test_ticket_must_fit_the_model():
    model = load_model("tiny-bert", 2)
    ticket = random_ticket_for(model)
    ticket.num_heads = [12, 12]
    with pytest.raises(ValueError, match="ticket is for heads"):
        prune_model(model, ticket)


def test_unsupported_architecture_is_named():
    gpt2 = GPT2ForSequenceClassification(GPT2Config(n_layer=1, n_embd=16, n_head=2, vocab_size=50))
    with pytest.raises(ValueError, match="architecture 'gpt2' is not supported: use one of bert"):
        SlimmingCoefficients(gpt2)


def test_pruning_keeps_the_models_dtype(batch):
    """prune_linear_layer rebuilds layers in the default dtype; a bf16 model must stay bf16 (seen on GPU)."""
    model = load_model("tiny-bert", 2).to(torch.bfloat16).eval()
    prune_model(model, random_ticket_for(model))
    assert {p.dtype for p in model.parameters()} == {torch.bfloat16}
    assert logits(model, batch).dtype == torch.bfloat16
