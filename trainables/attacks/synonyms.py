"""Substitution candidates: counter-fitted neighbours (Jia et al. 2019)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from trainables.data import provided
from trainables.data.datasets import data_dir
from trainables.errors import ConfigError


def default_synonym_file() -> Path | None:
    root = data_dir()
    return root / "synonyms" / "counterfitted_neighbors.json" if root else None


@lru_cache(maxsize=4)
def load_neighbours(path: str | None = None) -> dict[str, list[str]]:
    if path is None:
        if provided.synonyms() is not None:  # shipped by the driver through Ray
            return provided.synonyms()
    path = Path(path) if path else default_synonym_file()
    if path is None or not path.is_file():
        raise ConfigError(
            f"synonym file {path} not found: give the counter-fitted neighbours JSON "
            "(shared/data/synonyms/counterfitted_neighbors.json) or set EARLYROBUST_DATA_DIR"
        )
    return json.loads(path.read_text())
