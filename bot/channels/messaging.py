"""Telegram, Slack, Facebook Messenger and Twilio channels behind the message guard.

Each is Rasa's own channel, named like it (so its webhook stays at
`/webhooks/<name>/webhook`), with three changes:

- The webhook is checked before a message reaches the assistant. Rasa checks Slack's and
  Facebook's signatures; here Twilio's `X-Twilio-Signature` and Telegram's secret-token
  header are checked too, and a Facebook request with a bad signature gets 403 instead of
  Rasa's 200. A refused request never reaches `on_new_message`, so nothing is stored, and
  only the refusal is logged, never the message.
- Every message passes the same guard as the web channels (`bot.channels.guarded`).
- Replies are sent in the platform's shape: buttons the platform cannot show become
  numbered choices that the patient answers with the number (`bot.channels.choices`), and a
  `custom` payload (the web widget's citation or the emergency marker) is never sent to
  the person as raw JSON; its text part, the "Source:" line and the emergency advice, are
  in the response text for these channels.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiogram import Bot
from aiogram.utils.exceptions import TelegramAPIError
from fbmessenger import MessengerClient
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput, Messenger, MessengerBot
from rasa.core.channels.slack import SlackBot, SlackInput
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.choices import ChoiceBook, numbered_choices
from bot.channels.guarded import OnNewMessage, guard_from_env, guarded
from bot.channels.webhook_auth import (
    facebook_request_is_authentic,
    telegram_request_is_authentic,
    token_matches,
    twilio_request_is_authentic,
)

logger = logging.getLogger(__name__)

TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"
FORBIDDEN = 403
# Platform limits on buttons (from each platform's API reference); beyond them the
# buttons are sent as numbered choices instead of being dropped or rejected.
TELEGRAM_MAX_CALLBACK_BYTES = 64
SLACK_MAX_BUTTONS = 5
SLACK_MAX_TITLE = 75
FACEBOOK_MAX_QUICK_REPLIES = 13
FACEBOOK_MAX_TITLE = 20
FACEBOOK_MAX_PAYLOAD = 1000


def messaging_guarded(on_new_message: OnNewMessage, book: ChoiceBook) -> OnNewMessage:
    """The guarded callback, reading a number as the choice it stands for in the latest reply."""
    handle = guarded(on_new_message, guard_from_env())

    async def choose_then_handle(message: UserMessage) -> None:
        conversation = str(message.sender_id)
        chosen = book.resolve(conversation, message.text)
        book.start_reply(conversation)
        if chosen is not None:
            message.text = chosen
        await handle(message)

    return choose_then_handle


def _section(channel: type[Any], credentials: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if not credentials:
        channel.raise_missing_credentials_exception()
    return credentials or {}


def _before_every_request(blueprint: Blueprint, check: Callable[[Request], Awaitable[HTTPResponse | None]]) -> None:
    """Run `check` before each of the blueprint's routes; a response from it ends the request there."""

    # A plain function, not the bound method: Sanic 21.12's blueprint `middleware` takes
    # anything else for decorator use and silently registers nothing.
    async def middleware(request: Request) -> HTTPResponse | None:
        return await check(request)

    blueprint.middleware(middleware, "request")


def _refuse(platform: str, why: str) -> HTTPResponse:
    # The request is not logged: a forged one may still carry a patient's words.
    logger.warning("refused a %s webhook request: %s", platform, why)
    return response.text("forbidden", status=FORBIDDEN)


class _PlatformReplies(OutputChannel):
    """Numbered choices where the platform cannot show the buttons; no raw JSON to people.

    Mixed in before the platform's output channel, which provides `send_text_message`.
    """

    book: ChoiceBook

    def shows_buttons(self, buttons: list[dict[str, Any]]) -> bool:
        """Whether the platform can show these buttons as buttons."""
        return False

    async def send_platform_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Send the buttons the platform's own way."""
        raise NotImplementedError

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """The platform's buttons, or the text with the buttons as numbered choices."""
        if self.shows_buttons(buttons):
            await self.send_platform_buttons(recipient_id, text, buttons, **kwargs)
            return
        first = self.book.offer(recipient_id, buttons)
        titles = [str(button.get("title", "")) for button in buttons]
        await self.send_text_message(recipient_id, numbered_choices(text, titles, first))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies are buttons here."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Not sent: the payload is for the web widget, and its meaning is in the text already."""
        logger.debug("not sending a custom payload on %s (keys: %s)", self.name(), sorted(json_message))


