"""The project's web server: the demo page with the widget, the kiosk, and the REST channel proxied same-origin.

The widget and the kiosk post to `/webhooks/rest/webhook` on this server, which forwards the body to the
Rasa server. Being same-origin, the browser needs no CORS and the Rasa server never has to be exposed;
clinics that embed the widget on another site list their origin in `WEB_ALLOWED_ORIGINS`.

Nothing a patient types is logged or stored here: the access log has paths only, the QR code is made in
memory, and every response says `Cache-Control: no-store`.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import io
import json
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import segno
from aiohttp import web

STATIC = Path(__file__).with_name("static")
# The Rasa server refuses bodies over SANIC_REQUEST_MAX_SIZE (64 KiB by default); refuse them here first.
MAX_BODY_BYTES = 65536
# A QR code holds at most 2953 bytes (version 40, low error correction); longer text cannot be encoded.
MAX_QR_BYTES = 2953
SENDER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
UPSTREAM_TIMEOUT_S = 60.0

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class WebSettings:
    """The web server's settings: where it listens, the Rasa server, the kiosk's privacy timers, the proxy secret.

    `clinic_name` (`CLINIC_NAME`) heads the demo page when set; unset, the page names no clinic.
    """

    port: int = 8080
    host: str = "127.0.0.1"
    rasa_url: str = "http://127.0.0.1:5005"
    kiosk_idle_s: float = 120.0
    kiosk_warning_s: float = 30.0
    allowed_origins: tuple[str, ...] = ()
    forwarded_secret: str = field(default="", repr=False)
    clinic_name: str = ""

    @classmethod
    def from_env(cls) -> WebSettings:
        """`WEB_PORT`, `BIND_HOST`, `RASA_URL` (or `RASA_PORT`), the kiosk's timers and `CLINIC_NAME`."""
        host = os.environ.get("BIND_HOST", cls.host)
        rasa_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - compared, not bound
        rasa_port = os.environ.get("RASA_PORT", "5005")
        origins = os.environ.get("WEB_ALLOWED_ORIGINS", "")
        return cls(
            port=int(os.environ.get("WEB_PORT", cls.port)),
            host=host,
            rasa_url=os.environ.get("RASA_URL", f"http://{rasa_host}:{rasa_port}").rstrip("/"),
            kiosk_idle_s=float(os.environ.get("KIOSK_IDLE_SECONDS", cls.kiosk_idle_s)),
            kiosk_warning_s=float(os.environ.get("KIOSK_WARNING_SECONDS", cls.kiosk_warning_s)),
            allowed_origins=tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip()),
            forwarded_secret=os.environ.get("SANIC_FORWARDED_SECRET", "").strip(),
            clinic_name=os.environ.get("CLINIC_NAME", "").strip(),
        )


SETTINGS_KEY = web.AppKey("settings", WebSettings)
SESSION_KEY = web.AppKey("session", aiohttp.ClientSession)


def make_app(settings: WebSettings) -> web.Application:
    """The aiohttp application; tests and `main()` both build it here."""
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[_headers])
    app[SETTINGS_KEY] = settings
    app.cleanup_ctx.append(_client_session)
    app.router.add_get("/", _demo)
    app.router.add_get("/kiosk", _kiosk)
    app.router.add_get("/healthz", _health)
    app.router.add_post("/webhooks/rest/webhook", _proxy)
    app.router.add_route("OPTIONS", "/webhooks/rest/webhook", _preflight)
    app.router.add_post("/qr", _qr)
    app.router.add_static("/static/", STATIC, show_index=False, follow_symlinks=False)
    return app


async def _client_session(app: web.Application) -> AsyncIterator[None]:
    # One connection pool for the server's life, made when it starts rather than at import.
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=UPSTREAM_TIMEOUT_S)) as session:
        app[SESSION_KEY] = session
        yield


@web.middleware
async def _headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    # A shared kiosk must leave nothing behind, not even in the HTTP cache.
    response.headers["Cache-Control"] = "no-store"
    _allow_origin(request, response)
    if isinstance(response, web.HTTPException):
        raise response
    return response


def _allow_origin(request: web.Request, response: web.StreamResponse) -> None:
    origin = request.headers.get("Origin", "").rstrip("/")
    if origin and origin in request.app[SETTINGS_KEY].allowed_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Vary"] = "Origin"


