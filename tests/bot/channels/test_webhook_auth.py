"""The webhook checks Rasa leaves to the project: Twilio's signature, Telegram's secret, Meta's signature."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from twilio.request_validator import RequestValidator

from bot.channels.webhook_auth import (
    facebook_request_is_authentic,
    facebook_signature,
    telegram_request_is_authentic,
    token_matches,
    twilio_request_is_authentic,
    twilio_signature,
)

URL = "https://clinic.example.org/webhooks/twilio/webhook"
TOKEN = "12345"  # noqa: S105
PARAMS = {"From": ["+15551230000"], "To": ["+15559870000"], "Body": ["what is vertebroplasty"], "NumMedia": ["0"]}


def test_the_twilio_signature_is_the_one_twilios_own_library_computes() -> None:
    single = {name: values[0] for name, values in PARAMS.items()}
    assert twilio_signature(URL, PARAMS, TOKEN) == RequestValidator(TOKEN).compute_signature(URL, single)


class MultiDict(dict[str, list[str]]):
    """A form with repeated fields, as Twilio's validator reads one."""

    def getall(self, name: str) -> list[str]:
        return self[name]


def test_repeated_fields_are_signed_as_twilios_own_library_signs_them() -> None:
    params = {"Sid": ["CA123"], "SidAccount": ["AC123"], "Digits": ["5678", "1234", "1234"]}
    expected = RequestValidator(TOKEN).compute_signature(
        "https://mycompany.com/myapp.php?foo=1&bar=2", MultiDict(params)
    )
    assert twilio_signature("https://mycompany.com/myapp.php?foo=1&bar=2", params, TOKEN) == expected
    assert expected == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


def test_twilio_documentations_example_signature_matches() -> None:
    # The published vector of Twilio's security docs and helper libraries (auth token "12345").
    params = {
        "CallSid": ["CA1234567890ABCDE"],
        "Caller": ["+14158675309"],
        "Digits": ["1234"],
        "From": ["+14158675309"],
        "To": ["+18005551212"],
    }
    signature = twilio_signature("https://mycompany.com/myapp.php?foo=1&bar=2", params, TOKEN)
    assert signature == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_a_valid_twilio_signature_passes_and_any_change_fails() -> None:
    signature = twilio_signature(URL, PARAMS, TOKEN)
    assert twilio_request_is_authentic(URL, PARAMS, signature, TOKEN)
    assert not twilio_request_is_authentic(URL, {**PARAMS, "Body": ["call me"]}, signature, TOKEN)
    assert not twilio_request_is_authentic(URL + "?x=1", PARAMS, signature, TOKEN)
    assert not twilio_request_is_authentic(URL, PARAMS, signature, "another-token")


@pytest.mark.parametrize("signature", [None, "", "bm90IGEgc2lnbmF0dXJl", "é"])
def test_a_missing_or_wrong_twilio_signature_fails(signature: str | None) -> None:
    assert not twilio_request_is_authentic(URL, PARAMS, signature, TOKEN)


def test_without_an_auth_token_or_url_nothing_passes() -> None:
    assert not twilio_request_is_authentic(URL, PARAMS, twilio_signature(URL, PARAMS, ""), "")
    assert not twilio_request_is_authentic("", PARAMS, twilio_signature("", PARAMS, TOKEN), TOKEN)


@pytest.mark.parametrize(
    ("header", "ok"), [("s3cret-token", True), ("s3cret-tokeN", False), ("", False), (None, False)]
)
def test_the_telegram_secret_token_must_match_exactly(header: str | None, ok: bool) -> None:
    assert telegram_request_is_authentic(header, "s3cret-token") is ok


def test_an_empty_configured_secret_accepts_nothing() -> None:
    assert not telegram_request_is_authentic("", "")
    assert not token_matches("anything", "")


def test_meta_signatures_sha256_first_then_sha1() -> None:
    body = b'{"object": "page"}'
    sha256 = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    sha1 = "sha1=" + hmac.new(b"app-secret", body, hashlib.sha1).hexdigest()
    assert facebook_signature(body, "app-secret") == sha256
    assert facebook_request_is_authentic(body, sha256, None, "app-secret")
    assert facebook_request_is_authentic(body, None, sha1, "app-secret")
    assert not facebook_request_is_authentic(body, "sha256=" + "0" * 64, sha1, "app-secret")
    assert not facebook_request_is_authentic(body + b" ", sha256, sha1, "app-secret")


def test_a_meta_signature_with_another_hash_function_is_refused() -> None:
    body = b"{}"
    md5 = "md5=" + hmac.new(b"app-secret", body, hashlib.md5).hexdigest()
    assert not facebook_request_is_authentic(body, None, md5, "app-secret")
    assert not facebook_request_is_authentic(body, None, None, "app-secret")
    assert not facebook_request_is_authentic(body, facebook_signature(body, ""), None, "")
