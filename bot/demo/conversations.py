"""What each conversation of a run shows, in order, for the HTML page: the bot's messages as
they read at the end (edits applied), the answers only one person saw (ephemerals), the commands
people typed and the buttons they clicked there, and the files the bot shared into it.

Everything is read from what the fake Slack stored and what the driver followed, so whatever a
run produces (a new notice, a chart uploaded to HR) appears without the page knowing about it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.demo.transcript import ConversationKind, Places
from bot.sandbox.driver import Event, SlackDriver
from bot.sandbox.fake_slack import UploadedFile

EntryKind = Literal["message", "ephemeral", "command", "click", "file"]


@dataclass(frozen=True)
class Click:
    """Someone clicked a button on a message."""

    user: str
    button: str


@dataclass(frozen=True)
class Entry:
    """One thing a conversation shows: a bot message, an ephemeral answer, a command typed, a
    button clicked or a file shared. ``user`` is who acted, or who alone saw an ephemeral."""

    kind: EntryKind
    seq: int  # the order things happened in (the driver's event number)
    at: datetime | None
    channel: str
    user: str | None = None
    text: str = ""
    blocks: tuple[Mapping[str, Any], ...] = ()
    ts: str | None = None
    edited: bool = False
    clicks: tuple[Click, ...] = ()  # buttons people clicked on this message
    file: UploadedFile | None = None


@dataclass(frozen=True)
class Conversation:
    """One conversation as the page shows it; ``readers`` are whose clocks its times are shown
    on (none: the program's, for a channel everyone reads)."""

    channel: str
    title: str
    kind: ConversationKind
    readers: tuple[str, ...]
    entries: tuple[Entry, ...]
    subtitle: str = ""


def _clicks(events: Iterable[Event]) -> dict[int, tuple[Click, ...]]:
    """The clicks on each message, by the seq of the event that brought the message."""
    found: dict[int, list[Click]] = {}
    for event in events:
        seq = event.detail.get("message_seq")
        if event.kind == "click" and event.user and isinstance(seq, int):
            found.setdefault(seq, []).append(Click(event.user, event.text))
    return {seq: tuple(clicks) for seq, clicks in found.items()}


def entries_by_channel(
    driver: SlackDriver, stored: Iterable[Mapping[str, Any]], files: Iterable[UploadedFile]
) -> dict[str, list[Entry]]:
    """Every conversation's entries, in the order they happened."""
    events = driver.events
    clicks = _clicks(events)
    posted = {(m.channel, m.ts): m for ms in driver.messages.values() for m in ms.values()}
    out: dict[str, list[Entry]] = {}

    def add(entry: Entry) -> None:
        out.setdefault(entry.channel, []).append(entry)

    for message in stored:
        channel, ts = str(message["channel"]), str(message["ts"])
        seen = posted.get((channel, ts))
        # A message the driver did not see posted (none in the demo) goes last, in ts order.
        seq = seen.seq if seen is not None else len(events)
        add(
            Entry(
                "message",
                seq,
                seen.posted_at if seen is not None else None,
                channel,
                text=str(message.get("text") or ""),
                blocks=tuple(b for b in message.get("blocks") or [] if isinstance(b, dict)),
                ts=ts,
                edited=bool(message.get("edited")),
                clicks=clicks.get(seq, ()) if seen is not None else (),
            )
        )
    by_id = {f.id: f for f in files}
    for event in events:
        if event.kind == "ephemeral" and event.channel:
            add(
                Entry(
                    "ephemeral",
                    event.seq,
                    event.at,
                    event.channel,
                    user=event.user,
                    text=event.text,
                    blocks=event.blocks,
                    clicks=clicks.get(event.seq, ()),
                )
            )
        elif event.kind in ("command", "click") and event.channel:
            add(Entry(event.kind, event.seq, event.at, event.channel, user=event.user,
                      text=event.text))  # fmt: skip
        elif event.kind == "file" and (shared := by_id.get(str(event.detail.get("file_id")))):
            for channel in shared.channels:
                add(Entry("file", event.seq, event.at, channel, file=shared))
    for entries in out.values():
        entries.sort(key=lambda e: (e.seq, e.ts or ""))
    return out


def conversations(
    driver: SlackDriver,
    stored: Iterable[Mapping[str, Any]],
    files: Iterable[UploadedFile],
    places: Places,
) -> list[Conversation]:
    """The run's conversations, by title (the page groups them by kind)."""
    names = places.names
    found: list[Conversation] = []
    for channel, entries in entries_by_channel(driver, stored, files).items():
        readers = places.people(channel)
        guide = places.guides.get(channel)
        subtitle = ""
        if guide is not None and len(readers) == 2:
            subtitle = f"{names.user(readers[0])} (guide) and {names.user(readers[1])} (learner)"
        found.append(
            Conversation(
                channel=channel,
                title=places.where(channel),
                kind=places.kind(channel),
                readers=readers,
                entries=tuple(entries),
                subtitle=subtitle,
            )
        )
    return sorted(found, key=lambda c: c.title)


__all__ = ["Click", "Conversation", "Entry", "EntryKind", "conversations", "entries_by_channel"]
