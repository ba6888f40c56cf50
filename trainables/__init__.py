"""What runs inside a trial: the EarlyRobust method, attacks, data and the Ray Tune trainables.

- `earlyrobust/`  the method: slimming coefficients, search, tickets, pruning, fine-tuning, cost
- `adversarial/`  adversarial training (FreeLB, PGD) behind one interface
- `convergence/`  ticket-convergence rules (EarlyRobust window, Early-Bird)
- `attacks/`      robustness evaluation (word substitution, character edits, embedding PGD)
- `data/`         datasets and models by name or path
- `tune/`         the Ray Tune trainables, checkpoints and the MLflow callback
"""
