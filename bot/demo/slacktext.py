"""Slack's mrkdwn read as a person reads it: mentions become names, links their labels.

One tokenizer serves the plain-text transcript and the HTML page, so both show the same words.
Only the formatting Slack documents for messages is handled: ``*bold*``, ``_italic_``,
``~strike~``, ```code```, code blocks, ``<@U…>``, ``<#C…|name>``, ``<!here>``, ``<url|label>``,
and the ``&lt; &gt; &amp;`` escapes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Style = Literal["text", "bold", "italic", "strike", "code", "pre", "mention", "link"]

# Mentions and links; while inline formatting is read, private-use code points from
# `_PLACEHOLDER` on stand in for them.
_ANGLE = re.compile(r"<([^<>\n]+)>")
_PLACEHOLDER = 0xF0000
_INLINE = re.compile(
    r"```(?P<pre>.+?)```"
    r"|`(?P<code>[^`\n]+)`"
    r"|(?<![\w*])\*(?P<bold>[^*\n]+?)\*(?![\w*])"
    r"|(?<![\w_])_(?P<italic>[^_\n]+?)_(?![\w_])"
    r"|(?<![\w~])~(?P<strike>[^~\n]+?)~(?![\w~])",
    re.DOTALL,
)


@dataclass(frozen=True)
class Span:
    """A run of text shown in one style; a link keeps where it points."""

    style: Style
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Names:
    """Who and what IDs stand for: people by user ID, channels by channel ID."""

    users: Mapping[str, str]
    channels: Mapping[str, str]

    def user(self, user_id: str) -> str:
        return self.users.get(user_id, user_id)

    def channel(self, channel_id: str) -> str:
        return self.channels.get(channel_id, channel_id)


def _angle(inner: str, names: Names) -> Span:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return Span("mention", "@" + (label or names.user(target[1:])))
    if target.startswith("#"):
        return Span("mention", "#" + (label or names.channel(target[1:])))
    if target.startswith("!"):
        word = target[1:].split("^", 1)[0]
        return Span("mention", label or f"@{word}")
    return Span("link", html.unescape(label or target), href=html.unescape(target))


def _inline(text: str) -> Iterator[Span]:
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            yield Span("text", html.unescape(text[position : match.start()]))
        style = match.lastgroup or "text"
        yield Span(style, html.unescape(match.group(style)))  # type: ignore[arg-type]
        position = match.end()
    if position < len(text):
        yield Span("text", html.unescape(text[position:]))


def spans(text: str, names: Names, *, mrkdwn: bool = True) -> list[Span]:
    """``text`` as styled spans; plain_text objects (``mrkdwn=False``) are taken literally."""
    if not mrkdwn:
        return [Span("text", text)] if text else []
    # Mentions and links first, as placeholders, so *bold <@U1> text* stays one bold run.
    tokens: list[Span] = []

    def hold(match: re.Match[str]) -> str:
        tokens.append(_angle(match.group(1), names))
        return chr(_PLACEHOLDER + len(tokens) - 1)

    held = _ANGLE.sub(hold, text)
    out: list[Span] = []
    for span in _inline(held):
        piece: list[str] = []
        for char in span.text:
            index = ord(char) - _PLACEHOLDER
            if 0 <= index < len(tokens):
                if piece:
                    out.append(Span(span.style, "".join(piece)))
                    piece = []
                out.append(tokens[index])
            else:
                piece.append(char)
        if piece:
            out.append(Span(span.style, "".join(piece)))
    return [span for span in out if span.text]


def plain(text: str, names: Names, *, mrkdwn: bool = True) -> str:
    """What a person reads: markers gone, mentions as names."""
    return "".join(span.text for span in spans(text, names, mrkdwn=mrkdwn))


def text_object(obj: Any, names: Names) -> str:
    """A Block Kit text object (or a bare string) as plain text."""
    if isinstance(obj, dict):
        return plain(str(obj.get("text") or ""), names, mrkdwn=obj.get("type") == "mrkdwn")
    return plain(str(obj or ""), names)


def block_texts(block: Mapping[str, Any], names: Names) -> list[str]:
    """Every piece of text a block shows, in reading order (buttons and options included)."""
    out: list[str] = []
    kind = block.get("type")
    if kind in ("section", "header"):
        if block.get("text"):
            out.append(text_object(block["text"], names))
        out.extend(text_object(field, names) for field in block.get("fields") or [])
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            out.extend(element_texts(accessory, names))
    elif kind in ("actions", "context"):
        for element in block.get("elements") or []:
            out.extend(element_texts(element, names))
    elif kind == "input":
        out.append(text_object(block.get("label"), names))
    elif kind == "image":
        out.append(str(block.get("alt_text") or ""))
    elif kind == "rich_text":
        out.append(_rich_text(block, names))
    return [text for text in out if text]


def element_texts(element: Mapping[str, Any], names: Names) -> list[str]:
    kind = element.get("type")
    if kind in ("mrkdwn", "plain_text"):
        return [text_object(element, names)]
    if kind == "image":
        return [str(element.get("alt_text") or "")]
    if kind == "button":
        return [text_object(element.get("text"), names)]
    if element.get("placeholder"):
        return [text_object(element["placeholder"], names)]
    return []


def _rich_text(block: Mapping[str, Any], names: Names) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            kind = node.get("type")
            if kind == "text":
                parts.append(str(node.get("text") or ""))
            elif kind == "user":
                parts.append("@" + names.user(str(node.get("user_id"))))
            elif kind == "channel":
                parts.append("#" + names.channel(str(node.get("channel_id"))))
            elif kind == "link":
                parts.append(str(node.get("text") or node.get("url") or ""))
            elif kind == "emoji":
                parts.append(f":{node.get('name')}:")
            for child in node.get("elements") or []:
                walk(child)

    walk(block)
    return "".join(parts)


def message_lines(text: str, blocks: Any, names: Names) -> list[str]:
    """A message as lines of plain text: its blocks, or its text when it has none."""
    if not blocks:
        return plain(text, names).splitlines() or [""]
    lines: list[str] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "divider":
            lines.append("—")
        elif kind == "actions":
            labels = [
                f"[{label}]"
                for element in block.get("elements") or []
                for label in element_texts(element, names)
            ]
            lines.append(" ".join(labels))
        else:
            for piece in block_texts(block, names):
                lines.extend(piece.splitlines())
    return lines


__all__ = [
    "Names",
    "Span",
    "Style",
    "block_texts",
    "element_texts",
    "message_lines",
    "plain",
    "spans",
    "text_object",
]
