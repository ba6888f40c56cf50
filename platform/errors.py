"""The driver's usage error: one line on stderr, exit code 2 (see `sweep.main`)."""


class UsageError(ValueError):
    pass
