"""Every trial parameter is validated with a message naming it and what is allowed."""

import pytest

from trainables.config import PARAMS, validate_config


def test_defaults_are_the_papers():
    cfg = validate_config({})
    assert cfg["head_ratio"] == pytest.approx(1 / 6) and cfg["ffn_ratio"] == 0.4
    assert (cfg["lr"], cfg["weight_decay"], cfg["warmup_ratio"]) == (2e-5, 0.01, 0.1)
    assert (cfg["l1_head"], cfg["l1_ffn"], cfg["adv_steps"], cfg["adv_lr"], cfg["adv_init_mag"]) == (
        1e-5,
        2e-4,
        5,
        0.01,
        0.05,
    )
    assert (cfg["conv_window"], cfg["check_interval"]) == (5, 0.05)


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("head_ratio", 1.5, r"'head_ratio' = 1.5 is not allowed: use a float in \[0.0, 1.0\)"),
        ("ffn_ratio", 1.0, r"'ffn_ratio' = 1.0 is not allowed"),
        ("ffn_ratio", -0.1, r"'ffn_ratio' = -0.1"),
        ("conv_eps", 0.0, r"'conv_eps' = 0.0 is not allowed: use a float > 0"),
        ("conv_eps", -1, r"'conv_eps'"),
        ("conv_window", 0, r"'conv_window' = 0"),
        ("adv_steps", 0, r"'adv_steps' = 0"),
        ("adv_method", "trades", r"'adv_method' = 'trades' is not allowed: use one of freelb, pgd, fgsm, free"),
        (
            "attack",
            "hotflip",
            r"use one or more \(comma-separated\) of textfooler, textbugger, bertattack, deepwordbug, embedding_pgd, none",
        ),
        ("batch_size", "many", r"'batch_size' = 'many'"),
        ("lr", float("nan"), r"'lr' = nan"),
    ],
)
def test_bad_values_are_named(key, value, message):
    with pytest.raises(ValueError, match=message):
        validate_config({key: value})


def test_unknown_key_lists_the_allowed_ones():
    with pytest.raises(ValueError, match="unknown parameter 'head_raito': allowed parameters are model, dataset"):
        validate_config({"head_raito": 0.1})


def test_the_published_recipes_have_no_budgets_by_default():
    cfg = validate_config({})
    assert (cfg["attack_max_change"], cfg["attack_query_budget"]) == (1.0, 0)
    assert (cfg["attack_split"], cfg["eval_split"], cfg["report_split"]) == ("validation", "validation", "test")


@pytest.mark.parametrize("change", [{"attack_split": "test"}, {"eval_split": "test"}, {"report_split": "validation"}])
def test_the_report_split_is_never_a_selection_split(change):
    with pytest.raises(
        ValueError, match="'report_split' = '.*' is also a selection split .*report on a split that no decision"
    ):
        validate_config(change)
    swapped = {"attack_split": "test", "eval_split": "test", "report_split": "validation"}
    assert validate_config(swapped)["report_split"] == "validation", "any split may report if none selects on it"


def test_pgd_needs_a_radius():
    with pytest.raises(ValueError, match="'adv_max_norm' must be > 0 when PGD is used"):
        validate_config({"adv_method": "pgd"})
    assert validate_config({"adv_method": "pgd", "adv_max_norm": 0.5})["adv_max_norm"] == 0.5


def test_strings_from_the_command_line_are_coerced():
    cfg = validate_config({"head_ratio": "0.25", "adv_steps": "3"})
    assert cfg["head_ratio"] == 0.25 and cfg["adv_steps"] == 3
    assert set(cfg) == set(PARAMS)
