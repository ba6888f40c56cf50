"""The fine-tuned ticket as an MLflow pyfunc model: a DataFrame with a `text` column (and `text_pair`
for a ticket trained on sentence pairs) in, the label (the data's class name when its labels were
strings: the config's `id2label`) and the class probabilities out.

Logged as "model from code" (this file), so nothing is pickled: the weights travel as the ticket
folder.  This file imports nothing from the project: the folder carries its own modeling file
(`modeling_ticket.py`), which is loaded here directly (what `trust_remote_code=True` does, without
transformers' module cache).  So the registered model loads and serves wherever mlflow, torch,
transformers and pandas are installed.  Inputs are truncated at the trial's `max_length` (the model
config's `max_length`).  (`mlflow.pytorch.log_model` defaults to pt2 export, which fails on HF models.)"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import mlflow.models
import mlflow.pyfunc
import pandas as pd
import torch
import transformers
from transformers import AutoTokenizer

BATCH = 64


class TicketClassifier(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        transformers.logging.disable_progress_bar()
        folder = Path(context.artifacts["ticket_model"])
        spec = importlib.util.spec_from_file_location("modeling_ticket", folder / "modeling_ticket.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # transformers looks the model's module up by name
        spec.loader.exec_module(module)
        self.model = module.TicketForSequenceClassification.from_pretrained(folder).eval()
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.max_length = int((context.model_config or {}).get("max_length", self.tokenizer.model_max_length))

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        texts = [str(t) for t in (model_input["text"] if isinstance(model_input, pd.DataFrame) else model_input)]
        pair = bool(getattr(self.model.config, "text_pair_columns", None))
        if pair and not (isinstance(model_input, pd.DataFrame) and "text_pair" in model_input.columns):
            raise ValueError("this ticket classifies sentence pairs: give a 'text_pair' column beside 'text'")
        pairs = [str(t) for t in model_input["text_pair"]] if pair else None
        chunks = []
        with torch.no_grad():
            for start in range(0, len(texts), BATCH):
                enc = self.tokenizer(
                    texts[start : start + BATCH],
                    pairs[start : start + BATCH] if pair else None,
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                chunks.append(torch.softmax(self.model(**enc).logits.float(), dim=-1))
        probs = torch.cat(chunks).numpy() if chunks else torch.empty(0, self.model.config.num_labels).numpy()
        ids = probs.argmax(1).astype("int64")
        names = self.model.config.id2label
        named = any(str(names[i]) != f"LABEL_{i}" for i in names)
        out = pd.DataFrame({"label": [str(names[i]) for i in ids] if named else ids})
        for k in range(probs.shape[1]):
            out[f"prob_{k}"] = probs[:, k].astype("float64")
        return out


mlflow.models.set_model(TicketClassifier())
