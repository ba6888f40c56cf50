"""Trial checkpoints as safetensors + JSON only (nothing pickled): model weights, optimizer state
and a small state record."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, load_model, save_file, save_model

STATE = "state.json"


def save_weights(model, path: Path) -> None:
    save_model(model, str(path))


def load_weights(model, path: Path) -> None:
    load_model(model, str(path), strict=True)


def save_optimizer(optimizer, folder: Path) -> None:
    state = optimizer.state_dict()
    tensors = {
        f"{pid}.{key}": (v if torch.is_tensor(v) else torch.tensor(v)).detach().cpu().contiguous()
        for pid, entry in state["state"].items()
        for key, v in entry.items()
    }
    save_file(tensors, str(folder / "optimizer.safetensors"))
    (folder / "optimizer.json").write_text(json.dumps(state["param_groups"]))


def load_optimizer_state(folder: Path, dev) -> dict | None:
    if not (folder / "optimizer.json").exists():
        return None
    state: dict = {}
    for name, tensor in load_file(str(folder / "optimizer.safetensors")).items():
        pid, key = name.split(".", 1)
        state.setdefault(int(pid), {})[key] = tensor if key == "step" else tensor.to(dev)
    return {"state": state, "param_groups": json.loads((folder / "optimizer.json").read_text())}


def save_adversary(adversary, folder: Path) -> None:
    """What an adversary carries between batches (free's perturbation), for an exact resume."""
    tensors = adversary.state() if adversary is not None else {}
    path = folder / "adversary.safetensors"
    if tensors:
        save_file({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, str(path))
    else:
        path.unlink(missing_ok=True)


def load_adversary(adversary, folder: Path, dev) -> None:
    path = folder / "adversary.safetensors"
    if adversary is not None and path.exists():
        adversary.load_state({k: v.to(dev) for k, v in load_file(str(path)).items()})


def save_rng(loader_generator, folder: Path) -> None:
    """The random state a resumed epoch must start from: the data order's generator and torch's global
    RNG (dropout, adversarial initialisation), CUDA's too where there is one."""
    tensors = {"loader": loader_generator.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        tensors.update({f"cuda.{k}": s for k, s in enumerate(torch.cuda.get_rng_state_all())})
    save_file(tensors, str(folder / "rng.safetensors"))


def load_rng(loader_generator, folder: Path) -> None:
    tensors = load_file(str(folder / "rng.safetensors"))
    loader_generator.set_state(tensors["loader"])
    torch.set_rng_state(tensors["torch"])
    cuda = [tensors[f"cuda.{k}"] for k in range(sum(k.startswith("cuda.") for k in tensors))]
    if cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(cuda)


def write_json_atomic(path: Path, data) -> None:
    """Write JSON so that a reader (or a resumed run) sees the old file or the new one, never half of one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    tmp.replace(path)


def write_state(folder: Path, **state) -> None:
    write_json_atomic(folder / STATE, state)


def read_state(folder: Path) -> dict:
    path = folder / STATE
    return json.loads(path.read_text()) if path.exists() else {}
