"""Training and scoring of the NER tagger.

:func:`train` reads one or more tagged CoNLL corpora (files, or folders of ``.txt``/
``.conll`` files), computes :mod:`marsad.ner.features`, fits a CRF with L-BFGS and
elastic-net regularization (``c1`` L1 keeps the model small, ``c2`` L2) and writes
the model file plus ``model.json`` (checksum, feature set, gazetteer fingerprint,
each corpus file's name and SHA-256, hyperparameters, training time and, with
``eval_path``, exact-span scores on a test file). The bundled model is reproduced by::

    marsad train ner --corpus ../shared/data/ner/anercorp/ANERcorp_recon_train.txt \\
        --eval ../shared/data/ner/anercorp/ANERcorp_recon_test.txt

:func:`score` computes exact-span precision/recall/F1 per class and micro-averaged,
with the same span rules as the team's CoNLL scorer.
"""

from __future__ import annotations

import datetime as _dt
import json
import multiprocessing as mp
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version as _pkg_version
from pathlib import Path
from typing import Any

import pycrfsuite

from marsad.errors import InputError, ModelError
from marsad.ner.conll import Sentence, read_conll, repair_bio
from marsad.ner.features import (
    DOC_WINDOW,
    FEATURE_SET,
    document_features,
    fold_token,
    gazetteer,
    sentence_features,
    stacked_features,
)
from marsad.ner.tagger import META_NAME, NerTagger, bio_spans, sha256_file

MODEL_FILE = "anercorp-crf.crfsuite"
STACK_FILE = "anercorp-crf-doc.crfsuite"

#: hyperparameters of the bundled model (chosen on a held-out tenth of ANERcorp train)
DEFAULT_PARAMS: dict[str, Any] = {
    "c1": 0.1,
    "c2": 0.02,
    "max_iterations": 150,
    "feature.minfreq": 1,
    "feature.possible_transitions": True,
}

_CORPUS_SUFFIXES = (".txt", ".conll", ".tsv", ".bio")


@dataclass(slots=True)
class Corpus:
    """A tagged corpus file and its sentences."""

    path: Path
    sentences: list[Sentence]

    @property
    def tokens(self) -> int:
        return sum(len(s.tokens) for s in self.sentences)


