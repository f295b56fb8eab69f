"""Stage ``entities``: PER/LOC/ORG/MISC mentions from the trained CRF tagger.

Runs the bundled NER model (:mod:`marsad.ner`) over ``doc.tokens`` sentence by sentence
and appends :class:`marsad.model.Entity` objects (``source="crf"``, original offsets,
``attrs["score"]`` the mean marginal probability of the entity's tags). Entities that
other stages add (lexicon matches) are left untouched.
"""

from __future__ import annotations

from marsad.model import Document
from marsad.ner.tagger import load_tagger
from marsad.pipeline import register


@register("entities")
class EntitiesStage:
    """Tag named entities with the CRF model.

    Options (pipeline config): ``model`` — a model folder made by ``marsad train ner``
    (default: the bundled model); ``min_score`` — drop entities whose score is lower
    (default 0.0: keep all); ``labels`` — the labels to keep (default all four);
    ``second_pass`` — run the document-level second pass (default true; false is about
    twice as fast and a few points of F1 less accurate).
    """

    name = "entities"
    reads = ("norm", "tokens", "sentences")
    writes = ("entities",)

    def __init__(self, model: str | None = None, min_score: float = 0.0,
                 labels: tuple[str, ...] | list[str] = ("PER", "LOC", "ORG", "MISC"),
                 second_pass: bool = True) -> None:
        self.tagger = load_tagger(model)
        self.second_pass = bool(second_pass)
        self.min_score = float(min_score)
        self.labels = frozenset(labels)

    def __call__(self, doc: Document) -> Document:
        for ent in self.tagger.entities(doc, second_pass=self.second_pass):
            if ent.label in self.labels and ent.attrs["score"] >= self.min_score:
                doc.entities.append(ent)
        return doc
