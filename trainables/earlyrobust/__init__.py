"""The EarlyRobust method: slimming coefficients, ticket search, drawing, pruning, fine-tuning, cost."""
