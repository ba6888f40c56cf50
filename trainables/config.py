"""Every trial parameter: its default, its type and the values allowed.

One table serves the trainables (which validate the config they are given), the search spaces
(which validate every key a user writes), MLflow (which logs the resolved values) and
`python -m platform.sweep --list-params`.  Every default is written here and nowhere else.  Choices
that name a registry (attacks, adversarial methods, convergence rules) are read from it, so adding one
there is enough.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from trainables.adversarial import ADVERSARIES
from trainables.attacks import ATTACKS, OTHER
from trainables.convergence import RULES
from trainables.errors import ConfigError


@dataclass(frozen=True)
class Param:
    default: Any
    kind: type
    choices: tuple | Callable[[], tuple] | None = None  # a callable reads a registry when asked
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    help: str = ""
    aliases: tuple = ()  # (word, value) pairs a user may write instead of the value, e.g. ("all", 0)
    many: bool = False  # a comma-separated list of choices ("textfooler,textbugger"), kept in its order
    alone: Callable[[], tuple] = tuple  # the choices of a list that cannot be combined with others

    def options(self) -> tuple | None:
        return self.choices() if callable(self.choices) else self.choices

    def allowed(self) -> str:
        kind = {int: "an integer", float: "a float", str: "a string", bool: "true or false"}[self.kind]
        words = "".join(f" or '{word}'" for word, _ in self.aliases)
        if self.options():
            return ("one or more (comma-separated) of " if self.many else "one of ") + ", ".join(
                map(str, self.options())
            )
        if self.low is None and self.high is None:
            return kind
        if self.high is None:
            return f"{kind} {'>' if self.low_open else '>='} {self.low:g}{words}"
        lo = "(" if self.low_open else "["
        hi = ")" if self.high_open else "]"
        return f"{kind} in {lo}{self.low}, {self.high}{hi}{words}"

    def check(self, name: str, value: Any) -> Any:
        bad = ConfigError(f"parameter '{name}' = {value!r} is not allowed: use {self.allowed()}")
        value = dict(self.aliases).get(value, value) if isinstance(value, str) else value
        if self.kind is bool:
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            if not isinstance(value, bool):
                raise bad
            return value
        if isinstance(value, bool) or (self.kind is int and isinstance(value, float) and not value.is_integer()):
            raise bad  # true is not 1, and 1.5 is not an integer
        try:
            value = self.kind(value)
        except (TypeError, ValueError):
            raise bad from None
        if self.kind is float and not math.isfinite(value):
            raise bad
        if self.many:
            return self._check_list(name, value, bad)
        if self.options() and value not in self.options():
            raise bad
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            raise bad
        if self.high is not None and (value > self.high or (self.high_open and value == self.high)):
            raise bad
        return value

    def _check_list(self, name: str, value: str, bad: ConfigError) -> str:
        items = list(dict.fromkeys(v.strip() for v in value.split(",")))
        if not all(items) or any(v not in self.options() for v in items):
            raise bad
        alone = [v for v in items if v in self.alone()]
        if alone and len(items) > 1:
            raise ConfigError(f"parameter '{name}' = {value!r}: {alone[0]} cannot be combined with other values")
        return ",".join(items)


def _ratio(default, help):
    return Param(default, float, low=0.0, high=1.0, high_open=True, help=help)


def _positive(default, kind=float, help=""):
    return Param(default, kind, low=0, low_open=True, help=help)


def _attacks() -> tuple:
    return tuple(ATTACKS) + OTHER


def _not_text_attacks() -> tuple:
    return OTHER


def _adversaries() -> tuple:
    return tuple(ADVERSARIES)


def _rules() -> tuple:
    return tuple(RULES)


PARAMS: dict[str, Param] = {
    # data and model
    "model": Param(
        "minilm",
        str,
        help="packaged minilm, a tiny-* test model, a HF id or a local folder; "
        "families: see trainables/earlyrobust/families",
    ),
    "dataset": Param(
        "sst2",
        str,
        help="sst2, ag_news, imdb, rte (local), qnli, mnli, qqp (hub), or a path to a "
        "folder or file (one text column, or a sentence pair)",
    ),
    "data_dir": Param("", str, help="folder holding local copies of named datasets"),
    "train_size": Param(0, int, low=0, help="training examples used (0 = all)"),
    "eval_size": Param(0, int, low=0, help="evaluation examples for clean accuracy (0 = all)"),
    "eval_split": Param(
        "validation",
        str,
        choices=("validation", "test"),
        help="split of eval_acc after each fine-tune epoch (ASHA selects on it)",
    ),
    "max_length": _positive(64, int, "tokens per example (longer ones are truncated)"),
    "batch_size": _positive(32, int, "examples per step"),
    "seed": Param(42, int, low=0, help="seeds the classifier head, data order and the attacked sample"),
    # search stage
    "lr": _positive(2e-5, help="search learning rate (weights and coefficients)"),
    "weight_decay": Param(0.01, float, low=0.0, help="search AdamW weight decay"),
    "warmup_ratio": _ratio(0.1, "fraction of search steps spent warming up"),
    "adv_method": Param("freelb", str, choices=_adversaries, help="adversarial training of the search"),
    "adv_steps": _positive(5, int, "K ascent steps (free: m replays of each minibatch; fgsm: unused)"),
    "adv_lr": _positive(0.01, help="ascent step size"),
    "adv_init_mag": Param(0.05, float, low=0.0, help="initial perturbation magnitude"),
    "adv_max_norm": Param(0.0, float, low=0.0, help="norm bound (0 = unbounded; pgd, fgsm and free need > 0)"),
    "adv_norm": Param("l2", str, choices=("l2", "linf"), help="norm of the perturbation bound"),
    "l1_head": Param(1e-5, float, low=0.0, help="L1 weight on head coefficients"),
    "l1_ffn": Param(2e-4, float, low=0.0, help="L1 weight on FFN-neuron coefficients"),
    "search_epochs": _positive(1.0, help="search budget in epochs; the search stops earlier on convergence"),
    # ticket
    "head_ratio": _ratio(1 / 6, "fraction of attention heads pruned"),
    "ffn_ratio": _ratio(0.4, "fraction of FFN neurons pruned"),
    "prune_scope": Param(
        "global", str, choices=("global", "layerwise"), help="rank units over all layers or per layer"
    ),
    "ffn_multiple": Param(1, int, low=1, help="round kept FFN neurons per layer to a multiple (64 suits GPUs)"),
    # convergence
    "conv_rule": Param("earlyrobust", str, choices=_rules, help="when the ticket has converged"),
    "conv_eps": _positive(0.1, help="mask-distance threshold"),
    "conv_window": _positive(5, int, "masks compared with the candidate"),
    "check_interval": Param(0.05, float, low=0.0, high=1.0, low_open=True, help="epoch fraction between checks"),
    # fine-tuning
    "ft_epochs": Param(3, int, low=0, help="fine-tuning epochs of the ticket"),
    "ft_lr": _positive(2e-5, help="fine-tuning learning rate"),
    "ft_weight_decay": Param(0.0, float, low=0.0, help="fine-tuning weight decay"),
    "ft_mode": Param(
        "ce", str, choices=lambda: ("ce",) + _adversaries(), help="fine-tuning loss: plain CE or adversarial"
    ),
    "ft_adv_share": Param(
        1.0,
        float,
        low=0.0,
        high=1.0,
        low_open=True,
        help="share of the fine-tuning batches trained by ft_mode's adversary, the rest plain CE (1 = all)",
    ),
    "ft_adv_at": Param(
        "last", str, choices=("last", "first"), help="where the adversarial share of the fine-tuning lies"
    ),
    "dense_ref_steps": _positive(
        5, int, "K of the dense FreeLB reference that speedup_vs_dense compares every trial with"
    ),
    "ft_init": Param(
        "pretrained",
        str,
        choices=("pretrained", "searched"),
        help="ticket weights: the pre-trained ones (EarlyRobust) or those at the search's end",
    ),
    # robustness evaluation
    "attack": Param(
        "textfooler",
        str,
        choices=_attacks,
        many=True,
        alone=_not_text_attacks,
        help="textfooler, textbugger, deepwordbug: the published recipes; bertattack: the EarlyRobust/"
        "RobustT code's rebuilt BAE, not Li et al. 2020's masked-LM BERT-Attack (see "
        "trainables/attacks); a list is attacked with each, aua = the worst case over them",
    ),
    "attack_n": Param(
        100,
        int,
        low=0,
        aliases=(("all", 0),),
        help="examples attacked per split: a seeded, label-stratified sample (0 or 'all': every row)",
    ),
    "attack_max_change": Param(
        1.0,
        float,
        low=0.0,
        high=1.0,
        low_open=True,
        help="fraction of words an attack may change (1 = no budget, as published)",
    ),
    "attack_query_budget": Param(0, int, low=0, help="model queries per example (0 = no budget, as published)"),
    "attack_calibration": Param(
        False,
        bool,
        help="attack the victim with its logits temperature-scaled (T fitted "
        "on the selection split by NLL; see trainables/attacks/temperature.py)",
    ),
    "attack_split": Param(
        "validation",
        str,
        choices=("validation", "test"),
        help="selection split: trials are attacked, compared and chosen on it",
    ),
    "report_split": Param(
        "test",
        str,
        choices=("validation", "test"),
        help="held-out split the Pareto front is attacked on at the end (no decision uses it)",
    ),
}


def validate_config(config: dict) -> dict:
    """Return a full config (defaults filled in, values coerced) or raise ConfigError."""
    unknown = sorted(set(config) - set(PARAMS))
    if unknown:
        raise ConfigError(f"unknown parameter '{unknown[0]}': allowed parameters are {', '.join(PARAMS)}")
    full = {name: p.check(name, config.get(name, p.default)) for name, p in PARAMS.items()}
    if full["report_split"] in (full["attack_split"], full["eval_split"]):
        raise ConfigError(
            f"parameter 'report_split' = {full['report_split']!r} is also a selection split "
            "(attack_split or eval_split): report on a split that no decision uses"
        )
    bounded = [m for m in ("pgd", "fgsm", "free") if m in (full["adv_method"], full["ft_mode"])]
    if bounded and full["adv_max_norm"] <= 0:
        name = "PGD" if bounded[0] == "pgd" else bounded[0]
        raise ConfigError(f"parameter 'adv_max_norm' must be > 0 when {name} is used: it is the radius of the ε-ball")
    return full