# --- Telegram -------------------------------------------------------------------------


class GuardedTelegramOutput(_PlatformReplies, TelegramOutput):
    """Telegram replies: an inline keyboard, one button per row; numbered choices if a payload is too long."""

    _me: Any = None

    async def get_me(self) -> Any:
        """The bot's own account, asked of Telegram once: Rasa's channel checks it on every update."""
        if self._me is None:
            self._me = await TelegramOutput.get_me(self)
        return self._me

    def shows_buttons(self, buttons: list[dict[str, Any]]) -> bool:
        """Telegram's callback data holds at most 64 bytes."""
        return all(len(str(b.get("payload", "")).encode("utf-8")) <= TELEGRAM_MAX_CALLBACK_BYTES for b in buttons)

    async def send_platform_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """One button per row: question titles are too long to share a row."""
        await TelegramOutput.send_text_with_buttons(self, recipient_id, text, buttons, button_type="vertical")


async def register_telegram_webhook(access_token: str, webhook_url: str, secret_token: str) -> None:
    """Point Telegram at the webhook, with the secret it must send back in every request.

    aiogram 2.15 predates `secret_token`, so the Bot API method is called directly, with a
    bot of its own whose session is closed here: the server's bot must not hold a session
    from this short-lived event loop.
    """
    bot = Bot(access_token)
    try:
        await bot.request("setWebhook", {"url": webhook_url, "secret_token": secret_token})
    finally:
        # The session itself: aiogram 2's Bot.close is deprecated, to become the API's "close".
        await bot.session.close()


class GuardedTelegramInput(TelegramInput):
    """Rasa's Telegram channel, checking Telegram's secret-token header."""

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any] | None) -> GuardedTelegramInput:
        """The channel from its `credentials.yml` section."""
        credentials = _section(cls, credentials)
        return cls(
            credentials.get("access_token"),
            credentials.get("verify"),
            credentials.get("webhook_url"),
            secret_token=str(credentials.get("secret_token") or ""),
        )

    def __init__(
        self,
        access_token: str | None,
        verify: str | None,
        webhook_url: str | None,
        secret_token: str = "",
        debug_mode: bool = True,
        register_webhook: bool = True,
    ) -> None:
        """Rasa's arguments, plus the secret token and whether to register the webhook at start."""
        super().__init__(access_token, verify, webhook_url, debug_mode)
        self.secret_token = secret_token
        self.register_webhook = register_webhook
        self.book = ChoiceBook()
        self._output: GuardedTelegramOutput | None = None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's blueprint with the guarded callback, behind the secret-token check."""
        blueprint = super().blueprint(messaging_guarded(on_new_message, self.book))
        _before_every_request(blueprint, self._check_secret_token)
        return blueprint

    async def _check_secret_token(self, request: Request) -> HTTPResponse | None:
        path = request.path.rstrip("/")
        if path.endswith("/set_webhook"):
            # Registered at start with the secret; an open route would let anyone re-register it without.
            return _refuse("telegram", "set_webhook is not served")
        if path.endswith("/webhook") and not telegram_request_is_authentic(
            request.headers.get(TELEGRAM_SECRET_HEADER), self.secret_token
        ):
            return _refuse("telegram", f"missing or wrong {TELEGRAM_SECRET_HEADER}")
        if path.endswith("/webhook") and request.method == "POST":
            await self._acknowledge_button(request)
        return None

    async def _acknowledge_button(self, request: Request) -> None:
        # Until a tapped inline button is answered, Telegram shows it as loading.
        update = request.json if isinstance(request.json, dict) else {}
        query = update.get("callback_query") or {}
        if self._output is not None and query.get("id"):
            try:
                await self._output.answer_callback_query(str(query["id"]))
            except TelegramAPIError as error:
                logger.warning("could not acknowledge a Telegram button: %s", type(error).__name__)

    def get_output_channel(self) -> GuardedTelegramOutput:
        """The output channel; registers the webhook with its secret first, unless told not to."""
        channel = GuardedTelegramOutput(self.access_token)
        channel.book = self.book
        self._output = channel
        if self.register_webhook:
            try:
                asyncio.run(register_telegram_webhook(str(self.access_token), str(self.webhook_url), self.secret_token))
            except TelegramAPIError as error:
                raise RasaException(f"Failed to set the Telegram webhook: {error}") from error
        return channel


