"""The demo as one static HTML page: the program's figures, HR's own screens (what the admin
typed, clicked and was answered, and any file the bot sent them), the channel, every group DM
and DM as a conversation with its Block Kit rendered, the App Home of a few people, and the
technical figures under the hood.

Each time is shown on the reader's clock, labelled with their zone. No JavaScript, no external
assets (uploaded images are inline ``data:`` URIs); at phone width the sidebar folds into a
"Contents" toggle (a CSS-only checkbox). Every text goes through `html.escape`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.conversations import Conversation, Entry
from bot.demo.html_blocks import Render, data_uri, image_type
from bot.sandbox.fake_slack import UploadedFile
from bot.sandbox.surfaces import buttons_in

# Below this width the sidebar folds away behind the "Contents" toggle.
PHONE_WIDTH = 760
# Non-image files larger than this are named, not embedded for download.
EMBED_LIMIT = 2_000_000

CSS = (
    """
body{font:15px/1.45 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:0;
background:#f4ede4;color:#1d1c1d}
header.top{background:#3f0e40;color:#fff;padding:18px 28px}
header.top h1{margin:0 0 6px;font-size:22px}
header.top p{margin:0;opacity:.85}
.toc-toggle{position:absolute;opacity:0;pointer-events:none}
label.toc-button{display:none;background:#4a154b;color:#fff;padding:10px 16px;font-weight:600;
cursor:pointer}
main{display:grid;grid-template-columns:260px 1fr;max-width:1280px;margin:0 auto;
background:linear-gradient(to right,#4a154b 260px,#fff 260px)}
nav{background:#4a154b;color:#d1c4d2;padding:14px 0;font-size:14px;position:sticky;top:0;
align-self:start;max-height:100vh;overflow-y:auto}
nav h2{font-size:12px;text-transform:uppercase;letter-spacing:.06em;margin:14px 16px 4px;
color:#bcabbc}
nav a{display:block;color:#e9e0ea;text-decoration:none;padding:2px 16px;white-space:nowrap;
overflow:hidden;text-overflow:ellipsis}
nav a:hover,nav a:focus{background:#1164a3;color:#fff}
.content{padding:8px 28px 40px;min-width:0}
section{scroll-margin-top:8px}
section.conv{border-bottom:1px solid #e8e8e8;padding:10px 0 18px}
section.conv>h2{font-size:18px;margin:12px 0}
section.hr{background:#fbf7ee;border:1px solid #ecdcb6;border-radius:8px;padding:4px 16px 12px;
margin:12px 0}
summary.conv-title{cursor:pointer;font-weight:700;font-size:16px;padding:6px 0}
table.figures{border-collapse:collapse;margin:8px 0 14px}
table.figures td{padding:3px 14px 3px 0;vertical-align:top}
table.figures td:first-child{color:#616061}
article.msg{display:grid;grid-template-columns:40px 1fr;gap:10px;padding:8px 6px;
border-radius:6px}
article.msg:hover{background:#f8f8f8}
article.ephemeral{background:#f5f9fc}
.only{color:#616061;font-size:12px;margin-top:4px}
.avatar{width:36px;height:36px;border-radius:6px;background:#2eb67d;color:#fff;
font-weight:700;display:flex;align-items:center;justify-content:center}
.avatar.person{display:inline-flex;vertical-align:middle;background:#1264a3;width:22px;
height:22px;font-size:12px;border-radius:4px;margin-right:6px}
.action{padding:4px 6px 4px 15px;color:#454245;font-size:14px}
.action time{color:#616061;font-size:12px;margin-left:6px}
.who{font-weight:700}
.who .app{font-size:10px;font-weight:600;background:#e8e8e8;color:#616061;padding:1px 4px;
border-radius:3px;margin-left:4px;vertical-align:middle}
.who time,.answered-note{font-weight:400;color:#616061;font-size:12px;margin-left:6px}
.answered-note{margin:2px 0 0}
.edited{color:#616061;font-size:12px}
.block{margin:4px 0}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:4px 18px}
.context{color:#616061;font-size:13px}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
button.btn{font:inherit;font-size:14px;font-weight:600;padding:4px 12px;border-radius:4px;
border:1px solid #bbb;background:#fff;color:#1d1c1d}
button.primary{background:#007a5a;border-color:#007a5a;color:#fff}
button.danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
button.answered{background:#f1f1f1;border-color:#ddd;color:#9a9a9a}
.select{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:3px 10px;
color:#616061}
h3.header{font-size:17px;margin:10px 0 4px}
hr.divider{border:0;border-top:1px solid #e1e1e1;margin:10px 0}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
code{background:#f6f6f6;border:1px solid #e1e1e1;border-radius:3px;padding:0 3px;
font-size:13px;color:#e01e5a}
pre{background:#f6f6f6;border:1px solid #e1e1e1;border-radius:4px;padding:8px;
white-space:pre-wrap}
a.link,.link{color:#1264a3}
figure{margin:6px 0}
img.chart{display:block;max-width:100%;height:auto;border:1px solid #e1e1e1;border-radius:6px}
img.icon{width:18px;height:18px;vertical-align:middle}
.caption{font-weight:600;font-size:14px;margin-bottom:4px}
.file-card{display:inline-block;border:1px solid #ddd;border-radius:6px;padding:6px 12px}
.home{border:1px solid #ddd;border-radius:8px;padding:12px 18px;margin:10px 0 20px;
background:#fff}
.input-label{font-weight:700}
.note{color:#616061;font-size:13px}
"""
    + f"@media (max-width:{PHONE_WIDTH}px){{"
    + """
header.top{padding:12px 14px}
label.toc-button{display:block}
main{display:block;background:#fff}
nav{display:none;position:static;max-height:none}
.toc-toggle:checked~main>nav{display:block}
.content{padding:4px 12px 28px}
.fields{grid-template-columns:1fr}
article.msg{grid-template-columns:28px 1fr;gap:8px;padding:6px 2px}
.avatar{width:28px;height:28px}
nav a{white-space:normal}
}
"""
)


@dataclass(frozen=True)
class Clocks:
    """Whose clock a time is read on: each person's zone, and the program's for channels."""

    zones: Mapping[str, str]  # user ID → IANA zone
    program_zone: str
    render: Render

    def label(self, at: datetime, readers: Sequence[str]) -> str:
        """``Mon 3 Feb, 10:00 (Europe/Berlin)``; for readers in several zones, each one's,
        named (``Ana: … · Ben: …``)."""
        by_zone: dict[str, list[str]] = {}
        for user in readers:
            by_zone.setdefault(self.zones.get(user, self.program_zone), []).append(user)
        if len(by_zone) <= 1:
            return local_time(at, next(iter(by_zone), self.program_zone))
        names = self.render.names
        return " · ".join(
            f"{', '.join(names.user(u).split(' ')[0] for u in users)}: {local_time(at, zone)}"
            for zone, users in by_zone.items()
        )


def local_time(at: datetime, zone: str) -> str:
    """A moment as a person reads it on their clock, labelled with the zone."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    local = aware.astimezone(ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} ({zone})"


def _time(entry: Entry, readers: Sequence[str], clocks: Clocks) -> str:
    if entry.at is None:
        return ""
    return (
        f'<time datetime="{entry.at.isoformat()}">{escape(clocks.label(entry.at, readers))}</time>'
    )


def _bot_article(entry: Entry, body: str, when: str, bot_name: str, attrs: str) -> str:
    css = "msg ephemeral" if entry.kind == "ephemeral" else "msg"
    return (
        f'<article class="{css}" data-channel="{escape(entry.channel)}"{attrs}>'
        f'<div class="avatar">{escape(bot_name[:1].upper())}</div><div>'
        f'<div class="who">{escape(bot_name)}<span class="app">APP</span>{when}</div>'
        f"{body}</div></article>"
    )


def _answered(entry: Entry, render: Render) -> str:
    """A stale message's note: who used its buttons (they are shown greyed)."""
    names = render.names
    clicked = "; ".join(f"{names.user(c.user)} clicked “{c.button}”" for c in entry.clicks)
    return f'<div class="answered-note">✓ Answered: {escape(clicked)}</div>'


def _file_body(shared: UploadedFile, render: Render) -> str:
    comment = (
        f'<div class="block">{render.text(shared.initial_comment)}</div>'
        if shared.initial_comment
        else ""
    )
    title = f'<div class="caption">{escape(shared.title)}</div>'
    ident = escape(shared.id)
    if image_type(shared.content) is not None:
        image = render.image({"slack_file": {"id": shared.id}, "alt_text": shared.title}, "chart")
        return f'{comment}<figure class="block" data-file="{ident}">{title}{image}</figure>'
    name = escape(shared.name)
    if len(shared.content) <= EMBED_LIMIT:
        source = data_uri(shared.content, "application/octet-stream")
        name = f'<a class="link" download="{name}" href="{source}">{name}</a>'
    return (
        f'{comment}<div class="block file-card" data-file="{ident}">{title}'
        f'📎 {name} <span class="note">· {len(shared.content):,} bytes</span></div>'
    )


def entry_html(
    entry: Entry, readers: Sequence[str], render: Render, clocks: Clocks, bot_name: str
) -> str:
    """One entry of a conversation, its time on its readers' clocks."""
    names = render.names
    if entry.kind in ("command", "click"):
        who = names.user(entry.user or "")
        did = (
            f"typed <code>{escape(entry.text)}</code>"
            if entry.kind == "command"
            else f"clicked <b>“{escape(entry.text)}”</b>"
        )
        return (
            f'<div class="action" data-kind="{entry.kind}" data-channel="{escape(entry.channel)}">'
            f'<span class="avatar person">{escape(who[:1].upper())}</span>'
            f"<span><b>{escape(who)}</b> {did}</span>"
            f"{_time(entry, (entry.user or '',), clocks)}</div>"
        )
    if entry.kind == "file" and entry.file is not None:
        when = _time(entry, readers, clocks)
        attrs = f' data-file="{escape(entry.file.id)}"'
        return _bot_article(entry, _file_body(entry.file, render), when, bot_name, attrs)
    stale = bool(entry.clicks) and bool(buttons_in(entry.blocks))
    body = render.blocks(entry.blocks, entry.text, answered=stale)
    if stale:
        body += _answered(entry, render)
    if entry.edited:
        body += ' <span class="edited">(edited)</span>'
    if entry.kind == "ephemeral":
        who = names.user(entry.user or "")
        body += f'<div class="only">👁 Only {escape(who)} sees this</div>'
        when = _time(entry, (entry.user or "",), clocks)
        return _bot_article(entry, body, when, bot_name, f' data-seq="{entry.seq}"')
    when = _time(entry, readers, clocks)
    return _bot_article(entry, body, when, bot_name, f' data-ts="{escape(entry.ts or "")}"')


def conversation_html(
    conv: Conversation, render: Render, clocks: Clocks, bot_name: str, *, css: str = "conv"
) -> str:
    said = sum(1 for e in conv.entries if e.kind in ("message", "ephemeral", "file"))
    done = len(conv.entries) - said
    count = f"{said} message(s)" + (f", {done} action(s)" if done else "")
    subtitle = f'<p class="note">{escape(conv.subtitle)}</p>' if conv.subtitle else ""
    entries = "".join(entry_html(e, conv.readers, render, clocks, bot_name) for e in conv.entries)
    # Open by default: a sidebar link lands on the conversation itself, never on a folded one.
    return (
        f'<section class="{css}" id="{anchor(conv)}"><details open>'
        f'<summary class="conv-title">{escape(conv.title)} '
        f'<span class="note">· {escape(count)}</span></summary>{subtitle}{entries}'
        f"</details></section>"
    )


def anchor(conv: Conversation) -> str:
    return f"c-{escape(conv.channel)}"


def home_html(user: str, view: Mapping[str, Any], render: Render) -> str:
    blocks = "".join(render.block(b) for b in view.get("blocks") or [] if isinstance(b, dict))
    return (
        f'<section class="conv" id="home-{escape(user)}"><h2>App Home of '
        f'{escape(render.names.user(user))}</h2><div class="home" data-home="{escape(user)}">'
        f"{blocks}</div></section>"
    )


def _table(section: str, heading: str, rows: Sequence[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
    return (
        f'<section class="conv" id="{section}"><h2>{escape(heading)}</h2>'
        f'<table class="figures">{cells}</table></section>'
    )


def _link(target: str, label: str) -> str:
    return f'<a href="#{target}">{escape(label)}</a>'


def page(
    *,
    title: str,
    intro: str,
    figures: Sequence[tuple[str, str]],
    under_the_hood: Sequence[tuple[str, str]],
    conversations: Sequence[Conversation],
    homes: Sequence[tuple[str, Mapping[str, Any]]],
    hr: Sequence[str],
    render: Render,
    clocks: Clocks,
    bot_name: str = "rotnem",
) -> str:
    """The whole page: figures, HR's screens, the conversations by kind, the Home tabs, and
    the technical figures last."""
    names = render.names
    nav = ["<h2>Summary</h2>", _link("summary", "Program figures")]
    body = [_table("summary", "Program figures", figures)]
    hr_dms = [c for c in conversations if c.kind == "dm" and c.readers and c.readers[0] in hr]
    shown = {c.channel for c in hr_dms}
    hr_homes = [(user, view) for user, view in homes if user in hr]
    if hr_dms or hr_homes:
        nav.append("<h2>HR's screens</h2>")
        body.append('<section class="conv" id="hr"><h2>HR\'s screens</h2><p class="note">What '
                    "HR typed and clicked in their DM with the bot, and every answer only they "
                    "saw.</p></section>")  # fmt: skip
        for conv in hr_dms:
            nav.append(_link(anchor(conv), f"{names.user(conv.readers[0])}'s DM"))
            body.append(conversation_html(conv, render, clocks, bot_name, css="conv hr"))
        nav.extend(_link(f"home-{escape(u)}", f"{names.user(u)}'s Home") for u, _ in hr_homes)
    sections = (("channel", "Channels"), ("group", "Group DMs"), ("dm", "Direct messages"))
    for kind, heading in sections:
        chosen = [c for c in conversations if c.kind == kind and c.channel not in shown]
        if not chosen:
            continue
        nav.append(f"<h2>{escape(heading)}</h2>")
        for conv in chosen:
            nav.append(_link(anchor(conv), conv.title))
            body.append(conversation_html(conv, render, clocks, bot_name))
    others = [(user, view) for user, view in homes if user not in hr]
    if others:
        nav.append("<h2>App Home</h2>")
        nav.extend(_link(f"home-{escape(user)}", names.user(user)) for user, _ in others)
    body.extend(home_html(user, view, render) for user, view in [*hr_homes, *others])
    nav.extend(["<h2>Under the hood</h2>", _link("under-the-hood", "Slack calls and run time")])
    body.append(_table("under-the-hood", "Under the hood", under_the_hood))
    return (
        "<!doctype html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>"
        f'<header class="top"><h1>{escape(title)}</h1><p>{escape(intro)}</p></header>'
        '<input type="checkbox" id="toc" class="toc-toggle">'
        '<label for="toc" class="toc-button">☰ Contents</label>'
        f'<main><nav>{"".join(nav)}</nav><div class="content">{"".join(body)}</div></main>'
        "</body></html>\n"
    )


__all__ = ["CSS", "Clocks", "conversation_html", "entry_html", "local_time", "page"]