# What heads the demo page when no clinic is named: no clinic's name is ever made up.
DEMO_BRAND = "A clinic's website (demo)"


async def _demo(request: web.Request) -> web.Response:
    name = request.app[SETTINGS_KEY].clinic_name or DEMO_BRAND
    page = (STATIC / "index.html").read_text(encoding="utf-8").replace("{{clinic_name}}", html.escape(name))
    return web.Response(text=page, content_type="text/html")


async def _kiosk(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS_KEY]
    page = (STATIC / "kiosk.html").read_text(encoding="utf-8")
    page = page.replace("{{idle_seconds}}", f"{settings.kiosk_idle_s:g}")
    page = page.replace("{{warning_seconds}}", f"{settings.kiosk_warning_s:g}")
    return web.Response(text=page, content_type="text/html")


async def _health(_: web.Request) -> web.Response:
    return web.Response(text="ok")


async def _preflight(_: web.Request) -> web.Response:
    return web.Response(status=204)


def _error(status: int, code: str) -> web.Response:
    return web.json_response({"error": code}, status=status)


def forwarded_for(request: web.Request) -> dict[str, str]:
    """A `Forwarded` header naming the patient's address, signed with the secret the Rasa server trusts.

    Without it every widget and kiosk user would reach Rasa from this server's address and share
    one per-address rate limit. Rasa's Sanic believes the header only with `SANIC_FORWARDED_SECRET`
    (the launcher sets one for both servers), so a client cannot forge its address.
    """
    secret = WebSettings.from_env().forwarded_secret
    if not secret or not request.remote:
        return {}
    address = f"[{request.remote}]" if ":" in request.remote else request.remote
    return {"Forwarded": f'for="{address}";secret="{secret}"'}


async def _proxy(request: web.Request) -> web.Response:
    """Forward one message to the Rasa REST channel; 502 when the assistant cannot be reached."""
    try:
        body: Any = json.loads(await request.read())
    except web.HTTPRequestEntityTooLarge:
        return _error(413, "too_large")
    except ValueError:
        return _error(400, "not_json")
    if not (
        isinstance(body, dict)
        and isinstance(body.get("sender"), str)
        and SENDER.match(body["sender"])
        and isinstance(body.get("message"), str)
    ):
        return _error(400, "expected_sender_and_message")
    forwarded = {"sender": body["sender"], "message": body["message"]}
    url = f"{request.app[SETTINGS_KEY].rasa_url}/webhooks/rest/webhook"
    try:
        async with request.app[SESSION_KEY].post(url, json=forwarded, headers=forwarded_for(request)) as upstream:
            payload = await upstream.read()
            if upstream.status == 429:
                # Over a rate limit: Rasa's body holds the kind reply the widget shows.
                return web.Response(body=payload, status=429, content_type="application/json")
            if upstream.status != 200:
                return _error(upstream.status if upstream.status < 500 else 502, "assistant_error")
            return web.Response(body=payload, content_type="application/json")
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return _error(502, "assistant_unreachable")


def qr_svg(text: str) -> bytes:
    """The text as a QR code in SVG, made locally.

    Raises:
        ValueError: the text is empty or too long for a QR code.
    """
    if not text.strip():
        raise ValueError("nothing to encode")
    if len(text.encode("utf-8")) > MAX_QR_BYTES:
        raise ValueError("too long for a QR code")
    code = segno.make(text, error="L", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=4, border=4, dark="#000", light="#fff", xmldecl=False, svgns=True)
    return buffer.getvalue()


async def _qr(request: web.Request) -> web.Response:
    try:
        body: Any = json.loads(await request.read())
        text = body["text"] if isinstance(body, dict) and isinstance(body.get("text"), str) else ""
        return web.Response(body=qr_svg(text), content_type="image/svg+xml")
    except web.HTTPRequestEntityTooLarge:
        return _error(413, "too_large")
    except ValueError:
        return _error(400, "cannot_encode")


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until stopped (the launcher starts this as its third process)."""
    parser = argparse.ArgumentParser(prog="python -m webapp", description=__doc__)
    parser.parse_args(argv)
    settings = WebSettings.from_env()
    web.run_app(make_app(settings), host=settings.host, port=settings.port, print=None)
    return 0
