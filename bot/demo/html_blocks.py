"""Block Kit as HTML for the demo page: sections, fields, buttons (inert), selects, context,
images. Images the bot uploaded are shown inline as ``data:`` URIs; an image anywhere else is
named by its alt text, never fetched, so the page stays one self-contained file. Every text goes
through `html.escape`."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

from bot.demo.slacktext import Names, Span, Style, block_texts, spans
from bot.sandbox.fake_slack import UploadedFile

# The element each mrkdwn style is shown in; links are shown, never followed (the page stays
# self-contained), and plain text keeps its line breaks.
_TAGS: dict[Style, str] = {
    "bold": "<b>{}</b>",
    "italic": "<i>{}</i>",
    "strike": "<s>{}</s>",
    "code": "<code>{}</code>",
    "pre": "<pre>{}</pre>",
    "mention": '<span class="mention">{}</span>',
}
# Image formats a browser shows from a data: URI, by their first bytes.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"<svg", "image/svg+xml"),
)
# A file's id in the URLs Slack gives it (url_private, permalink, files-pri/T…-F…/name).
_FILE_ID = re.compile(r"/files(?:-pri)?/(?:[^/]*-)?(F[A-Z0-9]+)")


def image_type(content: bytes) -> str | None:
    """The MIME type of an image a browser shows, or None for anything else."""
    head = content[:16]
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if head.startswith(b"RIFF") and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def data_uri(content: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _span_html(span: Span) -> str:
    text = escape(span.text)
    if span.style == "link":
        return f'<span class="link" title="{escape(span.href or "")}">{text}</span>'
    if span.style in _TAGS:
        return _TAGS[span.style].format(text)
    return text.replace("\n", "<br>")


def _spans_html(items: Iterable[Span]) -> str:
    return "".join(_span_html(span) for span in items)


@dataclass(frozen=True)
class Render:
    """Block Kit to HTML, with who IDs stand for and the files the bot uploaded (by id)."""

    names: Names
    files: Mapping[str, UploadedFile] = field(default_factory=dict)

    def text(self, obj: Any) -> str:
        """A text object (mrkdwn or plain_text) or a bare mrkdwn string."""
        if isinstance(obj, dict):
            kind = obj.get("type")
            text = str(obj.get("text") or "")
            return _spans_html(spans(text, self.names, mrkdwn=kind == "mrkdwn"))
        return _spans_html(spans(str(obj or ""), self.names))

    def _uploaded(self, obj: Mapping[str, Any]) -> UploadedFile | None:
        """The uploaded file an image element or block points at, if it is one of ours."""
        reference = obj.get("slack_file")
        if isinstance(reference, dict):
            if str(reference.get("id") or "") in self.files:
                return self.files[str(reference["id"])]
            url = str(reference.get("url") or "")
        else:
            url = str(obj.get("image_url") or "")
        found = _FILE_ID.search(url)
        return self.files.get(found.group(1)) if found else None

    def image(self, obj: Mapping[str, Any], css: str) -> str:
        """An image block or element: inline when its bytes are at hand, else its alt text."""
        alt = escape(str(obj.get("alt_text") or ""))
        uploaded = self._uploaded(obj)
        url = str(obj.get("image_url") or "")
        source: str | None = None
        if uploaded is not None and (mime := image_type(uploaded.content)):
            source = data_uri(uploaded.content, mime)
        elif url.startswith("data:image/"):
            source = url
        if source is None:
            return f'<span class="note">[image: {alt}]</span>'
        return f'<img class="{css}" src="{escape(source)}" alt="{alt}">'

    def element(self, element: Mapping[str, Any], *, answered: bool = False) -> str:
        kind = element.get("type")
        if kind in ("mrkdwn", "plain_text"):
            return f"<span>{self.text(element)}</span>"
        if kind == "button":
            style = element.get("style")
            css = f"btn {style}" if style in ("primary", "danger") else "btn"
            css += " answered" if answered else ""
            label = self.text(element.get("text"))
            return f'<button class="{css}" type="button" disabled>{label}</button>'
        if kind == "image":
            return self.image(element, "icon")
        placeholder = element.get("placeholder")
        label = self.text(placeholder) if placeholder else escape(str(kind))
        return f'<span class="select">{label} ▾</span>'

    def block(self, block: Mapping[str, Any], *, answered: bool = False) -> str:
        """One block; ``answered``: its buttons were used, so they are shown greyed."""
        kind = block.get("type")
        if kind == "section":
            parts = []
            if block.get("text"):
                parts.append(f"<div>{self.text(block['text'])}</div>")
            fields = block.get("fields") or []
            if fields:
                cells = "".join(f"<div>{self.text(f)}</div>" for f in fields)
                parts.append(f'<div class="fields">{cells}</div>')
            accessory = block.get("accessory")
            if isinstance(accessory, dict):
                shown = self.element(accessory, answered=answered)
                parts.append(f'<div class="actions">{shown}</div>')
            return f'<div class="block section">{"".join(parts)}</div>'
        if kind == "header":
            return f'<h3 class="header">{self.text(block.get("text"))}</h3>'
        if kind == "divider":
            return '<hr class="divider">'
        if kind == "actions":
            items = "".join(self.element(e, answered=answered) for e in block.get("elements") or [])
            return f'<div class="block actions">{items}</div>'
        if kind == "context":
            items = " ".join(self.element(e) for e in block.get("elements") or [])
            return f'<div class="block context">{items}</div>'
        if kind == "image":
            title = block.get("title")
            caption = f'<div class="caption">{self.text(title)}</div>' if title else ""
            return f'<figure class="block">{caption}{self.image(block, "chart")}</figure>'
        if kind == "input":
            label = self.text(block.get("label"))
            element = block.get("element")
            shown = self.element(element) if isinstance(element, dict) else ""
            return f'<div class="block"><div class="input-label">{label}</div>{shown}</div>'
        if kind == "rich_text":
            return f'<div class="block">{escape(" ".join(block_texts(block, self.names)))}</div>'
        return f'<div class="block note">[{escape(str(kind))} block]</div>'

    def blocks(self, blocks: Iterable[Mapping[str, Any]], text: str, *, answered: bool) -> str:
        """A message's body: its blocks, or its text when it has none."""
        shown = [self.block(b, answered=answered) for b in blocks if isinstance(b, dict)]
        if shown:
            return "".join(shown)
        return f'<div class="block">{self.text({"type": "mrkdwn", "text": text})}</div>'


__all__ = ["Render", "data_uri", "image_type"]
