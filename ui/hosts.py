"""The chat trusts no host: every request's Host (and Origin, when sent) must name an address the app is served on.

Without this, a page on evil.example whose name is re-pointed at 127.0.0.1 (DNS rebinding) could read, upload and
remove documents on the no-login loopback app: Gradio answered ``Host: evil.example`` and echoed any Origin.

Allowed: the loopback names (localhost, 127.0.0.1, ::1) and the bound host, on the served port; this machine's name;
and what ``QA_ALLOWED_HOSTS`` lists (comma-separated ``name`` or ``name:port``, e.g. the public name of a reverse
proxy).  Anything else gets 403 before Gradio (and its CORS headers) sees the request.
"""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def _split(hostport: str) -> tuple[str, int | None]:
    """'name:port' / '[::1]:port' / 'name' -> (lower-case name, port or None); ('', None) when unparseable."""
    try:
        parts = urlsplit("//" + hostport.strip())
        return (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "", None


@dataclass
class AllowedHosts:
    """Names accepted on any port (``anywhere``) and (name, port) pairs accepted on one port (``on_port``)."""

    anywhere: set[str] = field(default_factory=set)
    on_port: set[tuple[str, int]] = field(default_factory=set)

    def allows(self, hostport: str) -> bool:
        name, port = _split(hostport)
        if not name:
            return False
        return name in self.anywhere or (name, port) in self.on_port or (port is None and any(n == name for n, _ in self.on_port))

    def describe(self) -> str:
        return ", ".join(sorted(self.anywhere | {f"{n}:{p}" for n, p in self.on_port}))


def allowed_hosts(bound_host: str, port: int, extra: str = "") -> AllowedHosts:
    """What the app served on bound_host:port answers to; ``extra`` is QA_ALLOWED_HOSTS."""
    allowed = AllowedHosts()
    names = set(LOOPBACK_NAMES)
    if bound_host not in WILDCARD_HOSTS:
        names.add(bound_host.strip("[]").lower())
    else:  # listening everywhere: this machine's own name too
        names.add(socket.gethostname().lower())
    allowed.on_port = {(n, port) for n in names}
    for item in (x.strip() for x in (extra or "").split(",")):
        if not item:
            continue
        name, item_port = _split(item)
        if name and item_port is None:
            allowed.anywhere.add(name)
        elif name:
            allowed.on_port.add((name, item_port))
    return allowed


class HostCheckMiddleware:
    """ASGI middleware: 403 for a Host or Origin that is not allowed (websockets are closed)."""

    def __init__(self, app, allowed: AllowedHosts):
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        problem = self.problem(headers.get("host", ""), headers.get("origin"))
        if problem is None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = (problem + "\n").encode()
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    def problem(self, host: str, origin: str | None) -> str | None:
        """Why a request is refused, or None."""
        hint = f"Open the app at an address it is served on ({self.allowed.describe()}), or add this one to QA_ALLOWED_HOSTS."
        if not self.allowed.allows(host):
            return f"Host {host!r} is not an address of this app. {hint}"
        if origin is not None:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not self.allowed.allows(parts.netloc):
                return f"Origin {origin!r} is not an address of this app. {hint}"
        return None


_create_app_lock = threading.Lock()


@contextmanager
def host_check(host: str, port: int, extra: str = ""):
    """Launch with ui.hosts.HostCheckMiddleware outermost: added right after Gradio builds its FastAPI app (Gradio adds
    its own CORS middleware there, which would otherwise run first and echo a foreign Origin)."""
    from gradio.routes import App

    allowed = allowed_hosts(host, port, extra)
    original = App.__dict__["create_app"]

    def create_app(*args: object, **kwargs: object):
        App.create_app = original  # this launch only
        server = original.__func__(*args, **kwargs)
        server.add_middleware(HostCheckMiddleware, allowed=allowed)
        return server

    with _create_app_lock:
        App.create_app = staticmethod(create_app)
        try:
            yield
        finally:
            App.create_app = original

