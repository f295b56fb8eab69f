"""Stage ``events``: coded events from triggers, arguments, places and dates (see :mod:`marsad.events`)."""

from __future__ import annotations

from marsad.events import extract_events
from marsad.events.vocab import vocab
from marsad.model import Document
from marsad.pipeline import register


@register("events")
class EventsStage:
    """Adds ``doc.events``.

    ``include_background``: when False (the default) events dated more than 30 days before
    publication are still produced but flagged ``background=True`` (``marsad extract`` hides
    them unless ``--background``); when True they are kept unflagged.
    ``require_location``: drop events whose place could not be found (the codebook wants a
    place known at least to the province).
    """

    name = "events"
    reads = ("norm", "tokens", "sentences", "dates")
    writes = ("events",)

    def __init__(self, include_background: bool = False, require_location: bool = False) -> None:
        self.include_background = include_background
        self.require_location = require_location
        vocab()

    def __call__(self, doc: Document) -> Document:
        events = extract_events(doc, require_location=self.require_location)
        if self.include_background:
            for e in events:
                e.background = False
        doc.events = events
        return doc
