"""What a request from Slack must look like before Bolt and our listeners read it.

The gate parses a verified body once, here, and checks it against the shapes below: the kinds
of request the app is configured for (`manifest.yml`), with the fields Bolt and our listeners
read, of the right types. Anything else is a `Malformed` request (400) or an unsupported media
type (415), so no listener meets a number where it reads a string and nothing becomes a 500.

Parsing is bounded: form bodies by their number of fields (`parse_qsl(max_num_fields=…)` counts
the separators before splitting anything), JSON by pydantic-core's parser, which refuses invalid
UTF-8 and nesting deeper than about 200 levels with a ValueError (Python's own `json` would
recurse until RecursionError); only a lone surrogate escape, which is valid JSON, is read by
Python's parser instead, so that the field holding it can refuse it in words. Slack's deepest
payloads — rich text inside a message inside a button click — are about fifteen levels deep.

Unknown fields are ignored, since Slack adds fields freely; the checked body is handed on whole.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, Self
from urllib.parse import parse_qsl

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import from_json

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

# A slash command carries about fifteen fields, an interaction one (`payload`).
MAX_FORM_FIELDS = 64

# Slack's IDs (users U…/W…, teams T…, enterprises E…, channels C…/D…/G…) are upper-case letters
# and digits; a lower-case, empty or 5,000-character "ID" is not Slack's.
SlackId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]{1,31}$")]
EventId = Annotated[str, StringConstraints(pattern=r"^Ev[A-Za-z0-9]{1,62}$")]


class Malformed(ValueError):
    """A body that is not a request Slack sends us; the message says why (never the body)."""


class UnsupportedMediaType(Malformed):
    """A Content-Type Slack does not use for requests to the app."""


class _Shape(BaseModel):
    # strict: "42" is not 42 and 42 is not "42"; extra fields are ignored, as Slack adds them.
    model_config = ConfigDict(strict=True, frozen=True)


class _User(_Shape):
    id: SlackId
    team_id: SlackId | None = None


class _Team(_Shape):
    id: SlackId


class _Channel(_Shape):
    id: SlackId


class _Container(_Shape):
    type: str
    channel_id: SlackId | None = None
    message_ts: str | None = None


class _Action(_Shape):
    action_id: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    block_id: str | None = None
    type: str | None = None
    value: str | None = None


class _ResponseUrl(_Shape):
    response_url: str


class _ClickedView(_Shape):
    """The modal or Home tab a button sits in."""

    type: Literal["modal", "home"]
    callback_id: str | None = None


class _View(_Shape):
    type: Literal["modal"]
    callback_id: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    private_metadata: str = ""


class _State(_Shape):
    values: dict[str, dict[str, dict[str, Any]]]


class _SubmittedView(_View):
    state: _State


class _Interaction(_Shape):
    user: _User
    team: _Team | None = None  # None for org-wide installations
    enterprise: _Team | None = None
    trigger_id: str | None = None


class BlockActions(_Interaction):
    type: Literal["block_actions"]
    actions: Annotated[list[_Action], Field(min_length=1)]
    container: _Container | None = None
    channel: _Channel | None = None
    message: dict[str, Any] | None = None
    view: _ClickedView | None = None
    response_url: str | None = None


class ViewSubmission(_Interaction):
    type: Literal["view_submission"]
    view: _SubmittedView
    response_urls: list[_ResponseUrl] = []


class ViewClosed(_Interaction):
    type: Literal["view_closed"]
    view: _View


# What the listeners of the events we subscribe to read (handlers/events/).
_EVENT_NEEDS: dict[str, tuple[str, ...]] = {
    "app_home_opened": ("user",),
    "member_joined_channel": ("user", "channel"),
}


# Events whose `user` is the whole user object rather than an ID (handlers/events/directory.py
# reads the rest of it defensively).
_USER_OBJECT_EVENTS = frozenset({"user_change", "team_join"})


class _UserObject(_Shape):
    id: SlackId


class _Event(_Shape):
    type: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{0,63}$")]
    user: SlackId | _UserObject | None = None
    channel: SlackId | dict[str, Any] | None = None
    team: SlackId | None = None
    bot_id: str | None = None

    @model_validator(mode="after")
    def _has_what_its_listener_reads(self) -> Self:
        missing = [name for name in _EVENT_NEEDS.get(self.type, ()) if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.type} event needs {' and '.join(missing)}")
        user_object = isinstance(self.user, _UserObject)
        if self.type in _USER_OBJECT_EVENTS and not user_object:
            raise ValueError(f"a {self.type} event needs the user object")
        if "user" in _EVENT_NEEDS.get(self.type, ()) and user_object:
            raise ValueError(f"a {self.type} event names its user by ID")
        return self


class _Authorization(_Shape):
    team_id: SlackId | None = None
    enterprise_id: SlackId | None = None
    user_id: SlackId | None = None
    is_bot: bool | None = None
    is_enterprise_install: bool | None = None


class EventCallback(_Shape):
    type: Literal["event_callback"]
    team_id: SlackId
    event_id: EventId
    event: _Event
    enterprise_id: SlackId | None = None
    authorizations: list[_Authorization] | None = None
    is_ext_shared_channel: bool = False


class UrlVerification(_Shape):
    type: Literal["url_verification"]
    challenge: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class AppRateLimited(_Shape):
    type: Literal["app_rate_limited"]
    team_id: SlackId
    minute_rate_limited: int


class Command(_Shape):
    command: Annotated[str, StringConstraints(pattern=r"^/[^\s/]{1,31}$")]
    user_id: SlackId
    team_id: SlackId
    channel_id: SlackId | None = None
    enterprise_id: SlackId | None = None
    text: str = ""
    trigger_id: str | None = None
    response_url: str | None = None


class SslCheck(_Shape):
    """Slack's check of a slash command's URL (`ssl_check=1`), which Bolt answers."""

    ssl_check: Literal["1"]


_INTERACTION: TypeAdapter[BlockActions | ViewSubmission | ViewClosed] = TypeAdapter(
    Annotated[BlockActions | ViewSubmission | ViewClosed, Field(discriminator="type")]
)
_EVENTS_API: TypeAdapter[EventCallback | UrlVerification | AppRateLimited] = TypeAdapter(
    Annotated[EventCallback | UrlVerification | AppRateLimited, Field(discriminator="type")]
)
_COMMAND: TypeAdapter[Command] = TypeAdapter(Command)
_SSL_CHECK: TypeAdapter[SslCheck] = TypeAdapter(SslCheck)


def media_type(content_type: str | None) -> str:
    """`application/json; charset=utf-8` → `application/json`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def check(raw: bytes, content_type: str | None) -> dict[str, Any]:
    """The body as Bolt should see it, once it has the shape of a request Slack sends us.

    Raises `UnsupportedMediaType` or `Malformed`.
    """
    media = media_type(content_type)
    if media == JSON:
        body = _json_object(raw, "body")
        _validate(_EVENTS_API, body, "body")
        return body
    if media == FORM:
        fields = _form(raw)
        if "payload" in fields:
            payload = _json_object(fields["payload"], "payload")
            _validate(_INTERACTION, payload, "payload")
            return payload
        if "ssl_check" in fields:
            _validate(_SSL_CHECK, fields, "form")
            return dict(fields)
        _validate(_COMMAND, fields, "form")
        return dict(fields)
    raise UnsupportedMediaType(f"unsupported media type {media[:60]!r}")


