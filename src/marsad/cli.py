"""The ``marsad`` command line.

Subcommands live in :mod:`marsad.commands`, one module each, and are found at
start-up: a module defines ``register(subparsers)`` that adds its parser and sets
``func`` (a callable taking the parsed arguments and returning an exit status).
Every user mistake ends in one line ``marsad: error [CODE]: message`` and exit
status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from marsad import __version__, commands
from marsad.errors import MarsadError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marsad",
        description="Extract structured, geolocated conflict events from Arabic news reports.",
        epilog="Run `marsad COMMAND --help` for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"marsad {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except MarsadError as e:
        print(f"marsad: error [{e.code}]: {e.args[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("marsad: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
