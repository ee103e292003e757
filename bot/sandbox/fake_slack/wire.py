"""What crosses the wire: a call's arguments on the way in, Slack's answers on the way out."""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qsl

JSON = dict[str, Any]

PLAIN_TEXT: Final = "text/plain; charset=utf-8"
# Form-encoded calls carry these structured arguments as JSON text.
_JSON_ARGS: Final = ("blocks", "attachments", "view", "metadata", "files")


class SlackError(Exception):
    """Raised inside a method handler to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, *messages: str, status: int = 200) -> None:
        super().__init__(error, *messages)
        self.error = error
        self.messages = list(messages)
        self.status = status

    def body(self) -> JSON:
        out: JSON = {"ok": False, "error": self.error}
        if self.messages:
            out["response_metadata"] = {"messages": self.messages}
        return out


@dataclass
class Reply:
    """One HTTP answer; ``json_body`` is kept for the recorded :class:`Call`."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    json_body: JSON | None = None

    @classmethod
    def json(cls, status: int, body: JSON, headers: Mapping[str, str] | None = None) -> Reply:
        return cls(status, dumps(body), headers=dict(headers or {}), json_body=body)

    @classmethod
    def text(cls, status: int, text: str) -> Reply:
        return cls(status, text.encode(), PLAIN_TEXT)


def dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def parse_args(query: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """Query string and body (JSON, multipart or form) merged, structured form values decoded."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    ctype = headers.get("content-type", "").lower()
    if body and ("json" in ctype or body.lstrip().startswith(b"{")):
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if isinstance(data, dict):
            args.update(data)
    elif body and ctype.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                payload = part.get_payload(decode=True)
                if part.get_filename() is None and isinstance(payload, bytes):
                    args[name] = payload.decode("utf-8", "replace")
                else:
                    args[name] = payload
    elif body:
        args.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    for key in _JSON_ARGS:
        value = args.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(value)
    return args


def truthy(value: Any) -> bool:
    """Booleans arrive as JSON ``true`` or as form text ``"true"`` / ``"1"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return isinstance(value, str) and value.strip().lower() in {"1", "true", "yes"}


def optional(args: Mapping[str, Any], name: str) -> str | None:
    """The argument as text; None when it is missing or empty, as Slack treats both."""
    value = args.get(name)
    if value is None or value == "":
        return None
    return str(value)


def required(args: Mapping[str, Any], name: str, error: str = "invalid_arguments") -> str:
    value = optional(args, name)
    if value is None:
        if error == "invalid_arguments":
            raise SlackError(error, f"[ERROR] missing required field: {name}")
        raise SlackError(error)
    return value


def integer(args: Mapping[str, Any], name: str, default: int) -> int:
    value = args.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise SlackError("invalid_arguments", f"[ERROR] {name} must be an integer") from exc


def json_arg(args: Mapping[str, Any], name: str) -> Any:
    value = args.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise SlackError("invalid_arguments", f"[ERROR] {name} is not valid JSON") from exc
    return value
