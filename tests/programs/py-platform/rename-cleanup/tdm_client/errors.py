class TDMError(Exception):
    pass


class TDMHTTPError(TDMError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
