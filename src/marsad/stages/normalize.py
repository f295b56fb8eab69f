"""Stage ``normalize``: the offset-safe text layer (normalized text, tokens, sentences)."""

from __future__ import annotations

from marsad.model import Document, Span
from marsad.pipeline import register
from marsad.text import normalize, sentence_bounds, tokenize


@register("normalize")
class NormalizeStage:
    name = "normalize"
    reads = ("text",)
    writes = ("norm", "tokens", "sentences")

    def __call__(self, doc: Document) -> Document:
        nt = normalize(doc.text)
        doc.norm = nt
        doc.tokens = tokenize(nt)
        doc.sentences = [Span(*nt.to_original(a, b), "SENT") for a, b in sentence_bounds(nt)]
        return doc
