"""orgsphere: how far is your organisation from its one real customer?

>>> import orgsphere
>>> ws = orgsphere.open("acme.duckdb", internal_domains=["acme.example"])   # doctest: +SKIP
>>> ws.ingest_orgchart("orgchart.csv"); ws.ingest_edges("mail.csv")         # doctest: +SKIP
>>> results = ws.analyse(); results["sphere"].to_pandas()                      # doctest: +SKIP
"""

from importlib.metadata import version as _version

from .errors import (
    ConfigError,
    IngestFailedError,
    InputError,
    KeyMismatchError,
    MissingExtraError,
    OrgsphereError,
    OrgsphereWarning,
    StoreError,
    StoreLockedError,
    StoreWriteError,
)
from .ingest import IngestReport
from .ingest.session import replacing
from .kept import Analysis
from .results import Results, ResultTable
from .settings import SETTINGS, Settings, load_settings
from .workspace import Workspace, open

__version__ = _version("orgsphere")

__all__ = [
    "open",
    "Workspace",
    "Results",
    "ResultTable",
    "Analysis",
    "IngestReport",
    "IngestFailedError",
    "replacing",
    "Settings",
    "SETTINGS",
    "load_settings",
    "OrgsphereError",
    "InputError",
    "ConfigError",
    "StoreError",
    "StoreLockedError",
    "StoreWriteError",
    "KeyMismatchError",
    "OrgsphereWarning",
    "MissingExtraError",
    "__version__",
]
