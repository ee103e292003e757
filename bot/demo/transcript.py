"""The demo as plain text: every Slack message with who sent it where, when (simulated time),
people's commands, clicks and modal answers, modals and Home tabs summarised in a line."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.demo.slacktext import Names, message_lines, plain, text_object
from bot.sandbox.driver import Event

INDENT = " " * 8

ConversationKind = Literal["channel", "group", "dm"]


@dataclass(frozen=True)
class Places:
    """Turns channel IDs into the places a person would name."""

    names: Names
    members: Mapping[str, tuple[str, ...]]
    dm_of: Mapping[str, str]
    # The guide of each pair's group DM: named first, as the introduction does.
    guides: Mapping[str, str] = field(default_factory=dict)

    def kind(self, channel: str) -> ConversationKind:
        if channel in self.dm_of:
            return "dm"
        if channel in self.members:
            return "group"
        return "channel"

    def where(self, channel: str | None) -> str:
        if not channel:
            return "Slack"
        kind = self.kind(channel)
        if kind == "dm":
            return f"DM to {self.names.user(self.dm_of[channel])}"
        if kind == "group":
            people = " + ".join(self.names.user(u).split(" ")[0] for u in self.people(channel))
            return f"group DM {people}"
        return "#" + self.names.channel(channel)

    def people(self, channel: str) -> tuple[str, ...]:
        """Who reads ``channel`` besides the bot: a DM's owner, a group DM's guide first; none
        for a channel (everyone may read it)."""
        kind = self.kind(channel)
        if kind == "dm":
            return (self.dm_of[channel],)
        if kind == "group":
            guide = self.guides.get(channel)
            return tuple(sorted(self.members[channel], key=lambda user: user != guide))
        return ()

    def involves(self, channel: str | None, users: frozenset[str]) -> bool:
        if not channel:
            return False
        kind = self.kind(channel)
        if kind == "dm":
            return self.dm_of[channel] in users
        if kind == "group":
            return bool(users.intersection(self.members[channel]))
        return True  # channels are public


def stamp(moment: datetime) -> str:
    return moment.strftime("%a %d %b %H:%M")


def _body(lines: Iterable[str]) -> list[str]:
    return [INDENT + line if line else "" for line in lines]


def _home(view: Mapping[str, object], names: Names) -> str:
    blocks = view.get("blocks")
    headers: list[str] = []
    if isinstance(blocks, list):
        for block in blocks:
            if isinstance(block, dict) and block.get("type") in ("header", "section"):
                text = text_object(block.get("text"), names).split("\n", 1)[0]
                if text:
                    headers.append(text)
            if len(headers) >= 3:
                break
    return " / ".join(headers)


def render_event(event: Event, places: Places) -> list[str]:
    """One event as transcript lines (empty for events not worth a line)."""
    names = places.names
    when = stamp(event.at)
    who = names.user(event.user) if event.user else ""
    if event.kind == "message":
        head = f"{when}  {places.where(event.channel)}  ← rotnem"
        return [head, *_body(message_lines(event.text, list(event.blocks), names))]
    if event.kind == "update":
        lines = message_lines(event.text, list(event.blocks), names)
        return [f"{when}  {places.where(event.channel)}  ✎ rotnem edited a message:",
                *_body(lines)]  # fmt: skip
    if event.kind == "delete":
        return [f"{when}  {places.where(event.channel)}  ✗ rotnem deleted a message"]
    if event.kind == "ephemeral":
        lines = message_lines(event.text, list(event.blocks), names)
        return [f"{when}  {places.where(event.channel)}  (only {who} sees) ← rotnem",
                *_body(lines)]  # fmt: skip
    if event.kind == "command":
        return [f"{when}  {places.where(event.channel)}  {who} types: {event.text}"]
    if event.kind == "click":
        return [f"{when}  {places.where(event.channel) if event.channel else 'a modal'}  "
                f"{who} clicks “{plain(event.text, names, mrkdwn=False)}”"]  # fmt: skip
    if event.kind == "modal":
        return [f"{when}  modal for {who}: {event.text}"]
    if event.kind == "submit":
        answers = event.detail.get("answers") or {}
        shown = "; ".join(f"{label} {_answer(value, names)}" for label, value in answers.items())
        return [f"{when}  {who} submits {event.text.split(' asking:')[0]}", *_body([shown])]
    if event.kind == "invalid":
        errors = event.detail.get("errors") or {}
        return [f"{when}  the modal “{event.text}” refuses it and shows:",
                *_body(f"{label}: {message}" for label, message in errors.items())]  # fmt: skip
    if event.kind == "home":
        view = event.view or {}
        return [f"{when}  Home tab of {who} updated: {_home(view, names)}"]
    if event.kind == "event":
        return [f"{when}  {who} {event.text}"]
    if event.kind == "file":
        return [f"{when}  {places.where(event.channel)}  rotnem shares a file: {event.text}"]
    return []


def _answer(value: object, names: Names) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    text = str(value)
    if text.startswith("U") and text.isalnum() and text.isupper():
        return names.user(text)
    return text


def render(
    events: Iterable[Event], places: Places, *, keep: Callable[[Event], bool] | None = None
) -> list[str]:
    """The transcript; with ``keep``, events it rejects are counted per day instead of shown."""
    out: list[str] = []
    hidden = 0
    day: str | None = None

    def flush() -> None:
        nonlocal hidden
        if hidden:
            out.append(f"{INDENT}… and {hidden} more message(s) and action(s) between others")
            hidden = 0

    for event in events:
        if event.kind == "home" and keep is not None:
            continue  # Home refreshes after every change: summarised by the final Home tabs
        today = f"{event.at:%A} {event.at.day} {event.at:%B %Y} (times in UTC)"
        if today != day:
            flush()
            day = today
            out.append("")
            out.append(f"── {today} " + "─" * max(0, 60 - len(today)))
        if keep is not None and not keep(event):
            hidden += 1
            continue
        out.extend(render_event(event, places))
    flush()
    return out


__all__ = ["ConversationKind", "Places", "render", "render_event", "stamp"]
