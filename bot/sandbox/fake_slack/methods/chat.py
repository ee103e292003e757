"""chat.postMessage and chat.update, with Slack's checks of a message's content."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from bot.sandbox.fake_slack.blockkit import MAX_MARKDOWN_CHARS, validate_message_blocks
from bot.sandbox.fake_slack.state import Handler, State, public_copy
from bot.sandbox.fake_slack.wire import JSON, SlackError, json_arg, optional, required, truthy

MAX_MESSAGE_TEXT: Final = 40_000


def chat_post_message(state: State, args: dict[str, Any]) -> JSON:
    channel = state.resolve_channel(required(args, "channel", "channel_not_found"))
    content = _content(state, args)
    thread_ts = optional(args, "thread_ts")
    if thread_ts and state.find_message(channel, thread_ts) is None and state.strict_channels:
        raise SlackError("thread_not_found")
    msg = state.post(channel, content, thread_ts)
    if thread_ts and truthy(args.get("reply_broadcast")):
        msg["reply_broadcast"] = True
    return {"ok": True, "channel": channel, "ts": msg["ts"], "message": public_copy(msg)}


def chat_update(state: State, args: dict[str, Any]) -> JSON:
    channel = required(args, "channel", "channel_not_found")
    ts = required(args, "ts", "message_not_found")
    msg = state.find_message(channel, ts)
    if msg is None:
        raise SlackError("message_not_found")
    if msg.get("bot_id") != state.bot_id:
        raise SlackError("cant_update_message")
    if not any(args.get(k) for k in ("text", "blocks", "attachments")):
        raise SlackError("no_text")
    state.edit(msg, _content(state, args, for_update=True))
    public = public_copy(msg)
    return {"ok": True, "channel": channel, "ts": ts, "text": msg["text"], "message": public}


METHODS: Final[dict[str, Handler]] = {
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
}


def _content(state: State, args: Mapping[str, Any], *, for_update: bool = False) -> JSON:
    """text/blocks/attachments/metadata of a post or an update, validated like Slack does."""
    text = args.get("text")
    blocks = json_arg(args, "blocks")
    attachments = json_arg(args, "attachments")
    markdown_text = args.get("markdown_text")
    if not text and not blocks and not attachments and not markdown_text and not for_update:
        raise SlackError("no_text")
    content: JSON = {}
    if markdown_text:
        if text or blocks:
            raise SlackError("markdown_text_conflict")
        if len(str(markdown_text)) > MAX_MARKDOWN_CHARS:
            raise SlackError("msg_too_long")
        content["text"] = str(markdown_text)
    if text is not None:
        # Slack truncates over-long top-level text instead of refusing it.
        content["text"] = str(text)[:MAX_MESSAGE_TEXT]
    if blocks is not None:
        problems = validate_message_blocks(blocks)
        if problems:
            raise SlackError("invalid_blocks", *[f"[ERROR] {p}" for p in problems])
        content["blocks"] = state.fill_block_ids(blocks)
    if attachments is not None:
        if not isinstance(attachments, list):
            raise SlackError("invalid_attachments")
        if len(attachments) > 100:
            raise SlackError("too_many_attachments")
        content["attachments"] = attachments
    metadata = json_arg(args, "metadata")
    if metadata is not None:
        if (
            not isinstance(metadata, dict)
            or not isinstance(metadata.get("event_type"), str)
            or not isinstance(metadata.get("event_payload"), dict)
        ):
            raise SlackError("invalid_metadata_format")
        content["metadata"] = {
            "event_type": metadata["event_type"],
            "event_payload": metadata["event_payload"],
        }
    return content
