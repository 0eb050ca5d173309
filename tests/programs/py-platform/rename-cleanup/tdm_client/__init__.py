"""acme internal DATAMIMIC client, v1 API. (vendored copy, 1.2.0)"""
from .client import DatamimicClient
from .errors import TDMError, TDMHTTPError
from .settings import Settings

__version__ = "1.2.0"
__all__ = ["DatamimicClient", "Settings", "TDMError", "TDMHTTPError"]
