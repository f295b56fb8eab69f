"""``marsad gazetteer import|list|remove``: manage user-imported gazetteers (OCHA COD CSV/GeoJSON)."""

from __future__ import annotations

import argparse
import time

from marsad.geo.importer import import_file, list_gazetteers, remove_gazetteer
from marsad.geo.index import load_index


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "gazetteer",
        help="import, list or remove authoritative gazetteers (OCHA COD CSV/GeoJSON)",
        description="Manage the gazetteers used besides the bundled GeoNames and curated places. Imported "
        "gazetteers live in the user data folder (MARSAD_HOME) and are merged into the place index.",
    )
    gsub = p.add_subparsers(dest="action", metavar="ACTION")
    imp = gsub.add_parser("import", help="import a places CSV or an admin-boundary/places GeoJSON",
                          description="Import an OCHA COD file: the communities CSV (LocationName_ar, Latitude_y, "
                          "Longitude_x, admin names and p-codes) or a GeoJSON of admin boundaries (ADMn_AR/ADMn_EN; "
                          "polygons also give admin1-3 by point-in-polygon), admin points or neighbourhoods.")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--name", help="the gazetteer's name (default: the file name)")
    imp.add_argument("--format", choices=("auto", "csv", "geojson"), default="auto")
    imp.add_argument("--country", metavar="CC", help="ISO country code for files that do not say it")
    imp.add_argument("--no-build", action="store_true", help="do not rebuild the place index now")
    imp.set_defaults(func=run_import)
    ls = gsub.add_parser("list", help="list imported gazetteers")
    ls.set_defaults(func=run_list)
    rm = gsub.add_parser("remove", help="remove an imported gazetteer")
    rm.add_argument("name", metavar="NAME")
    rm.set_defaults(func=run_remove)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_import(args: argparse.Namespace) -> int:
    res = import_file(args.file, name=args.name, fmt=args.format, country=args.country)
    msg = f"imported {res.places} places" + (f" and {res.shapes} admin boundaries" if res.shapes else "")
    print(f"{msg} as {res.name!r} ({res.fmt}) into {res.path}")
    if not args.no_build:
        t = time.perf_counter()
        idx = load_index()
        print(f"place index rebuilt: {len(idx.entries)} places in {time.perf_counter() - t:.1f} s")
    return 0


def run_list(args: argparse.Namespace) -> int:
    gs = list_gazetteers()
    if not gs:
        print("no imported gazetteers (import one with `marsad gazetteer import FILE`)")
        return 0
    for g in gs:
        print(f"{g['name']}\t{g.get('places', '?')} places\t{g.get('shapes', 0)} boundaries\t"
              f"{g.get('format', '?')}\t{g.get('source_file', '')}\t{g.get('imported', '')}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    remove_gazetteer(args.name)
    print(f"removed gazetteer {args.name!r}")
    return 0
