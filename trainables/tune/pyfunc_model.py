"""The fine-tuned ticket as an MLflow pyfunc model: a DataFrame with a `text` column in, labels and
class probabilities out.

Logged as "model from code" (this file), so nothing is pickled: the weights travel as the ticket's
safetensors folder.  (`mlflow.pytorch.log_model` defaults to pt2 export, which fails on HF models.)"""
from __future__ import annotations

import mlflow.models
import mlflow.pyfunc
import pandas as pd
import torch


class TicketClassifier(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        from transformers import AutoTokenizer

        from trainables.earlyrobust.pruning import load_pruned

        folder = context.artifacts["ticket_model"]
        self.model, self.ticket = load_pruned(folder)
        self.tokenizer = AutoTokenizer.from_pretrained(folder)

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        texts = list(model_input["text"] if isinstance(model_input, pd.DataFrame) else model_input)
        enc = self.tokenizer(texts, padding=True, truncation=True, max_length=256, return_tensors="pt")
        with torch.no_grad():
            probs = torch.softmax(self.model(**enc).logits, dim=-1).numpy()
        out = pd.DataFrame({"label": probs.argmax(1)})
        for k in range(probs.shape[1]):
            out[f"prob_{k}"] = probs[:, k]
        return out


mlflow.models.set_model(TicketClassifier())
