"""CLI subcommands: each module defines ``register(subparsers)``; :mod:`marsad.cli` finds them."""
