"""Load, validate and convert search spaces (named or a user's YAML file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from ray import tune

from trainables.config import PARAMS, validate_config
from trainables.errors import ConfigError

HERE = Path(__file__).resolve().parent
SECTIONS = ("description", "fixed", "search", "sweep")
DISTRIBUTIONS = ("uniform", "loguniform", "randint", "choice")
SWEEP_KEYS = {
    "num_samples": int,
    "max_concurrent": int,
    "cpus_per_trial": float,
    "gpus_per_trial": float,
    "objective": str,
    "scheduler": str,
    "trainable": str,
    "target": str,
}
TRAINABLES = ("ticket", "dense")


def named_spaces() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.yaml"))


@dataclass
class SearchSpace:
    name: str
    description: str = ""
    fixed: dict = field(default_factory=dict)
    search: dict = field(default_factory=dict)
    sweep: dict = field(default_factory=dict)

    def with_fixed(self, overrides: dict) -> "SearchSpace":
        """`--set key=value`: fix a parameter (removing it from the searched ones)."""
        fixed = {**self.fixed, **overrides}
        search = {k: v for k, v in self.search.items() if k not in overrides}
        return _validated(SearchSpace(self.name, self.description, fixed, search, self.sweep))

    def tune_space(self) -> dict:
        """The Ray Tune param_space: constants plus tune domains (OptunaSearch reads both)."""
        makers = {
            "uniform": lambda a: tune.uniform(*a),
            "loguniform": lambda a: tune.loguniform(*a),
            "randint": lambda a: tune.randint(a[0], a[1] + 1),
            "choice": lambda a: tune.choice(list(a)),
        }
        space = dict(self.fixed)
        for key, spec in self.search.items():
            ((kind, args),) = spec.items()
            space[key] = makers[kind](args)
        return space

    def varied(self) -> list[str]:
        return list(self.search)

    def candidates(self, key: str) -> list:
        """The values a parameter can take (fixed, searched choices, or the default), as trials see them."""
        if key in self.fixed:
            values = [self.fixed[key]]
        elif self.search.get(key) and "choice" in self.search[key]:
            values = list(self.search[key]["choice"])
        else:
            values = [PARAMS[key].default]
        return [PARAMS[key].check(key, v) for v in values]

    def extremes(self, key: str) -> list:
        """The values of a parameter a check must try: `candidates`, or both ends of a searched range."""
        spec = self.search.get(key)
        if spec and "choice" not in spec:
            ((_, bounds),) = spec.items()
            return list(bounds)
        return self.candidates(key)


def load_space(name_or_path: str) -> SearchSpace:
    path = Path(name_or_path)
    if not path.suffix and (HERE / f"{name_or_path}.yaml").is_file():
        path = HERE / f"{name_or_path}.yaml"
    elif not path.is_file():
        raise ConfigError(
            f"search space {name_or_path!r} is unknown: use one of {', '.join(named_spaces())} or a path to a YAML file"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"search space {path} is not UTF-8 text (byte {exc.start}): give a YAML file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = str(getattr(exc, "problem", None) or exc).splitlines()[0]
        raise ConfigError(f"search space {path} is not valid YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"search space {path} must be a mapping with sections {', '.join(SECTIONS)}")
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise ConfigError(
            f"search space {path}: unknown section '{unknown[0]}': allowed sections are {', '.join(SECTIONS)}"
        )
    for section in ("fixed", "search", "sweep"):
        if not isinstance(data.get(section) or {}, dict):
            raise ConfigError(f"search space {path}: section '{section}' must be a mapping of key: value")
    space = SearchSpace(
        path.stem,
        str(data.get("description", "")),
        dict(data.get("fixed") or {}),
        dict(data.get("search") or {}),
        dict(data.get("sweep") or {}),
    )
    return _validated(space, str(path))


def _validated(space: SearchSpace, where: str | None = None) -> SearchSpace:
    where = where or space.name
    for key in list(space.fixed) + list(space.search):
        if key not in PARAMS:
            raise ConfigError(
                f"search space {where}: unknown parameter '{key}': allowed parameters are {', '.join(PARAMS)}"
            )
    both = sorted(set(space.fixed) & set(space.search))
    if both:
        raise ConfigError(f"search space {where}: parameter '{both[0]}' is both fixed and searched: keep one")
    validate_config(space.fixed)
    for key, spec in space.search.items():
        _check_distribution(where, key, spec)
    for key, value in space.sweep.items():
        if key not in SWEEP_KEYS:
            raise ConfigError(
                f"search space {where}: unknown sweep setting '{key}': allowed are {', '.join(SWEEP_KEYS)}"
            )
        try:
            SWEEP_KEYS[key](value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"search space {where}: sweep setting '{key}' = {value!r} must be a {SWEEP_KEYS[key].__name__}"
            ) from None
    if space.sweep.get("trainable", "ticket") not in TRAINABLES:
        raise ConfigError(f"search space {where}: sweep setting 'trainable' must be one of {', '.join(TRAINABLES)}")
    return space


def _check_distribution(where: str, key: str, spec) -> None:
    if not (isinstance(spec, dict) and len(spec) == 1 and next(iter(spec)) in DISTRIBUTIONS):
        raise ConfigError(
            f"search space {where}: parameter '{key}' must be one of "
            f"{{uniform: [lo, hi]}}, {{loguniform: [lo, hi]}}, {{randint: [lo, hi]}}, {{choice: [a, b, ...]}}"
        )
    ((kind, args),) = spec.items()
    if not isinstance(args, list) or not args or (kind != "choice" and len(args) != 2):
        raise ConfigError(
            f"search space {where}: parameter '{key}': {kind} takes "
            f"{'a list of values' if kind == 'choice' else '[lo, hi]'}, got {args!r}"
        )
    if kind != "choice" and not args[0] < args[1]:
        raise ConfigError(f"search space {where}: parameter '{key}': {kind} needs lo < hi, got {args!r}")
    if kind == "loguniform" and args[0] <= 0:
        raise ConfigError(f"search space {where}: parameter '{key}': loguniform needs lo > 0, got {args!r}")
    for value in args:  # every choice, or both bounds of a range
        try:
            PARAMS[key].check(key, value)
        except ConfigError as exc:
            raise ConfigError(f"search space {where}: {exc}") from None
