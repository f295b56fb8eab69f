"""``marsad actors list|show|resolve|check|add``: browse, check and extend the actor registry.

``add`` writes the user's own actor file (``marsad.paths.data_dir()/actors.jsonl``),
which is loaded after the bundled registry; every addition is validated against
the whole registry (unique id and aliases, known parent, category 1–8).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from marsad.errors import InputError
from marsad.model import ACTOR_CATEGORIES
from marsad.registry import ActorEntry, ActorRegistry, add_user_actor, default_registry, user_file


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "actors",
        help="list, show, resolve and add actors of the registry",
        description="Browse the actor registry (bundled + your own file) and add actors to your own file.",
    )
    asub = p.add_subparsers(dest="actors_command", metavar="ACTION")

    ls = asub.add_parser("list", help="list actors (filter by country, category, name)")
    ls.add_argument("--country", metavar="CC", help="ISO country code, e.g. SY")
    ls.add_argument("--category", type=int, metavar="N", help="ACLED category 1-8")
    ls.add_argument("--query", "-q", metavar="TEXT", help="part of a name or alias (Arabic or English)")
    ls.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    ls.set_defaults(func=run_list)

    sh = asub.add_parser("show", help="show one actor with all its aliases")
    sh.add_argument("id", metavar="ID")
    sh.add_argument("--json", action="store_true", help="print the entry as JSON")
    sh.set_defaults(func=run_show)

    rs = asub.add_parser("resolve", help="resolve a phrase («قوات الأسد», «ميليشيا حزب الله اللبنانية») to an actor")
    rs.add_argument("text", metavar="TEXT")
    rs.add_argument("--country", metavar="CC", help="document country for ambiguous words (e.g. YE for «التحالف»)")
    rs.set_defaults(func=run_resolve)

    ck = asub.add_parser("check", help="validate the registry with your own actor file (or another JSONL file)")
    ck.add_argument("file", nargs="?", metavar="JSONL", help="an actor file to check instead of your own")
    ck.set_defaults(func=run_check)

    ad = asub.add_parser("add", help="add an actor to your own registry file",
                         description=f"Add an actor to {user_file()} (loaded after the bundled registry).")
    ad.add_argument("--id", required=True, help="new id: lower-case letters, digits and '-' (e.g. sy-liwa-x)")
    ad.add_argument("--name", required=True, help="canonical English name")
    ad.add_argument("--ar", nargs="+", required=True, metavar="ALIAS",
                    help="Arabic names: the first is the canonical one, the rest are aliases")
    ad.add_argument("--en", nargs="*", default=[], metavar="ALIAS", help="English aliases")
    ad.add_argument("--category", type=int, required=True,
                    help="ACLED category: " + ", ".join(f"{k} {v}" for k, v in ACTOR_CATEGORIES.items()))
    ad.add_argument("--country", help="ISO country code of the actor's home country (e.g. SY)")
    ad.add_argument("--parent", help="id of the umbrella group")
    ad.add_argument("--wikidata", help="Wikidata id (Q…)")
    ad.add_argument("--replace", action="store_true", help="replace your own actor with the same id")
    ad.set_defaults(func=run_add)
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])


def _row(e: ActorEntry) -> str:
    return f"{e.id:<28} {e.category}  {(e.country or '--'):<3} {e.name[:48]:<48} {e.name_ar}"


def run_list(args: argparse.Namespace) -> int:
    if args.category is not None and args.category not in ACTOR_CATEGORIES:
        raise InputError(f"--category {args.category} is not an ACLED category; use 1-8", code="E124")
    reg = default_registry()
    found = reg.search(country=args.country, category=args.category, query=args.query)
    out = sys.stdout
    if args.json:
        for e in found:
            out.write(json.dumps(e.to_dict(), ensure_ascii=False) + "\n")
        return 0
    for e in found:
        out.write(_row(e) + "\n")
    out.write(f"{len(found)} of {len(reg)} actors\n")
    return 0


def run_show(args: argparse.Namespace) -> int:
    reg = default_registry()
    e = reg.require(args.id)
    if args.json:
        print(json.dumps(e.to_dict(), ensure_ascii=False, indent=1))
        return 0
    parent = reg.get(e.parent) if e.parent else None
    print(f"id:        {e.id}")
    print(f"name:      {e.name}")
    print(f"name_ar:   {e.name_ar}")
    print(f"category:  {e.category} ({ACTOR_CATEGORIES[e.category]})")
    print(f"country:   {e.country or '-'}")
    print(f"parent:    {(parent.id + ' (' + parent.name + ')') if parent else '-'}")
    if e.wikidata:
        print(f"wikidata:  {e.wikidata}")
    print(f"source:    {e.source}")
    print(f"arabic:    {' | '.join(e.ar) or '-'}")
    print(f"english:   {' | '.join(e.en) or '-'}")
    children = [c.id for c in reg if c.parent == e.id]
    if children:
        print(f"children:  {', '.join(children)}")
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    from marsad.stages.actors import resolve_actor_text

    a = resolve_actor_text(args.text, country=args.country.upper() if args.country else None)
    if a is None:
        raise InputError(f"no actor found in {args.text!r}; add one with `marsad actors add`", code="E125")
    print(json.dumps({**a.to_dict(), "mention": a.mention}, ensure_ascii=False))
    return 0


def run_check(args: argparse.Namespace) -> int:
    path = Path(args.file) if args.file else user_file()
    if args.file and not path.is_file():
        raise InputError(f"{path}: no such file", code="E101")
    reg = ActorRegistry.load(path)
    user = sum(1 for e in reg if e.source == "user")
    print(f"ok: {len(reg)} actors ({user} from {path if path.is_file() else 'no user file'}), "
          f"{reg.alias_count()} names and aliases")
    return 0


def run_add(args: argparse.Namespace) -> int:
    rec = {"id": args.id, "name": args.name, "name_ar": args.ar[0], "ar": args.ar[1:], "en": args.en,
           "category": args.category, "country": args.country.upper() if args.country else None,
           "parent": args.parent, "wikidata": args.wikidata}
    e = add_user_actor(rec, replace=args.replace)
    print(f"added {e.id} ({e.name}) to {user_file()}")
    return 0
