"""The one error root of orgsphere.

Every error raised below the CLI is an :class:`OrgsphereError`. Its message says what was expected, what
was found, where (file, line, column or field) and how to fix it. The CLI turns it into one line and its
exit code (1; 3 for an ingest that kept too little); a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

__all__ = [
    "OrgsphereError",
    "InputError",
    "ConfigError",
    "StoreError",
    "StoreLockedError",
    "StoreWriteError",
    "KeyMismatchError",
    "MissingExtraError",
    "IngestFailedError",
    "OrgsphereWarning",
]


class OrgsphereError(Exception):
    """Base class of every error orgsphere raises on purpose."""

    exit_code = 1  # of the command line


class InputError(OrgsphereError, ValueError):
    """An input file or a column mapping is not what orgsphere can read."""


class ConfigError(OrgsphereError, ValueError):
    """A setting has a wrong type or value, in the config file, the environment or on the command line."""


class StoreError(OrgsphereError, RuntimeError):
    """The store cannot be opened or is in a state orgsphere cannot use."""


class StoreLockedError(StoreError):
    """Another process holds the store open for writing."""


class StoreWriteError(StoreError):
    """The disk is full, or a file or folder orgsphere must write (the store, a report) cannot be written.
    Whatever the command was writing to the store was rolled back."""


class KeyMismatchError(StoreError):
    """The pseudonymisation key differs from the one the store was written with."""


class MissingExtraError(OrgsphereError, ImportError):
    """An optional dependency is not installed; the message gives the install command."""


class IngestFailedError(InputError):
    """An ingest read its source but kept nothing, or rejected more than ``max_reject_share`` of its rows.
    Only its rejects were written (for ``orgsphere rejects``); the source is not recorded as ingested."""

    exit_code = 3

    def __init__(self, message: str, report: object):
        super().__init__(message)
        self.report = report


class OrgsphereWarning(UserWarning):
    """Something the user should fix that does not stop the work (a key file others can read). Issued with
    :func:`warnings.warn`; the CLI prints it as one ``warning:`` line on stderr."""