def _json_object(raw: bytes | str, where: str) -> dict[str, Any]:
    try:
        value = from_json(raw, allow_inf_nan=False)
    except ValueError as error:
        if "hex escape" not in str(error):  # how pydantic-core names a lone surrogate
            # pydantic-core's message names the position, never the content.
            raise Malformed(f"{where} is not JSON: {error}") from None
        value = _json_with_lone_surrogates(raw, where)
    if not isinstance(value, dict):
        raise Malformed(f"{where} is not a JSON object")
    return value


def _json_with_lone_surrogates(raw: bytes | str, where: str) -> Any:
    """JSON that only pydantic-core refuses: a lone surrogate escape (`"\\ud800"`) is valid JSON,
    and it can only sit in text a person typed — the field that stores it refuses it with a
    sentence for them, which a 400 here could not. Python's parser reads it; the nesting it
    meets is bounded by its recursion limit."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise Malformed(f"{where} is not JSON") from None


def _form(raw: bytes) -> dict[str, str]:
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=True,
            max_num_fields=MAX_FORM_FIELDS,
            encoding="utf-8",
            errors="strict",
        )
    except UnicodeDecodeError:
        raise Malformed("form is not UTF-8") from None
    except ValueError:
        raise Malformed(f"form is not url-encoded fields (at most {MAX_FORM_FIELDS})") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise Malformed("form repeats a field")
    return fields


def _validate(adapter: TypeAdapter[Any], body: dict[str, Any], where: str) -> None:
    try:
        adapter.validate_python(body)
    except ValidationError as error:
        raise Malformed(_first_problem(error, where)) from None


def _first_problem(error: ValidationError, where: str) -> str:
    """`payload.actions: List should have at least 1 item…`: where and what, not the value."""
    problem = error.errors(include_url=False, include_context=False, include_input=False)[0]
    path = ".".join(str(part) for part in problem["loc"]) or where
    return f"{path}: {problem['msg']}"[:200]
