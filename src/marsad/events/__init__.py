"""Event logic: detection, arguments, modality, casualties, attribution, dedup, notes and confidence.

The ``events`` stage (:mod:`marsad.stages.events`) calls :func:`extract_events`.
"""

from marsad.events.extract import extract_events

__all__ = ["extract_events"]
