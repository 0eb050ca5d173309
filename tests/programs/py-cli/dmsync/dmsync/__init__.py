"""dmsync - keep a local checkout of DATAMIMIC project files in sync (v1 API)."""
__version__ = "0.4.1"