# --- Slack ----------------------------------------------------------------------------


class GuardedSlackOutput(_PlatformReplies, SlackBot):
    """Slack replies: Block Kit buttons, or numbered choices past Slack's limits."""

    def shows_buttons(self, buttons: list[dict[str, Any]]) -> bool:
        """At most five buttons (Rasa's channel drops them all beyond that), titles of at most 75 characters."""
        return len(buttons) <= SLACK_MAX_BUTTONS and all(
            len(str(b.get("title", ""))) <= SLACK_MAX_TITLE for b in buttons
        )

    async def send_platform_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Rasa's Block Kit message."""
        await SlackBot.send_text_with_buttons(self, recipient_id, text, buttons, **kwargs)


class GuardedSlackInput(SlackInput):
    """Rasa's Slack channel (which checks `X-Slack-Signature` itself) behind the message guard."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Rasa's arguments."""
        super().__init__(*args, **kwargs)
        self.book = ChoiceBook()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's blueprint, with the guarded callback."""
        return super().blueprint(messaging_guarded(on_new_message, self.book))

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> GuardedSlackOutput:
        """The output channel for a Slack channel (or the bot's direct messages) and thread."""
        output = GuardedSlackOutput(self.slack_token, channel or self.slack_channel, thread_id, self.proxy)
        output.book = self.book
        return output


# --- Facebook Messenger ---------------------------------------------------------------


