"""Ticket-convergence rules.  Add a rule: subclass `ConvergenceRule` in `rules.py` and list it in RULES."""

from trainables.convergence.rules import RULES, ConvergenceRule, make_rule, mask_distance

__all__ = ["RULES", "ConvergenceRule", "make_rule", "mask_distance"]
