"""acme internal client for DATAMIMIC (External API v1). Owner: #platform-tdm.

Vendor this package; do not fork it. Bump __version__ when you change anything.
"""
from .client import DatamimicClient
from .errors import TDMConflictError, TDMError, TDMHTTPError, TDMNotFoundError
from .settings import DatamimicSettings, Settings

__version__ = "1.3.1"
__all__ = ["DatamimicClient", "DatamimicSettings", "Settings", "TDMConflictError",
           "TDMError", "TDMHTTPError", "TDMNotFoundError"]
