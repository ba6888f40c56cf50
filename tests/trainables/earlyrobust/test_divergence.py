"""A NaN or infinite loss or gradient stops training with DivergedError, before the weights change."""

import pytest
import torch

from trainables.earlyrobust.training import make_optimizer, make_schedule, optimizer_step
from trainables.errors import DivergedError


@pytest.mark.parametrize("loss, grad", [(float("nan"), 1.0), (float("inf"), 1.0), (0.5, float("nan"))])
def test_non_finite_loss_or_gradient_raises_and_leaves_weights(loss, grad):
    w = torch.nn.Parameter(torch.ones(3))
    opt = make_optimizer([("w", w)], 0.1, 0.0)
    w.grad = torch.full((3,), grad)
    with pytest.raises(DivergedError, match="training diverged"):
        optimizer_step([w], opt, make_schedule(opt, 10, 0.0), loss)
    assert torch.equal(w.detach(), torch.ones(3)) and w.grad is None
