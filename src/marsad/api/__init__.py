"""The REST API and the web dashboard: one FastAPI app over one :class:`~marsad.app.App`.

::

    from marsad.api import create_app
    api = create_app(db="events.sqlite")      # or create_app(App(Config(...)))
    # uvicorn.run(api, host="127.0.0.1", port=8000)   -- what `marsad serve` does

Every read and write goes through the application's store and pipeline, exactly
as the CLI does. See :mod:`marsad.api.app` for the endpoints.
"""

from __future__ import annotations

from marsad.api.app import create_app

__all__ = ["create_app"]