class GuardedMessengerOutput(_PlatformReplies, MessengerBot):
    """Messenger replies: quick replies when they fit, numbered choices otherwise."""

    def shows_buttons(self, buttons: list[dict[str, Any]]) -> bool:
        """At most 13 quick replies, titles of at most 20 characters (most questions are longer)."""
        return len(buttons) <= FACEBOOK_MAX_QUICK_REPLIES and all(
            len(str(b.get("title", ""))) <= FACEBOOK_MAX_TITLE
            and len(str(b.get("payload", "")).encode("utf-8")) <= FACEBOOK_MAX_PAYLOAD
            for b in buttons
        )

    async def send_platform_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies: unlike the button template, they allow more than three and stay out of the way."""
        replies = [{"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons]
        await MessengerBot.send_quick_replies(self, recipient_id, text, replies)


class _GuardedMessenger(Messenger):
    """Rasa's Messenger webhook handler, sending through the channel's own output."""

    def __init__(self, on_new_message: OnNewMessage, output: GuardedMessengerOutput) -> None:
        # Not Messenger.__init__: it makes a second API client that would never be used.
        self.on_new_message = on_new_message
        self.output = output
        self.last_message: dict[str, Any] = {}

    async def _handle_user_message(self, text: str, sender_id: str, metadata: dict[str, Any] | None) -> None:
        output = self.output
        await output.send_action(sender_id, sender_action="mark_seen")
        await output.send_action(sender_id, sender_action="typing_on")
        try:
            await self.on_new_message(
                UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata)
            )
        except Exception as error:
            # The error's type only: its message could quote the patient.
            logger.error("a Facebook message could not be handled: %s", type(error).__name__)
        finally:
            await output.send_action(sender_id, sender_action="typing_off")


class GuardedFacebookInput(FacebookInput):
    """Rasa's Facebook Messenger channel: signature checked in constant time, 403 when it is wrong."""

    def __init__(self, fb_verify: str, fb_secret: str, fb_access_token: str) -> None:
        """Rasa's arguments."""
        super().__init__(fb_verify, fb_secret, fb_access_token)
        self.book = ChoiceBook()
        self.client_factory: Callable[[str], Any] = MessengerClient

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's routes, with the guarded callback and a 403 for a bad signature."""
        handle = messaging_guarded(on_new_message, self.book)
        webhook = Blueprint("fb_webhook", __name__)

        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def token_verification(request: Request) -> HTTPResponse:
            if not token_matches(request.args.get("hub.verify_token"), str(self.fb_verify or "")):
                return _refuse("facebook", "wrong hub.verify_token")
            return response.text(request.args.get("hub.challenge") or "")

        async def message(request: Request) -> HTTPResponse:
            if not facebook_request_is_authentic(
                request.body,
                request.headers.get("X-Hub-Signature-256"),
                request.headers.get("X-Hub-Signature"),
                self.fb_secret,
            ):
                return _refuse("facebook", "missing or wrong X-Hub-Signature")
            messenger = _GuardedMessenger(handle, self.get_output_channel())
            await messenger.handle(request.json, self.get_metadata(request))
            return response.text("success")

        webhook.add_route(health, "/", methods=["GET"])
        webhook.add_route(token_verification, "/webhook", methods=["GET"], name="token_verification")
        webhook.add_route(message, "/webhook", methods=["POST"], name="webhook")
        return webhook

    def get_output_channel(self) -> GuardedMessengerOutput:
        """The output channel, sending through the page's API client."""
        output = GuardedMessengerOutput(self.client_factory(self.fb_access_token))
        output.book = self.book
        return output


# --- Twilio (SMS, WhatsApp) -----------------------------------------------------------


class GuardedTwilioOutput(_PlatformReplies, TwilioOutput):
    """SMS and WhatsApp replies: plain text, buttons always as numbered choices."""


class GuardedTwilioInput(TwilioInput):
    """Rasa's Twilio channel, checking `X-Twilio-Signature` against the public webhook URL."""

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any] | None) -> GuardedTwilioInput:
        """The channel from its `credentials.yml` section."""
        credentials = _section(cls, credentials)
        return cls(
            credentials.get("account_sid"),
            credentials.get("auth_token"),
            credentials.get("twilio_number"),
            webhook_url=str(credentials.get("webhook_url") or ""),
        )

    def __init__(
        self,
        account_sid: str | None,
        auth_token: str | None,
        twilio_number: str | None,
        webhook_url: str = "",
        debug_mode: bool = True,
    ) -> None:
        """Rasa's arguments, plus the URL Twilio posts to (signed as Twilio sees it, not as Sanic does)."""
        super().__init__(account_sid, auth_token, twilio_number, debug_mode)
        self.webhook_url = webhook_url
        self.book = ChoiceBook()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's blueprint with the guarded callback, behind the signature check."""
        blueprint = super().blueprint(messaging_guarded(on_new_message, self.book))
        _before_every_request(blueprint, self._check_signature)
        return blueprint

    async def _check_signature(self, request: Request) -> HTTPResponse | None:
        if request.method != "POST":
            return None
        params = {name: list(values) for name, values in request.form.items()}
        if not twilio_request_is_authentic(
            self.webhook_url, params, request.headers.get(TWILIO_SIGNATURE_HEADER), str(self.auth_token or "")
        ):
            return _refuse("twilio", f"missing or wrong {TWILIO_SIGNATURE_HEADER}")
        return None

    def get_output_channel(self) -> GuardedTwilioOutput:
        """The output channel, sending through Twilio's REST client."""
        output = GuardedTwilioOutput(self.account_sid, self.auth_token, self.twilio_number)
        output.book = self.book
        return output
