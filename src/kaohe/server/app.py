"""The Starlette application of ``kaohe serve``: pages for people, JSON for programs.

Pages (server-side rendered from the Jinja2 templates beside this module;
a little plain JavaScript refreshes the what-if panel without a reload):

- ``/``: the units of each category, ranked; ``/cadres``: cadres by unit;
- ``/explain/{id}``: the derivation of a unit's or cadre's result;
- ``/whatif``: every number of the scheme as a field; changing one shows
  who changes grade and why (``/whatif/changes``: that part alone).

JSON (described at ``/openapi.json``): ``/api/results``,
``/api/explain/{id}``, ``/api/parameters``, ``POST /api/whatif``. Errors
are ``{"error": status, "message": ...}``, the message in the language
the server was started in (``kaohe --lang``); a bug is a 500 with a short
message, never a traceback.

Nothing is fetched from elsewhere (the Content-Security-Policy allows this
server only) and nothing is written. With a token, every request must
carry it (``Authorization: Bearer``, or ``?token=`` once in a browser,
which then keeps it in a cookie); without one, 401. Bound to a loopback
address, requests must name a loopback host too, so that a page elsewhere
cannot reach the server through a DNS name of its own.
"""

from __future__ import annotations

import hmac
import json
import math
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

import attrs
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import KaoheError, bug_message
from ..i18n import _
from .board import Board, NotFound
from .openapi import document

