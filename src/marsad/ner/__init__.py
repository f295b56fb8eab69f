"""Arabic named-entity tagging (PER, LOC, ORG, MISC) with a CRF over lexical and gazetteer features.

* :func:`load_tagger` / :class:`NerTagger` — the bundled model, loaded once per process;
* :mod:`marsad.ner.conll` — CoNLL reading and writing;
* :mod:`marsad.ner.train` — training (``marsad train ner``) and exact-span scoring.
"""

from marsad.ner.tagger import NerTagger, bio_spans, load_tagger

__all__ = ["NerTagger", "bio_spans", "load_tagger"]
