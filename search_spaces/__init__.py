"""What gets searched.  A space is a YAML file (the named ones live beside this file):

    description: one line
    fixed:   {param: value, ...}                 # constant for every trial
    search:  {param: {uniform: [lo, hi]}, ...}   # chosen by Optuna: uniform, loguniform, randint, choice
    sweep:   {num_samples: 4, max_concurrent: 1, cpus_per_trial: 2, gpus_per_trial: 0, objective: aua}

Add a named space: drop a `<name>.yaml` here.  Every key is validated against the trial parameters
in `trainables.config.PARAMS`.
"""

from search_spaces.spaces import SearchSpace, load_space, named_spaces

__all__ = ["SearchSpace", "load_space", "named_spaces"]