HERE = Path(__file__).resolve().parent
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
COOKIE = "kaohe_token"
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (then no token is required)."""
    import ipaddress

    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Guard:
    """ASGI middleware: the token check (when there is a token) and the security headers."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        given = self._given(request)
        if self.token is not None and not (
            given is not None and hmac.compare_digest(given.encode(), self.token.encode())
        ):
            response = _error(401, _("this server needs its token: Authorization: Bearer TOKEN"))
            response.headers["www-authenticate"] = "Bearer"
            await response(scope, receive, send)
            return
        from_query = self.token is not None and request.query_params.get("token") == self.token

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                if from_query:
                    cookie = f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
                    headers.append((b"set-cookie", cookie.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _given(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            return header[7:].strip()
        return request.query_params.get("token") or request.cookies.get(COOKIE)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": status, "message": message}, status_code=status)


def _jsonable(value: Any) -> Any:
    """Floats that JSON can carry: NaN and infinities become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def create_app(board: Board, *, token: str | None = None, host: str = "127.0.0.1") -> Starlette:
    """The application over ``board``; ``token`` required of every request when given.

    Bound to a loopback ``host``, requests must name a loopback host.
    """
    pages = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    summary = board.summary()
    params = board.parameters()
    spec = document()

    def page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = pages.get_template(name).render(summary=summary, **values)
        return HTMLResponse(html, status_code=status)

    async def rankings(request: Request) -> Response:
        return page("rankings.html", rankings=board.rankings())

    async def cadres(request: Request) -> Response:
        names = {unit["id"]: unit["name"] for unit in board.units()}
        by_unit: dict[str, list[dict[str, Any]]] = {}
        for cadre in board.cadres():
            by_unit.setdefault(cadre["unit_id"] or "", []).append(cadre)
        for members in by_unit.values():
            members.sort(key=lambda c: (c["rank"] is None, c["rank"] or 0, c["id"]))
        return page("cadres.html", by_unit=by_unit, names=names)

    async def explanation_page(request: Request) -> Response:
        overrides = _overrides_from_query(request, params)
        try:
            found = board.explanation(request.path_params["id"], overrides)
        except NotFound as error:
            return page("error.html", status=404, message=str(error))
        except KaoheError as error:
            return page("error.html", status=400, message=str(error))
        shown = board.overrides_shown(overrides)
        return page("explain.html", explanation=found, overrides=shown)

    async def whatif_page(request: Request) -> Response:
        overrides = _overrides_from_query(request, params)
        changed = _whatif_or_error(board, overrides)
        values = {p.path: overrides.get(p.path, p.value) for p in params}
        return page(
            "whatif.html", params=params, values=values, found=changed, query=request.url.query
        )

    async def whatif_changes(request: Request) -> Response:
        changed = _whatif_or_error(board, _overrides_from_query(request, params))
        return page("changes.html", found=changed, query=request.url.query)

    async def api_results(request: Request) -> Response:
        return JSONResponse(
            _jsonable({"summary": summary, "units": board.units(), "cadres": board.cadres()})
        )

    async def api_explain(request: Request) -> Response:
        try:
            found = board.explanation(request.path_params["id"])
        except NotFound as error:
            return _error(404, str(error))
        answer = attrs.asdict(found)
        answer["id"] = answer.pop("entity_id")
        answer["text"] = found.render()
        return JSONResponse(answer)

    async def api_parameters(request: Request) -> Response:
        return JSONResponse(_jsonable([p.as_dict() for p in params]))

    async def api_whatif(request: Request) -> Response:
        try:
            body = json.loads(await request.body() or b"{}")
        except (ValueError, UnicodeDecodeError):
            return _error(400, _("the request body is not JSON"))
        problem = _whatif_body_problem(body)
        if problem:
            return _error(400, problem)
        try:
            found = board.whatif(
                body.get("set", {}), off=body.get("off", []), on=body.get("on", [])
            )
        except KaoheError as error:
            return _error(400, str(error))
        return JSONResponse(_jsonable(found))

    async def openapi(request: Request) -> Response:
        return JSONResponse(spec)

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        message = {404: _("no such page"), 405: _("this method is not allowed here")}.get(
            error.status_code, str(error.detail)
        )
        if request.url.path.startswith("/api/"):
            return _error(error.status_code, message)
        return page("error.html", status=error.status_code, message=message)

    async def server_error(request: Request, error: Exception) -> Response:
        """A bug (of kaohe or a plugin): a short message, never a traceback."""
        message = bug_message(type(error).__name__)
        if request.url.path.startswith("/api/"):
            return _error(500, message)
        return page("error.html", status=500, message=message)

    allowed = list(LOOPBACK_HOSTS) if is_loopback(host) else ["*"]
    handlers: Mapping[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        HTTPException: http_error,
        Exception: server_error,
    }
    return Starlette(
        routes=[
            Route("/", rankings),
            Route("/cadres", cadres),
            Route("/explain/{id:path}", explanation_page),
            Route("/whatif", whatif_page),
            Route("/whatif/changes", whatif_changes),
            Route("/api/results", api_results),
            Route("/api/explain/{id:path}", api_explain),
            Route("/api/parameters", api_parameters),
            Route("/api/whatif", api_whatif, methods=["POST"]),
            Route("/openapi.json", openapi),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[
            Middleware(Guard, token=token),
            Middleware(TrustedHostMiddleware, allowed_hosts=allowed),
        ],
        exception_handlers=dict(handlers),
    )


def _overrides_from_query(request: Request, params: list[Any]) -> dict[str, object]:
    """The fields of the what-if form whose value differs from the scheme's."""
    current = {p.path: p.value for p in params}
    overrides: dict[str, object] = {}
    for path, text in request.query_params.items():
        if path not in current or not text.strip():
            continue
        try:
            value = float(text)
        except ValueError:
            overrides[path] = text  # checked, and refused with a message, by the board
            continue
        if value != current[path]:
            overrides[path] = value
    return overrides


def _whatif_or_error(board: Board, overrides: dict[str, object]) -> dict[str, Any]:
    if not overrides:
        return {"changes": [], "overrides": [], "summary": None, "error": None}
    try:
        return {**board.whatif(overrides), "error": None}
    except KaoheError as error:
        return {"changes": [], "overrides": [], "summary": None, "error": str(error)}


def _whatif_body_problem(body: object) -> str | None:
    """What is wrong with the body of ``POST /api/whatif`` (None: nothing)."""
    if not isinstance(body, dict):
        return _('expected a JSON object {"set": {PATH: VALUE}, "off": [RULE], "on": [RULE]}')
    unknown = sorted(set(body) - {"set", "off", "on"})
    if unknown:
        return _("unknown member {names}; expected set, off and on").format(
            names=", ".join(unknown)
        )
    if not isinstance(body.get("set", {}), dict):
        return _('"set" must be an object {PATH: VALUE}')
    for key in ("off", "on"):
        rules = body.get(key, [])
        if not isinstance(rules, list) or not all(isinstance(rule, str) for rule in rules):
            return _('"{key}" must be a list of rule names').format(key=key)
    return None


__all__ = ["Guard", "create_app", "is_loopback"]
