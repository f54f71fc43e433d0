"""Rasa's REST channel behind the guard: same name (`rest`) and URL, POST /webhooks/rest/webhook."""

from __future__ import annotations

import logging

from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.channels.guarded import OnNewMessage, guard_from_env, guarded, install_address_limit, too_many
from bot.channels.ratelimit import RateLimiter

logger = logging.getLogger(__name__)


class GuardedRestInput(RestInput):
    """Rasa's REST channel behind the message guard; 400 without a sender, 429 over the limits."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's blueprint, with the guarded callback and the request checks."""
        blueprint = super().blueprint(guarded(on_new_message, guard_from_env()))
        sender_limiter = RateLimiter(settings.current().rate_limits.per_sender)

        async def check_request(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None
            body = request.json  # invalid JSON: Sanic answers 400
            sender = body.get("sender") if isinstance(body, dict) else None
            if not isinstance(sender, str | int) or not str(sender).strip():
                return response.json({"error": "the body must be a JSON object with a 'sender'"}, status=400)
            if not isinstance(body.get("message"), str | None):
                return response.json({"error": "'message' must be text"}, status=400)
            if not sender_limiter.allow(str(sender)):
                logger.warning("a sender is over the rate limit")
                return too_many(str(sender), sender_limiter.retry_after(str(sender)))
            return None

        blueprint.middleware(check_request, "request")
        return install_address_limit(blueprint)