def corpus_files(paths: Sequence[str | Path]) -> list[Path]:
    """Expand corpus arguments: files as given, folders into their CoNLL-like files (sorted)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in _CORPUS_SUFFIXES)
            if not found:
                raise InputError(f"{p}: no {'/'.join(_CORPUS_SUFFIXES)} files in this folder", code="E110")
            out += found
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(f"{p}: no such corpus file or folder", code="E110")
    return out


def load_corpora(paths: Sequence[str | Path], tag_column: int = 1) -> list[Corpus]:
    """Read tagged corpora (tags normalized onto PER/LOC/ORG/MISC, BIO repaired)."""
    out = []
    for p in corpus_files(paths):
        conll = read_conll(p, tags=True, tag_column=tag_column)
        for s in conll.sentences:
            s.tags = repair_bio(s.tags)
        out.append(Corpus(p, conll.sentences))
    return out


def train(
    corpora: Sequence[str | Path],
    out_dir: str | Path,
    *,
    params: dict[str, Any] | None = None,
    eval_path: str | Path | None = None,
    tag_column: int = 1,
    stack: bool = True,
    workers: int = 2,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Train a CRF on ``corpora`` and write it with its ``model.json`` into ``out_dir``; returns the metadata.

    With ``stack`` (default) a second-pass CRF is trained on top, whose extra features are the
    labels the first pass gave to other mentions of the same word in nearby sentences
    (first-pass labels on the training data come from 2-fold jackknife models). ``workers``
    processes (at most) train the first-pass models side by side.
    """
    say = log or (lambda _m: None)
    prm = {**DEFAULT_PARAMS, **(params or {})}
    t0 = time.perf_counter()
    data = load_corpora(corpora, tag_column)
    n_sent = sum(len(c.sentences) for c in data)
    if n_sent == 0:
        raise InputError("the training corpora hold no sentences", code="E114")
    gz = gazetteer()
    say(f"read {n_sent} sentences, {sum(c.tokens for c in data)} tokens from {len(data)} file(s); "
        f"gazetteer {len(gz)} entries")
    # one stream of consecutive sentences per corpus file (document features look across sentences)
    streams = [[[fold_token(t) for t in s.tokens] for s in c.sentences] for c in data]
    tags = [[s.tags for s in c.sentences] for c in data]
    base = [[sentence_features(k, gz) for k in st] for st in streams]
    # lexical dropout: some training tokens lose their word-identity features, so that the
    # model also learns to tag from affixes, context and gazetteers (unseen names at test time)
    drop = float(prm.pop("lexical_dropout", 0.0))
    seed = int(prm.pop("seed", 13))
    train_base = _dropout(base, drop, seed) if drop > 0 else base
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"cannot create the output folder {out} ({e.strerror})", code="E115") from e
    final, stack_final = out / MODEL_FILE, out / STACK_FILE
    t1 = time.perf_counter()
    if stack:
        # first pass on everything, plus two half models whose predictions on the other half
        # (jackknife) give the second pass realistic first-pass labels to learn from
        halves = [[(len(st) // 2 <= i) for i in range(len(st))] for st in streams]
        jobs = [
            (_select(train_base, tags, None, None), final),
            (_select(train_base, tags, halves, False), out / (MODEL_FILE + ".half0.tmp")),
            (_select(train_base, tags, halves, True), out / (MODEL_FILE + ".half1.tmp")),
        ]
        say(f"training the first pass and 2 jackknife halves ({prm['max_iterations']} L-BFGS iterations at most, "
            f"{workers} process(es)) ...")
        _fit_many(jobs, prm, workers)
        first_pass = []
        h0, h1 = pycrfsuite.Tagger(), pycrfsuite.Tagger()
        h0.open(str(jobs[1][1]))
        h1.open(str(jobs[2][1]))
        for st_base, half in zip(base, halves, strict=True):
            first_pass.append([(h0 if second else h1).tag(x) if x else [] for x, second in zip(st_base, half,
                                                                                                   strict=True)])
        h0.close()
        h1.close()
        for _x, p in jobs[1:]:
            p.unlink(missing_ok=True)
        stacked = []
        for st_keys, st_base, st_fp in zip(streams, train_base, first_pass, strict=True):
            doc = document_features(st_keys, st_fp)
            stacked.append([stacked_features(x, d, t) for x, d, t in zip(st_base, doc, st_fp, strict=True)])
        say("training the second pass (document features) ...")
        _fit_many([(_select(stacked, tags, None, None), stack_final)], prm, 1)
    else:
        say(f"training the CRF ({prm['max_iterations']} L-BFGS iterations at most) ...")
        _fit_many([(_select(train_base, tags, None, None), final)], prm, 1)
        stack_final.unlink(missing_ok=True)
    train_s = time.perf_counter() - t1
    meta: dict[str, Any] = {
        "name": "marsad Arabic NER CRF",
        "version": _dt.date.today().isoformat(),
        "model_file": MODEL_FILE,
        "sha256": sha256_file(final),
        "size_bytes": final.stat().st_size,
        **({"stack_file": STACK_FILE, "stack_sha256": sha256_file(stack_final),
            "stack_size_bytes": stack_final.stat().st_size, "doc_window": DOC_WINDOW} if stack else {}),
        "labels": ["PER", "LOC", "ORG", "MISC"],
        "feature_set": FEATURE_SET,
        "gazetteer": {"entries": len(gz), "fingerprint": gz.fingerprint()},
        "training": {
            "corpora": [{"file": c.path.name, "sha256": sha256_file(c.path), "sentences": len(c.sentences),
                         "tokens": c.tokens} for c in data],
            "tag_column": tag_column,
            "algorithm": "lbfgs",
            "hyperparameters": {**prm, "lexical_dropout": drop, "seed": seed},
            "stacked": stack,
            "jackknife_folds": 2 if stack else 0,
            "train_seconds": round(train_s, 1),
            "total_seconds": None,
            "python_crfsuite": _pkg_version("python-crfsuite"),
            "command": "marsad train ner " + " ".join(f"--corpus {c.path.name}" for c in data)
            + (f" --eval {Path(eval_path).name}" if eval_path is not None else ""),
        },
    }
    _write_meta(out, meta)
    if eval_path is not None:
        say(f"scoring on {Path(eval_path).name} ...")
        tagger = NerTagger(out)
        gold = read_conll(eval_path, tags=True, tag_column=tag_column).sentences
        res = score([repair_bio(s.tags) for s in gold], tagger.tag_stream([s.tokens for s in gold]))
        meta["evaluation"] = {"file": Path(eval_path).name, "sha256": sha256_file(Path(eval_path)), **res}
    meta["training"]["total_seconds"] = round(time.perf_counter() - t0, 1)
    _write_meta(out, meta)
    return meta


Seqs = list[tuple[list[list[str]], list[str]]]

#: the word-identity features that lexical dropout removes
_LEXICAL = ("w=", "s=", "b-=", "b+=")


def _dropout(feats: list[list[list[list[str]]]], rate: float, seed: int) -> list[list[list[list[str]]]]:
    """A copy of the features where each token, with probability ``rate``, lacks its lexical features."""
    rng = random.Random(seed)
    return [[[([f for f in tok if not f.startswith(_LEXICAL)] if rng.random() < rate else tok) for tok in sent]
             for sent in stream] for stream in feats]


def _select(feats: list[list[list[list[str]]]], tags: list[list[list[str]]],
            halves: list[list[bool]] | None, which: bool | None) -> Seqs:
    """(features, tags) of the sentences of all streams, or only of one jackknife half."""
    out: Seqs = []
    for si, (st_x, st_y) in enumerate(zip(feats, tags, strict=True)):
        for i, (x, y) in enumerate(zip(st_x, st_y, strict=True)):
            if x and (halves is None or halves[si][i] == which):
                out.append((x, y))
    return out


_JOBS: list[tuple[Seqs, Path]] = []


def _fit_job(index: int, params: dict[str, Any]) -> None:
    seqs, path = _JOBS[index]
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for x, y in seqs:
        trainer.append(x, y)
    trainer.set_params(params)
    tmp = path.with_name(path.name + ".part")
    trainer.train(str(tmp))
    os.replace(tmp, path)


def _fit_many(jobs: list[tuple[Seqs, Path]], params: dict[str, Any], workers: int) -> None:
    """Fit one CRF per job, in up to ``workers`` forked processes (the data is shared, not pickled)."""
    global _JOBS
    _JOBS = jobs
    try:
        if workers > 1 and len(jobs) > 1 and "fork" in mp.get_all_start_methods():
            with mp.get_context("fork").Pool(min(workers, len(jobs))) as pool:
                pool.starmap(_fit_job, [(i, params) for i in range(len(jobs))])
        else:
            for i in range(len(jobs)):
                _fit_job(i, params)
    except Exception as e:  # crfsuite raises plain exceptions on write errors
        raise ModelError(f"CRF training failed: {e}", code="E505") from e
    finally:
        _JOBS = []


def _write_meta(out: Path, meta: dict[str, Any]) -> None:
    (out / META_NAME).write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def score(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Exact-span micro P/R/F1 and per-class F1 of predicted BIO tag sequences against gold ones."""
    if len(gold) != len(pred):
        raise ValueError("gold and predicted sentence counts differ")
    tp: Counter[str] = Counter()
    gn: Counter[str] = Counter()
    pn: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        gs, ps = set(bio_spans(list(g))), set(bio_spans(list(p)))
        for s in gs:
            gn[s[2]] += 1
        for s in ps:
            pn[s[2]] += 1
        for s in gs & ps:
            tp[s[2]] += 1

    def prf(t: int, p: int, g: int) -> dict[str, float]:
        pr = t / p if p else 0.0
        rc = t / g if g else 0.0
        return {"p": round(pr, 4), "r": round(rc, 4), "f1": round(2 * pr * rc / (pr + rc) if pr + rc else 0.0, 4)}

    per = {lab: {**prf(tp[lab], pn[lab], gn[lab]), "gold": gn[lab]} for lab in sorted(gn | pn)}
    micro = prf(sum(tp.values()), sum(pn.values()), sum(gn.values()))
    return {"micro": micro, "per_class": per}
