"""The one error root of orgsphere.

Every error raised below the CLI is an :class:`OrgsphereError`. Its message says what was expected, what
was found, where (file, line, column or field) and how to fix it. The CLI turns it into one line and exit
code 1; a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

__all__ = [
    "OrgsphereError",
    "InputError",
    "ConfigError",
    "StoreError",
    "StoreLockedError",
    "KeyMismatchError",
    "MissingExtraError",
]


class OrgsphereError(Exception):
    """Base class of every error orgsphere raises on purpose."""


class InputError(OrgsphereError, ValueError):
    """An input file or a column mapping is not what orgsphere can read."""


class ConfigError(OrgsphereError, ValueError):
    """A setting has a wrong type or value, in the config file, the environment or on the command line."""


class StoreError(OrgsphereError, RuntimeError):
    """The store cannot be opened or is in a state orgsphere cannot use."""


class StoreLockedError(StoreError):
    """Another process holds the store open for writing."""


class KeyMismatchError(StoreError):
    """The pseudonymisation key differs from the one the store was written with."""


class MissingExtraError(OrgsphereError, ImportError):
    """An optional dependency is not installed; the message gives the install command."""
