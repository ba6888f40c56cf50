"""The driver's usage error: one line on stderr, exit code 2 (see `sweep.main`), and the argument
parser every command uses, which raises it instead of printing argparse's usage block."""

import argparse


class UsageError(ValueError):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        raise UsageError(message)
