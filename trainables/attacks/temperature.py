"""Temperature scaling of the victim (Guo et al. 2017), so that robustness is not an artefact of
overconfidence (Raina et al., "Extreme Miscalibration and the Illusion of Adversarial Robustness").

`attack_calibration: true` attacks with the victim's logits divided by T, T fitted on the selection
split by negative log-likelihood (one parameter, log T, by L-BFGS).  Off by default, so that the
cross-check against TextAttack stays exact.  Dividing logits by T > 0 keeps every prediction, so the
skipped set and what counts as a success do not change; for two classes every probability is a
monotone function of the logit margin, so a greedy score-based search makes the same choices and Aua
cannot change either; with three or more classes the scores, hence the choices, can.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from trainables.data.batching import make_loader, model_inputs, to_device

MAX_ROWS = 2000


@torch.no_grad()
def logits_of(model, tokenizer, data, max_length: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    rows = data.select(range(min(len(data), MAX_ROWS)))
    out, labels = [], []
    for batch in make_loader(rows, tokenizer, 64, max_length, False):
        batch = to_device(batch, device)
        out.append(model(**model_inputs(batch)).logits.float().cpu())
        labels.append(batch["labels"].cpu())
    return torch.cat(out), torch.cat(labels)


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The T > 0 that minimises the NLL of softmax(logits / T)."""
    log_t = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(logits / log_t.exp(), labels)
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.detach().exp())
