"""`brochures review NAME --serve`: the brochure's review page served on 127.0.0.1, with the
controls that act on its values.

A small Starlette app, run by uvicorn:

    GET  /             the review page of the latest run, with its action controls enabled
    GET  /corrections  the brochure's corrections (the page shows those it does not yet apply)
    POST /corrections  one correction (JSON: the fields of a corrections-file entry), checked and
                       written by `workspace.review.add_checked_correction`, the path
                       `brochures correct` takes; 201 with what it will do, or 422 with why not

The server writes files, so it answers only its own page: the Host must be the server's own
address (no other name resolving to 127.0.0.1), a POST must come from the server's origin, and
every request to /corrections must carry the token embedded in the page it served (a random one
per server). The page applies a correction at once in the page; the files of the output folder
change at the next run.
"""

from __future__ import annotations

import json
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from reports.pages import enable_review_actions
from schemas import BrochureError, InputError, OutputError
from schemas.corrections import Correction, CorrectionEntry, CorrectionError
from schemas.records import RoleCategory
from workspace.catalogue import Catalogue
from workspace.corrections import corrections_root_for, find_corrections_files, load_corrections
from workspace.layout import OutputLayout, named_brochure
from workspace.review import add_checked_correction, corrections_file

HOST = "127.0.0.1"
TOKEN_HEADER = "X-Review-Token"
MAX_BODY_BYTES = 16_384  # one correction is a few hundred bytes
# The served page loads nothing from anywhere and is framed by no one; its script may only
# talk to this server.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class ReviewSite:
    """What the review server serves: one brochure of an output folder, where its corrections
    go (`root`, None: the folder runs find), and the server's secret token."""

    layout: OutputLayout
    brochure: str
    root: Path | None = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    @property
    def name(self) -> str:
        """The name the brochure goes by."""
        return named_brochure(self.brochure)

    def page(self) -> Path:
        """The review page of the brochure's latest run; `InputError` when there is none."""
        page = self.layout.review(self.name)
        if not page.is_file():
            raise InputError(
                page,
                f"there is no review page for '{self.brochure}'",
                f"Run 'brochures run --out {self.layout.folder}' first, or check the name.",
            )
        return page

    def source(self) -> str:
        """The brochure file of the latest edition, as the catalogue recorded it."""
        with Catalogue(self.layout.catalogue, create=False) as catalogue:
            latest = catalogue.latest(self.name)
        if latest is None:
            raise InputError(
                self.layout.catalogue,
                f"the catalogue has no edition of '{self.brochure}'",
                f"Run 'brochures run --out {self.layout.folder}' first, or check the name.",
            )
        return latest.source

    def corrections_file(self) -> Path:
        """The brochure's own corrections file, where the page's corrections are written."""
        return corrections_file(self.source(), self.name, self.root)

    def corrections(self) -> list[CorrectionEntry]:
        """Every correction for the brochure, in the files a run reads, in their order."""
        source = self.source()
        root = self.root if self.root is not None else corrections_root_for(source)
        entries: list[CorrectionEntry] = []
        for path in find_corrections_files(source, root):
            entries += load_corrections(path).for_brochure(self.name)
        return entries


def local_hosts(port: int) -> frozenset[str]:
    """Given the server's port, return the Host headers that name this server."""
    return frozenset({f"{HOST}:{port}", f"localhost:{port}"})


def review_app(site: ReviewSite, hosts: Iterable[str]) -> Starlette:
    """Given what to serve and the Host headers that name the server (`local_hosts(port)`),
    return the review server's app."""
    allowed_hosts = frozenset(hosts)
    origins = frozenset(f"http://{host}" for host in allowed_hosts)
    # One correction at a time: each reads the corrections file, checks, and writes it whole.
    writing = threading.Lock()

    def refusal(request: Request, write: bool) -> Response | None:
        """The answer to a request the server must not serve, or None."""
        host = request.headers.get("host", "")
        if host not in allowed_hosts:
            return _error(
                403,
                f"refused: the request names the host {host!r}, not this server "
                f"({', '.join(sorted(allowed_hosts))}); open the address 'brochures review "
                "--serve' printed",
            )
        if write:
            origin = request.headers.get("origin")
            if origin not in origins:
                return _error(
                    403,
                    f"refused: a correction from {origin or 'a page without an Origin'}, not "
                    f"from this server's page ({', '.join(sorted(origins))}); corrections are "
                    "written only from the page this server serves",
                )
        if request.url.path == "/corrections":
            given = request.headers.get(TOKEN_HEADER, "")
            if not secrets.compare_digest(given.encode(), site.token.encode()):
                return _error(
                    403,
                    f"refused: the request lacks this server's token (header {TOKEN_HEADER}); "
                    "reload the page this server serves",
                )
        return None

    async def page(request: Request) -> Response:
        refused = refusal(request, write=False)
        if refused is not None:
            return refused
        try:
            html = site.page().read_text(encoding="utf-8")
            served = enable_review_actions(html, _page_settings(site))
        except BrochureError as error:
            return _error(404, str(error), plain=True)
        return HTMLResponse(served, headers=SECURITY_HEADERS)

    async def list_corrections(request: Request) -> Response:
        refused = refusal(request, write=False)
        if refused is not None:
            return refused
        try:
            entries = site.corrections()
        except BrochureError as error:
            return _error(422, str(error))
        return JSONResponse(
            {"corrections": [_entry_json(entry) for entry in entries]}, headers=SECURITY_HEADERS
        )

    async def add(request: Request) -> Response:
        refused = refusal(request, write=True)
        if refused is not None:
            return refused
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            return _error(
                415, f"expected a JSON body (Content-Type application/json), not {kind!r}"
            )
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _error(
                413, f"the body has {len(body)} bytes; one correction has at most {MAX_BODY_BYTES}"
            )
        try:
            correction = parse_correction(body)
        except CorrectionError as error:
            return _error(422, error.problem)
        # Run here, not in a thread: requests are answered one at a time, so two corrections
        # never interleave in the file (the lock says so for any other caller).
        with writing:
            try:
                added = add_checked_correction(site.layout, site.brochure, correction, site.root)
            except (CorrectionError, InputError) as error:
                return _error(422, str(error))
            except (OutputError, OSError) as error:
                return _error(500, f"the correction could not be written: {error}")
        entry = CorrectionEntry(
            id=added.outcome.correction_id,
            brochure=site.name,
            correction=correction,
            file=str(added.path),
        )
        return JSONResponse(
            {
                "correction": _entry_json(entry, added.outcome.reason),
                "file": str(added.path),
                "corrections": len(added.corrections.entries),
                "message": f"added to {added.path}: {added.outcome.reason}; "
                "it applies at the next run",
            },
            status_code=201,
            headers=SECURITY_HEADERS,
        )

    return Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route("/corrections", list_corrections, methods=["GET"]),
            Route("/corrections", add, methods=["POST"]),
        ]
    )


