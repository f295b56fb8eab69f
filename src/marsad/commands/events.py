"""``marsad events list|show|unmerge|review``: query stored events, explain and undo merges, record reviews."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from marsad.app import App, Config
from marsad.errors import InputError, StoreError
from marsad.readers import parse_date
from marsad.store import REVIEW_STATES, EventFilter, StoredEvent


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("events", help="list, show, unmerge and review stored events",
                       description="Query the event database filled by `marsad ingest`.")
    esub = p.add_subparsers(dest="events_command", metavar="ACTION")

    lp = esub.add_parser("list", help="list events matching filters",
                         description="List stored events; every given filter must hold.")
    add_db_arg(lp)
    add_filter_args(lp)
    lp.add_argument("--limit", type=int, default=None, metavar="N", help="at most N events")
    lp.add_argument("--offset", type=int, default=0, metavar="N", help="skip the first N events")
    lp.add_argument("--format", choices=("table", "jsonl", "json"), default="table", help="output (default table)")
    lp.set_defaults(func=run_list)

    sp = esub.add_parser("show", help="one event with its sources, evidence and merge reasons")
    add_db_arg(sp)
    sp.add_argument("id", type=int, help="event id (from `marsad events list`)")
    sp.add_argument("--json", action="store_true", help="print as JSON")
    sp.set_defaults(func=run_show)

    up = esub.add_parser("unmerge", help="split a merged event back into one event per source",
                         description="Undo a merge: every source but the first (or only the sources given "
                         "with --source) becomes an event of its own again.")
    add_db_arg(up)
    up.add_argument("id", type=int, help="the merged event's id")
    up.add_argument("--source", type=int, action="append", metavar="SOURCE_ID",
                    help="split off only this source (ids from `marsad events show`); may be repeated")
    up.set_defaults(func=run_unmerge)

    rp = esub.add_parser("review", help="set an event's review state")
    add_db_arg(rp)
    rp.add_argument("id", type=int, help="event id")
    rp.add_argument("state", choices=REVIEW_STATES, help="the new state")
    rp.add_argument("--note", help="a note kept with the review")
    rp.add_argument("--reviewer", help="who reviewed")
    rp.set_defaults(func=run_review)

    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def add_db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH|URL",
                   help="SQLite file or postgresql:// URL (default $MARSAD_DB, else the user data folder)")


def add_filter_args(p: argparse.ArgumentParser) -> None:
    """The event filters shared by `events list` and `export`."""
    g = p.add_argument_group("filters")
    g.add_argument("--since", metavar="DATE", help="events on or after this date (YYYY-MM-DD)")
    g.add_argument("--until", metavar="DATE", help="events on or before this date (YYYY-MM-DD)")
    g.add_argument("--type", metavar="TYPE", help="event type or sub-event type, e.g. Battles or 'Air/drone strike'")
    g.add_argument("--actor", metavar="NAME", help="part of an actor's name (English or Arabic), either side")
    g.add_argument("--country", metavar="CC", help="ISO 3166 alpha-2 country code, e.g. SY")
    g.add_argument("--admin1", metavar="NAME", help="first-level unit (province) as stored")
    g.add_argument("--bbox", metavar="W,S,E,N", help="bounding box: min_lon,min_lat,max_lon,max_lat")
    g.add_argument("--text", metavar="WORDS", help="words in the source article text or the notes")
    g.add_argument("--review", choices=REVIEW_STATES, help="only events in this review state")
    g.add_argument("--merged", action="store_true", help="only events merged from several sources")
    g.add_argument("--no-background", action="store_true", help="leave out background (old) events")


def filter_from_args(args: argparse.Namespace) -> EventFilter:
    bbox = None
    if args.bbox:
        try:
            parts = [float(x) for x in args.bbox.split(",")]
        except ValueError as e:
            raise InputError("--bbox must be four numbers MIN_LON,MIN_LAT,MAX_LON,MAX_LAT", code="E111") from e
        if len(parts) != 4:
            raise InputError("--bbox must be four numbers MIN_LON,MIN_LAT,MAX_LON,MAX_LAT", code="E111")
        bbox = (parts[0], parts[1], parts[2], parts[3])
    flt = EventFilter(
        since=parse_date(args.since, "--since: "), until=parse_date(args.until, "--until: "), event_type=args.type,
        actor=args.actor, country=args.country, admin1=args.admin1, bbox=bbox, text=args.text,
        review_state=args.review, merged_only=args.merged, include_background=not args.no_background,
        limit=getattr(args, "limit", None), offset=getattr(args, "offset", 0) or 0,
    )
    flt.validate()
    return flt


def _app(args: argparse.Namespace) -> App:
    return App(Config.from_env(db=args.db))


def run_list(args: argparse.Namespace) -> int:
    flt = filter_from_args(args)
    with _app(args) as app:
        events = app.store.list_events(flt)
    out = sys.stdout
    if args.format == "jsonl":
        for se in events:
            out.write(json.dumps(se.to_dict(), ensure_ascii=False) + "\n")
    elif args.format == "json":
        json.dump([se.to_dict() for se in events], out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        print_table(events, out)
    return 0


def print_table(events: list[StoredEvent], out: TextIO) -> None:
    cols = ("id", "date", "type", "sub_event_type", "actor1", "actor2", "location", "fat", "src")
    rows = []
    for se in events:
        e = se.event
        rows.append((str(se.id), e.date.isoformat() if e.date else "", e.event_type, e.sub_event_type,
                     e.actor1.name if e.actor1 else "", e.actor2.name if e.actor2 else "",
                     (e.location.name or e.location.name_ar or "") if e.location else "", str(e.fatalities),
                     str(len(se.sources))))
    widths = [min(32, max([len(c)] + [len(r[i]) for r in rows])) for i, c in enumerate(cols)]
    out.write("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip() + "\n")
    for r in rows:
        out.write("  ".join(v[:w].ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() + "\n")
    out.write(f"{len(events)} events\n")


def _get(app: App, event_id: int) -> StoredEvent:
    se = app.store.get_event(event_id)
    if se is None:
        raise StoreError(f"event {event_id} does not exist; list events with `marsad events list`", code="E310")
    return se


def run_show(args: argparse.Namespace) -> int:
    with _app(args) as app:
        se = _get(app, args.id)
        history = app.store.merge_history(args.id)
    if args.json:
        print(json.dumps({**se.to_dict(), "history": history}, ensure_ascii=False, indent=2))
        return 0
    e = se.event
    print(f"event {se.id}: {e.event_type} / {e.sub_event_type}  [{se.review_state}]")
    print(f"  date        {e.date.isoformat() if e.date else '?'} (precision {e.time_precision or '?'})")
    print(f"  actor1      {_actor(e.actor1)}")
    print(f"  actor2      {_actor(e.actor2)}")
    if e.location:
        loc = e.location
        admin = ", ".join(x for x in (loc.admin1, loc.admin2, loc.admin3) if x)
        print(f"  place       {loc.name or loc.name_ar} ({loc.country or '?'}{'; ' + admin if admin else ''}) "
              f"{loc.latitude:.4f},{loc.longitude:.4f} precision {loc.geo_precision}")
    else:
        print("  place       ?")
    print(f"  fatalities  {e.fatalities}" + (" (lowest toll stated by a source)" if se.merged else ""))
    if e.notes:
        print(f"  notes       {e.notes}")
    print(f"  {len(se.sources)} source{'s' if len(se.sources) != 1 else ''}:")
    for i, s in enumerate(se.sources):
        print(f"  [{s.id}] {s.outlet or 'unknown outlet'} - document {s.doc_key} "
              f"(published {s.published.isoformat() if s.published else '?'}){' ' + s.url if s.url else ''}")
        print(f"      reported: {s.report.sub_event_type}, {s.report.date.isoformat() if s.report.date else '?'}, "
              f"{s.report.fatalities} killed")
        for ev in s.report.evidence:
            print(f"      {ev.role:<9} [{ev.start}:{ev.end}] «{ev.text}»")
        if i == 0:
            print("      first report of this event")
        elif s.merge_reason:
            print(f"      merged because: {s.merge_reason}")
    unmerges = [h for h in history if h["action"] == "unmerge"]
    for h in unmerges:
        print(f"  unmerged {h['at']}: {h['detail']}")
    if se.merged:
        print(f"  undo with: marsad events unmerge {se.id}")
    return 0


def _actor(a: object) -> str:
    if a is None:
        return "-"
    name = getattr(a, "name", "") or ""
    ar = getattr(a, "name_ar", None)
    cat = getattr(a, "category", None)
    return name + (f" ({ar})" if ar and ar != name else "") + (f" [inter {cat}]" if cat else "")


def run_unmerge(args: argparse.Namespace) -> int:
    with _app(args) as app:
        new_ids = app.store.unmerge(args.id, args.source)
    print(f"event {args.id}: split off {len(new_ids)} source{'s' if len(new_ids) != 1 else ''} "
          f"into event{'s' if len(new_ids) != 1 else ''} {', '.join(map(str, new_ids))}")
    return 0


def run_review(args: argparse.Namespace) -> int:
    with _app(args) as app:
        app.store.set_review(args.id, args.state, args.note, args.reviewer)
    print(f"event {args.id}: {args.state}")
    return 0
