"""The modeling file a ticket folder carries (copied there as `modeling_ticket.py`, with BASE set to the
dense model's class), so that plain transformers can open the ticket:

    AutoModelForSequenceClassification.from_pretrained(folder, trust_remote_code=True)

It needs torch and transformers only.  A ticket keeps fewer heads and FFN neurons per layer than its
config says; `config.ticket_layout` holds the shape of every linear layer inside the encoder layers and
the head counts the forward pass reads, and the model is rebuilt to them before the weights load.
"""

import transformers
from torch import nn

BASE = "BertForSequenceClassification"


def _shrink(model: nn.Module, layout: dict) -> None:
    for path, (out_features, in_features) in layout["linear"].items():
        parent, _, name = path.rpartition(".")
        owner = model.get_submodule(parent)
        old = getattr(owner, name)
        setattr(
            owner,
            name,
            nn.Linear(
                in_features, out_features, bias=old.bias is not None, device=old.weight.device, dtype=old.weight.dtype
            ),
        )
    for path, values in layout["attributes"].items():
        module = model.get_submodule(path)
        for key, value in values.items():
            setattr(module, key, value)


class TicketForSequenceClassification(getattr(transformers, BASE)):
    def __init__(self, config, *args, **kwargs):
        super().__init__(config, *args, **kwargs)
        _shrink(self, config.ticket_layout)
