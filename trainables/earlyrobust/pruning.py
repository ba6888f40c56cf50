"""Physical pruning of heads and FFN neurons, and saving/loading pruned models.

transformers v5 has no `prune_heads` and silently ignores `head_mask=`, so removal is done here, by each
encoder family's adapter (`families/`).  A pruned model saves as a Hugging Face model folder:
model.safetensors + config.json (with `ticket_layout` and an `auto_map` to the folder's own
`modeling_ticket.py`) + ticket.json + the tokenizer (its `model_max_length` set to the trial's
`max_length`).  The project's loader rebuilds it from ticket.json without running the folder's code;
plain transformers loads it with `trust_remote_code=True`.  Both give identical logits.
"""

from __future__ import annotations

import copy
from pathlib import Path

from safetensors.torch import load_model, save_model
from torch import nn
from transformers import AutoConfig, AutoModelForSequenceClassification

from trainables.earlyrobust.architecture import structure
from trainables.earlyrobust.families import family_of
from trainables.earlyrobust.tickets import Ticket
from trainables.errors import ConfigError

TICKET_FILE = "ticket.json"
WEIGHTS_FILE = "model.safetensors"
MODELING_FILE = "modeling_ticket.py"
AUTO_CLASS = "modeling_ticket.TicketForSequenceClassification"


def _check_matches(model, ticket: Ticket) -> None:
    heads, ffn = structure(model)
    if heads != ticket.num_heads or ffn != ticket.ffn_sizes:
        raise ConfigError(
            f"ticket is for heads {ticket.num_heads} / FFN {ticket.ffn_sizes} per layer, "
            f"but the model has {heads} / {ffn}: draw the ticket on this model"
        )


def prune_model(model, ticket: Ticket):
    """Remove everything the ticket does not keep, in place; returns the model."""
    _check_matches(model, ticket)
    family = family_of(model)
    for layer, kept_heads, kept_neurons in zip(family.layers(model), ticket.heads, ticket.neurons):
        family.prune_layer(layer, kept_heads, kept_neurons)
    return model


def parameter_count(model) -> int:
    return sum(p.numel() for p in model.parameters())


def layout(model) -> dict:
    """The shapes a rebuilt model needs: every linear layer inside the encoder layers, and the head
    counts the family's forward pass reads (see `hf_modeling_ticket.py`)."""
    family = family_of(model)
    names = {id(m): n for n, m in model.named_modules()}
    linear, attributes = {}, {}
    for layer in family.layers(model):
        for module in layer.modules():
            if isinstance(module, nn.Linear):
                linear[names[id(module)]] = [module.out_features, module.in_features]
        for path, values in family.attributes(layer).items():
            attributes[f"{names[id(layer)]}.{path}"] = values
    return {"linear": linear, "attributes": attributes}


def write_modeling_file(model, folder: Path) -> None:
    template = (Path(__file__).parent / "hf_modeling_ticket.py").read_text()
    base = f'BASE = "{type(model).__name__}"'
    (folder / MODELING_FILE).write_text(template.replace('BASE = "BertForSequenceClassification"', base))


def save_pruned(model, ticket: Ticket, folder: str | Path, tokenizer=None, max_length: int | None = None) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # weights straight from the state dict: transformers v5's save_pretrained renames some keys
    save_model(model, str(folder / WEIGHTS_FILE))
    config = copy.deepcopy(model.config)
    config.ticket_layout = layout(model)
    config.auto_map = {"AutoModelForSequenceClassification": AUTO_CLASS}
    config.architectures = [type(model).__name__]
    config.save_pretrained(folder)
    write_modeling_file(model, folder)
    ticket.save(folder / TICKET_FILE)
    if tokenizer is not None:
        saved_length = tokenizer.model_max_length
        tokenizer.model_max_length = max_length or saved_length  # what the ticket was trained and attacked at
        try:
            tokenizer.save_pretrained(folder)
        finally:
            tokenizer.model_max_length = saved_length
    return folder


def load_pruned(folder: str | Path):
    """Rebuild the architecture from config.json, prune it to ticket.json, load the safetensors (the
    folder's own modeling file is not run)."""
    folder = Path(folder)
    ticket = Ticket.load(folder / TICKET_FILE)
    config = AutoConfig.from_pretrained(folder)
    model = AutoModelForSequenceClassification.from_config(config, trust_remote_code=False)
    prune_model(model, ticket)
    load_model(model, str(folder / WEIGHTS_FILE), strict=True)
    return model.eval(), ticket
