"""Errors a user can fix: each message is one line naming the parameter and what is allowed."""


class ConfigError(ValueError):
    """A parameter, file or name given by the user is wrong."""


class DivergedError(RuntimeError):
    """Training produced a NaN or infinite loss or gradient."""
