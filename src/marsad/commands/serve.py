"""``marsad serve``: the REST API and the web dashboard (uvicorn), on loopback by default."""

from __future__ import annotations

import argparse
import socket
import sys

from marsad.app import App, Config
from marsad.commands.events import add_db_arg
from marsad.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve", help="serve the REST API and the web dashboard",
        description="Serve the event store over HTTP: the dashboard at /, the JSON API under /api, "
        "its description at /docs. Binds to 127.0.0.1 unless --host says otherwise.")
    add_db_arg(p)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    p.add_argument("--log-level", default="warning", choices=("critical", "error", "warning", "info", "debug"),
                   help="server log level (default warning)")
    p.set_defaults(func=run)


def check_bind(host: str, port: int) -> None:
    """Fail with a one-line error (not a server log) when ``host:port`` cannot be bound."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise InputError(f"--host {host}: not an address of this machine ({e.strerror})", code="E134") from e
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as e:
            raise InputError(f"cannot listen on {host}:{port} ({e.strerror}); another server may be using it: "
                             "pass another --port", code="E135") from e


def run(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise InputError(f"--port {args.port} is not a TCP port; use 1-65535", code="E134")
    check_bind(args.host, args.port)
    import uvicorn

    from marsad.api import create_app

    app = App(Config.from_env(db=args.db))
    app.store  # noqa: B018 - open (and migrate) the database now, so that a bad --db fails before serving
    api = create_app(app)
    print(f"marsad: serving {app.config.db_url} at http://{args.host}:{args.port}/ (Ctrl-C to stop)",
          file=sys.stderr)
    try:
        uvicorn.run(api, host=args.host, port=args.port, log_level=args.log_level)
    finally:
        app.close()
    return 0
