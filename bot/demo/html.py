"""The demo as one static HTML page: the channel, every group DM and DM as a conversation with
its Block Kit rendered (sections, fields, buttons as inert buttons, context), and the App Home of
a few people. No JavaScript, no external assets; every text goes through `html.escape`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from bot.demo.slacktext import Names, Span, Style, block_texts, spans
from bot.demo.transcript import ConversationKind

CSS = """
body{font:15px/1.45 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:0;
background:#f4ede4;color:#1d1c1d}
header.top{background:#3f0e40;color:#fff;padding:18px 28px}
header.top h1{margin:0 0 6px;font-size:22px}
header.top p{margin:0;opacity:.85}
main{display:grid;grid-template-columns:260px 1fr;max-width:1280px;margin:0 auto;background:#fff}
nav{background:#4a154b;color:#d1c4d2;padding:14px 0;font-size:14px}
nav h2{font-size:12px;text-transform:uppercase;letter-spacing:.06em;margin:14px 16px 4px;
color:#bcabbc}
nav a{display:block;color:#e9e0ea;text-decoration:none;padding:2px 16px;white-space:nowrap;
overflow:hidden;text-overflow:ellipsis}
nav a:hover{background:#1164a3;color:#fff}
.content{padding:8px 28px 40px;min-width:0}
section.conv{border-bottom:1px solid #e8e8e8;padding:10px 0 18px}
section.conv>h2{font-size:18px;margin:12px 0}
summary.conv-title{cursor:pointer;font-weight:700;font-size:16px;padding:6px 0}
table.figures{border-collapse:collapse;margin:8px 0 14px}
table.figures td{padding:3px 14px 3px 0;vertical-align:top}
table.figures td:first-child{color:#616061}
article.msg{display:grid;grid-template-columns:40px 1fr;gap:10px;padding:8px 6px;
border-radius:6px}
article.msg:hover{background:#f8f8f8}
.avatar{width:36px;height:36px;border-radius:6px;background:#2eb67d;color:#fff;
font-weight:700;display:flex;align-items:center;justify-content:center}
.who{font-weight:700}
.who .app{font-size:10px;font-weight:600;background:#e8e8e8;color:#616061;padding:1px 4px;
border-radius:3px;margin-left:4px;vertical-align:middle}
.who time{font-weight:400;color:#616061;font-size:12px;margin-left:6px}
.edited{color:#616061;font-size:12px}
.block{margin:4px 0}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:4px 18px}
.context{color:#616061;font-size:13px}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
button.btn{font:inherit;font-size:14px;font-weight:600;padding:4px 12px;border-radius:4px;
border:1px solid #bbb;background:#fff;color:#1d1c1d}
button.primary{background:#007a5a;border-color:#007a5a;color:#fff}
button.danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
.select{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:3px 10px;
color:#616061}
h3.header{font-size:17px;margin:10px 0 4px}
hr.divider{border:0;border-top:1px solid #e1e1e1;margin:10px 0}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
code{background:#f6f6f6;border:1px solid #e1e1e1;border-radius:3px;padding:0 3px;
font-size:13px;color:#e01e5a}
pre{background:#f6f6f6;border:1px solid #e1e1e1;border-radius:4px;padding:8px;
white-space:pre-wrap}
a.link{color:#1264a3}
.home{border:1px solid #ddd;border-radius:8px;padding:12px 18px;margin:10px 0 20px;
background:#fff}
.input-label{font-weight:700}
.note{color:#616061;font-size:13px}
"""


@dataclass(frozen=True)
class Conversation:
    """One conversation as the page shows it."""

    channel: str
    title: str
    kind: ConversationKind
    messages: Sequence[Mapping[str, Any]]


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


def _span_html(span: Span) -> str:
    text = escape(span.text)
    if span.style == "link":
        return f'<span class="link" title="{escape(span.href or "")}">{text}</span>'
    if span.style in _TAGS:
        return _TAGS[span.style].format(text)
    return text.replace("\n", "<br>")


def _spans_html(items: Iterable[Span]) -> str:
    return "".join(_span_html(span) for span in items)


def text_html(obj: Any, names: Names) -> str:
    if isinstance(obj, dict):
        kind = obj.get("type")
        return _spans_html(spans(str(obj.get("text") or ""), names, mrkdwn=kind == "mrkdwn"))
    return _spans_html(spans(str(obj or ""), names))


def element_html(element: Mapping[str, Any], names: Names) -> str:
    kind = element.get("type")
    if kind in ("mrkdwn", "plain_text"):
        return f"<span>{text_html(element, names)}</span>"
    if kind == "button":
        style = element.get("style")
        css = f"btn {style}" if style in ("primary", "danger") else "btn"
        label = text_html(element.get("text"), names)
        return f'<button class="{css}" type="button" disabled>{label}</button>'
    if kind == "image":
        return f'<span class="note">[image: {escape(str(element.get("alt_text") or ""))}]</span>'
    placeholder = element.get("placeholder")
    label = text_html(placeholder, names) if placeholder else escape(str(kind))
    return f'<span class="select">{label} ▾</span>'


def block_html(block: Mapping[str, Any], names: Names) -> str:
    kind = block.get("type")
    if kind == "section":
        parts = []
        if block.get("text"):
            parts.append(f"<div>{text_html(block['text'], names)}</div>")
        fields = block.get("fields") or []
        if fields:
            cells = "".join(f"<div>{text_html(f, names)}</div>" for f in fields)
            parts.append(f'<div class="fields">{cells}</div>')
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            parts.append(f'<div class="actions">{element_html(accessory, names)}</div>')
        return f'<div class="block section">{"".join(parts)}</div>'
    if kind == "header":
        return f'<h3 class="header">{text_html(block.get("text"), names)}</h3>'
    if kind == "divider":
        return '<hr class="divider">'
    if kind == "actions":
        items = "".join(element_html(e, names) for e in block.get("elements") or [])
        return f'<div class="block actions">{items}</div>'
    if kind == "context":
        items = " ".join(element_html(e, names) for e in block.get("elements") or [])
        return f'<div class="block context">{items}</div>'
    if kind == "image":
        return f'<div class="block note">[image: {escape(str(block.get("alt_text") or ""))}]</div>'
    if kind == "input":
        label = text_html(block.get("label"), names)
        element = block.get("element")
        field = element_html(element, names) if isinstance(element, dict) else ""
        return f'<div class="block"><div class="input-label">{label}</div>{field}</div>'
    if kind == "rich_text":
        return f'<div class="block">{escape(" ".join(block_texts(block, names)))}</div>'
    return f'<div class="block note">[{escape(str(kind))} block]</div>'


def message_html(
    message: Mapping[str, Any], names: Names, *, when: datetime | None, bot_name: str
) -> str:
    blocks = message.get("blocks") or []
    if blocks:
        body = "".join(block_html(b, names) for b in blocks if isinstance(b, dict))
    else:
        fallback = text_html({"type": "mrkdwn", "text": message.get("text") or ""}, names)
        body = f'<div class="block">{fallback}</div>'
    edited = ' <span class="edited">(edited)</span>' if message.get("edited") else ""
    stamp = f"<time>{escape(when.strftime('%a %d %b, %H:%M'))}</time>" if when else ""
    channel = escape(str(message.get("channel") or ""))
    ts = escape(str(message.get("ts") or ""))
    return (
        f'<article class="msg" data-channel="{channel}" data-ts="{ts}">'
        f'<div class="avatar">{escape(bot_name[:1].upper())}</div><div>'
        f'<div class="who">{escape(bot_name)}<span class="app">APP</span>{stamp}</div>'
        f"{body}{edited}</div></article>"
    )


def home_html(user: str, view: Mapping[str, Any], names: Names) -> str:
    blocks = "".join(block_html(b, names) for b in view.get("blocks") or [] if isinstance(b, dict))
    return (
        f'<section class="conv" id="home-{escape(user)}"><h2>App Home of '
        f'{escape(names.user(user))}</h2><div class="home" data-home="{escape(user)}">'
        f"{blocks}</div></section>"
    )


def page(
    *,
    title: str,
    intro: str,
    figures: Sequence[tuple[str, str]],
    conversations: Sequence[Conversation],
    homes: Sequence[tuple[str, Mapping[str, Any]]],
    names: Names,
    times: Mapping[tuple[str, str], datetime],
    bot_name: str = "rotnem",
) -> str:
    """The whole page. ``times`` gives each message's simulated time by (channel, ts)."""
    nav: list[str] = []
    body: list[str] = []
    rows = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in figures)
    body.append(
        f'<section class="conv" id="summary"><h2>Summary</h2>'
        f'<table class="figures">{rows}</table></section>'
    )
    nav.append('<h2>Summary</h2><a href="#summary">Figures</a>')
    if homes:
        nav.append("<h2>App Home</h2>")
        for user, _ in homes:
            nav.append(f'<a href="#home-{escape(user)}">{escape(names.user(user))}</a>')
    sections = (("channel", "Channels"), ("group", "Group DMs"), ("dm", "Direct messages"))
    for kind, heading in sections:
        chosen = [c for c in conversations if c.kind == kind]
        if not chosen:
            continue
        nav.append(f"<h2>{escape(heading)}</h2>")
        for conv in chosen:
            anchor = f"c-{escape(conv.channel)}"
            nav.append(f'<a href="#{anchor}">{escape(conv.title)}</a>')
            messages = "".join(
                message_html(
                    m, names, when=times.get((conv.channel, str(m.get("ts")))), bot_name=bot_name
                )
                for m in conv.messages
            )
            count = f"{len(conv.messages)} message(s)"
            opened = " open" if kind != "dm" else ""
            body.append(
                f'<section class="conv" id="{anchor}"><details{opened}>'
                f'<summary class="conv-title">{escape(conv.title)} '
                f'<span class="note">· {escape(count)}</span></summary>{messages}'
                f"</details></section>"
            )
    body.extend(home_html(user, view, names) for user, view in homes)
    return (
        "<!doctype html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>"
        f'<header class="top"><h1>{escape(title)}</h1><p>{escape(intro)}</p></header>'
        f'<main><nav>{"".join(nav)}</nav><div class="content">{"".join(body)}</div></main>'
        "</body></html>\n"
    )


__all__ = ["CSS", "Conversation", "block_html", "element_html", "message_html", "page"]
