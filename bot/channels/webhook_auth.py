"""Checks that an incoming webhook really comes from its platform; pure functions, no Rasa imports.

Rasa 3.6 checks Slack's and Facebook's signatures but neither Twilio's `X-Twilio-Signature`
nor Telegram's `X-Telegram-Bot-Api-Secret-Token`: without these checks anyone who knows the
URL could talk to the assistant in a patient's name. Every check fails closed: a missing
secret or header is a refusal.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence


def twilio_signature(url: str, params: Mapping[str, Sequence[str]], auth_token: str) -> str:
    """Twilio's signature of a form POST: base64 HMAC-SHA1 over the URL and the sorted name+value pairs.

    A repeated field's distinct values are taken in sorted order, as Twilio's own validator does.
    """
    signed = url + "".join(name + value for name in sorted(params) for value in sorted(set(params[name])))
    digest = hmac.new(auth_token.encode("utf-8"), signed.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def twilio_request_is_authentic(
    url: str, params: Mapping[str, Sequence[str]], signature: str | None, auth_token: str
) -> bool:
    """Whether `signature` is Twilio's for this public webhook URL and these POST parameters."""
    if not (url and auth_token and signature):
        return False
    return _same(twilio_signature(url, params, auth_token), signature)


def token_matches(given: str | None, expected: str) -> bool:
    """Whether a shared secret sent in a request is the expected one (never when either is empty)."""
    if not (expected and given):
        return False
    return _same(expected, given)


def telegram_request_is_authentic(header: str | None, secret_token: str) -> bool:
    """Whether the `X-Telegram-Bot-Api-Secret-Token` header is the secret given to `setWebhook`."""
    return token_matches(header, secret_token)


def facebook_signature(body: bytes, app_secret: str, algorithm: str = "sha256") -> str:
    """Meta's `X-Hub-Signature-256` (or, with "sha1", `X-Hub-Signature`) header value for this body."""
    digest = hmac.new(app_secret.encode("utf-8"), body, algorithm).hexdigest()
    return f"{algorithm}={digest}"


def facebook_request_is_authentic(
    body: bytes, signature_256: str | None, signature_sha1: str | None, app_secret: str
) -> bool:
    """Whether the body carries a valid SHA-256 signature, or failing that a valid SHA-1 one.

    Rasa's own check lets the header choose the hash function (even MD5) and compares with
    `==`; here only SHA-256 and SHA-1 count, compared in constant time.
    """
    if not app_secret:
        return False
    if signature_256:
        return _same(facebook_signature(body, app_secret, "sha256"), signature_256)
    if signature_sha1:
        return _same(facebook_signature(body, app_secret, "sha1"), signature_sha1)
    return False


def _same(expected: str, given: str) -> bool:
    # Bytes, because compare_digest raises on non-ASCII str and a header may hold anything.
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))
