"""The web server in process: pages, headers, the REST proxy and the QR code, with a fake Rasa server."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from knowledge.model import KnowledgeSource
from knowledge.payloads import entry_payload
from tools.rest_client import free_port
from webapp.server import DEMO_BRAND, MAX_QR_BYTES, STATIC, WebSettings, make_app, qr_svg


@pytest.fixture
async def fake_rasa() -> AsyncIterator[tuple[str, list[Any]]]:
    """A stand-in for the Rasa REST channel that records what it receives."""
    received: list[Any] = []

    async def webhook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response([{"recipient_id": "p1", "text": "hello"}])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    server = TestServer(app)
    await server.start_server()
    yield str(server.make_url("")).rstrip("/"), received
    await server.close()


async def client_for(settings: WebSettings) -> TestClient:
    client = TestClient(TestServer(make_app(settings)))
    await client.start_server()
    return client


async def test_the_proxy_forwards_sender_and_message_only(fake_rasa: tuple[str, list[Any]]) -> None:
    url, received = fake_rasa
    client = await client_for(WebSettings(rasa_url=url))
    try:
        response = await client.post(
            "/webhooks/rest/webhook", json={"sender": "web-abc", "message": "/ask_risks", "metadata": {"x": 1}}
        )
        assert response.status == 200
        assert await response.json() == [{"recipient_id": "p1", "text": "hello"}]
        assert received == [{"sender": "web-abc", "message": "/ask_risks"}]
    finally:
        await client.close()


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"sender": "a b", "message": "hi"}', b'{"sender": "ok", "message": 3}', b'{"message": "x"}'],
)
async def test_the_proxy_refuses_malformed_bodies(fake_rasa: tuple[str, list[Any]], body: bytes) -> None:
    url, received = fake_rasa
    client = await client_for(WebSettings(rasa_url=url))
    try:
        response = await client.post("/webhooks/rest/webhook", data=body)
        assert response.status == 400
        assert received == []
    finally:
        await client.close()


async def test_a_body_over_64_kib_is_refused(fake_rasa: tuple[str, list[Any]]) -> None:
    url, received = fake_rasa
    client = await client_for(WebSettings(rasa_url=url))
    try:
        body = json.dumps({"sender": "web-1", "message": "a " * 40_000})
        response = await client.post("/webhooks/rest/webhook", data=body)
        assert response.status == 413
        assert received == []
    finally:
        await client.close()


async def test_the_proxy_says_502_when_the_assistant_is_down() -> None:
    client = await client_for(WebSettings(rasa_url=f"http://127.0.0.1:{free_port()}"))
    try:
        response = await client.post("/webhooks/rest/webhook", json={"sender": "web-1", "message": "hi"})
        assert response.status == 502
        assert await response.json() == {"error": "assistant_unreachable"}
    finally:
        await client.close()


async def test_every_response_forbids_inline_script_caching_and_sniffing() -> None:
    client = await client_for(WebSettings())
    try:
        for path in ("/", "/kiosk", "/static/widget.js", "/no-such-page"):
            response = await client.get(path)
            assert "script-src 'self'" in response.headers["Content-Security-Policy"], path
            assert response.headers["Cache-Control"] == "no-store", path
            assert response.headers["X-Content-Type-Options"] == "nosniff", path
            assert "Set-Cookie" not in response.headers, path
    finally:
        await client.close()


async def test_the_kiosk_page_carries_its_timers() -> None:
    client = await client_for(WebSettings(kiosk_idle_s=90, kiosk_warning_s=25))
    try:
        page = await (await client.get("/kiosk")).text()
        assert 'data-idle-seconds="90" data-warning-seconds="25"' in page
    finally:
        await client.close()


async def test_other_origins_get_cors_headers_only_when_listed(fake_rasa: tuple[str, list[Any]]) -> None:
    url, _ = fake_rasa
    client = await client_for(WebSettings(rasa_url=url, allowed_origins=("https://clinic.example",)))
    try:
        body = {"sender": "web-1", "message": "hi"}
        listed = await client.post("/webhooks/rest/webhook", json=body, headers={"Origin": "https://clinic.example"})
        assert listed.headers["Access-Control-Allow-Origin"] == "https://clinic.example"
        other = await client.post("/webhooks/rest/webhook", json=body, headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in other.headers
    finally:
        await client.close()


async def test_the_qr_endpoint_returns_an_svg() -> None:
    client = await client_for(WebSettings())
    try:
        response = await client.post("/qr", json={"text": "1. What are the risks?"})
        assert response.status == 200 and response.content_type == "image/svg+xml"
        assert (await response.text()).startswith("<svg")
        assert (await client.post("/qr", json={"text": ""})).status == 400
    finally:
        await client.close()


def test_text_too_long_for_a_qr_code_is_refused() -> None:
    with pytest.raises(ValueError, match="too long"):
        qr_svg("x" * (MAX_QR_BYTES + 1))


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_PORT", "9090")
    monkeypatch.setenv("BIND_HOST", "0.0.0.0")  # noqa: S104 - a value under test, nothing binds
    monkeypatch.setenv("RASA_PORT", "5999")
    monkeypatch.delenv("RASA_URL", raising=False)
    monkeypatch.setenv("KIOSK_IDLE_SECONDS", "60")
    monkeypatch.setenv("WEB_ALLOWED_ORIGINS", "https://a.example/, https://b.example")
    settings = WebSettings.from_env()
    assert (settings.port, settings.host, settings.rasa_url) == (9090, "0.0.0.0", "http://127.0.0.1:5999")  # noqa: S104
    assert settings.kiosk_idle_s == 60 and settings.kiosk_warning_s == 30
    assert settings.allowed_origins == ("https://a.example", "https://b.example")


async def test_the_demo_page_names_a_clinic_only_when_one_is_set() -> None:
    for settings, shown in (
        (WebSettings(), DEMO_BRAND.replace("'", "&#x27;")),
        (WebSettings(clinic_name="Riverside <Spine> & Back"), "Riverside &lt;Spine&gt; &amp; Back"),
    ):
        client = await client_for(settings)
        try:
            page = await (await client.get("/")).text()
            assert f'<p class="demo-brand">{shown}</p>' in page
            assert "{{" not in page and "Example Spine Clinic" not in page
        finally:
            await client.close()


def test_the_clinic_name_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINIC_NAME", raising=False)
    assert WebSettings.from_env().clinic_name == ""
    monkeypatch.setenv("CLINIC_NAME", " Riverside Spine Clinic ")
    assert WebSettings.from_env().clinic_name == "Riverside Spine Clinic"


def test_kiosk_topics_that_ask_for_the_articles_research_say_it_is_the_articles(source: KnowledgeSource) -> None:
    research = {
        entry_payload(e) for e in source.entries if e.source == "Research and Evidence-Based Insights" and e.intent
    }
    page = (STATIC / "kiosk.html").read_text(encoding="utf-8")
    topics = re.findall(r'data-payload="([^"]+)">([^<]+)</button>', page)
    asked = [(payload, title) for payload, title in topics if payload in research]
    assert asked, "the kiosk offers the research"
    assert all("article" in title for _, title in asked), asked
