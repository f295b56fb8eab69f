"""Errors: one small hierarchy under :class:`MarsadError`.

Every error carries a short code (``E1xx`` input, ``E2xx`` resources/config,
``E3xx`` store, ``E4xx`` geo, ``E5xx`` models) and a message that says what to do.
The CLI prints ``marsad: error [CODE]: message`` and exits with status 2.
"""

from __future__ import annotations


class MarsadError(Exception):
    code = "E000"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"[{self.code}] {self.args[0]}"


class InputError(MarsadError):
    """A user-supplied input (file, line, option) cannot be used."""

    code = "E100"


class ResourceError(MarsadError):
    """A bundled or user resource file is missing or invalid."""

    code = "E200"


class ConfigError(MarsadError):
    """A pipeline or application configuration is invalid."""

    code = "E210"


class StoreError(MarsadError):
    """The event store cannot be opened or written."""

    code = "E300"


class GeoError(MarsadError):
    """A gazetteer cannot be built, imported or queried."""

    code = "E400"


class ModelError(MarsadError):
    """A trained model is missing, corrupt or cannot be trained."""

    code = "E500"