def parse_correction(body: bytes) -> Correction:
    """Given a request's body, return the correction it holds; `CorrectionError` saying what is
    wrong otherwise."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorrectionError(
            None, f"the body is not JSON: {error}", "Send one JSON object."
        ) from error
    if not isinstance(data, dict):
        raise CorrectionError(
            None,
            f"expected a JSON object with the fields of a correction, found {type(data).__name__}",
            "Send one JSON object.",
        )
    try:
        return Correction.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise CorrectionError(
            None,
            f"the correction is not valid: {where + ': ' if where else ''}{first['msg']}",
            "Check the fields sent.",
        ) from error


def _page_settings(site: ReviewSite) -> dict[str, Any]:
    """What the served page's script is told: the token, where corrections go, the choices."""
    return {
        "token": site.token,
        "brochure": site.name,
        "corrections_file": str(site.corrections_file()),
        "categories": list(get_args(RoleCategory)),
    }


def _entry_json(entry: CorrectionEntry, reason: str | None = None) -> dict[str, Any]:
    """A correction as the page reads it: id, project, action, target, what it does."""
    correction = entry.correction
    target = correction.target
    described = correction.action.replace("_", " ") + (f" {target!r}" if target else "")
    return {
        "id": entry.id,
        "project": correction.project,
        "action": correction.action,
        "target": target,
        "reason": reason or described,
        "correction": correction.model_dump(mode="json", exclude_none=True),
    }


def _error(status: int, message: str, plain: bool = False) -> Response:
    """A refusal: the message as JSON (`{"error": ...}`), or as plain text (for a page)."""
    if plain:
        return Response(
            message, status_code=status, media_type="text/plain", headers=SECURITY_HEADERS
        )
    return JSONResponse({"error": message}, status_code=status, headers=SECURITY_HEADERS)


# --- running ------------------------------------------------------------------------------------


def bind_local(port: int = 0) -> socket.socket:
    """Given a port (0: any free one), return a listening socket on 127.0.0.1 only."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A server started again at once may take its port back (never one another server holds).
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
        sock.listen(64)
    except (OSError, OverflowError) as error:  # taken, not allowed, or not a port at all
        sock.close()
        reason = str(getattr(error, "strerror", None) or error).rstrip(".")
        raise InputError(
            f"{HOST}:{port}",
            f"cannot listen there: {reason}",
            "Choose another --port, or leave it out to take a free one.",
        ) from error
    return sock


def _server(site: ReviewSite, sock: socket.socket) -> Any:
    """A uvicorn server of the review app, for the socket."""
    import uvicorn

    port = sock.getsockname()[1]
    config = uvicorn.Config(
        review_app(site, local_hosts(port)), log_level="warning", lifespan="off"
    )
    return uvicorn.Server(config)


def url_of(sock: socket.socket) -> str:
    """The address of the page served on the socket."""
    return f"http://{HOST}:{sock.getsockname()[1]}/"


def serve_review(site: ReviewSite, port: int = 0, ready: Callable[[str], None] = print) -> None:
    """Serve the brochure's review page on 127.0.0.1 until Ctrl-C or SIGTERM (uvicorn stops
    on either, then the signal takes its usual course); `ready` is given the page's address
    once the server listens."""
    site.page()  # the page, the catalogue and the corrections file must be known first
    site.corrections_file()
    sock = bind_local(port)
    with sock:
        server = _server(site, sock)
        ready(url_of(sock))
        server.run(sockets=[sock])


@contextmanager
def background_review_server(site: ReviewSite, port: int = 0) -> Iterator[str]:
    """Serve the review page in a thread of this process while the block runs; yield its
    address (for tests, and for tools that embed the server)."""
    sock = bind_local(port)
    server = _server(site, sock)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise OutputError(None, "the review server did not start", "See its log above.")
            time.sleep(0.02)
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
