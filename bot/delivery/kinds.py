"""The table of notice kinds the dispatcher renders with: kind → notice type, renderer, after-send.

The table is built where a process is composed (`bot.notice_kinds`) and handed to the
dispatcher, so every process knows every kind by construction — nothing registers itself as a
side effect of being imported.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.blocks.message import Message
from bot.services.notices import Notice, Sent

N = TypeVar("N", bound=Notice)


@dataclass(frozen=True)
class NoticeKind(Generic[N]):
    """How one kind of notice leaves: its type, its renderer, and an optional `after_send`
    that runs in the transaction marking the row sent (to store where the message landed, for
    example; a hook only touches the database), `readers` and `withdraw_if`."""

    notice: type[N]
    render: Callable[[N], Message]
    after_send: Callable[[AsyncSession, N, Sent], Awaitable[None]] | None = None
    # Who reads a notice posted into a conversation by its ID (a pair's group DM), for their
    # language; a DM or a group DM opened for the notice names its readers itself, and a
    # channel's readers read the program's language.
    readers: Callable[[N], Sequence[str]] | None = None
    # Asked just before posting, with the row's dedupe key: True withdraws the row instead (a
    # pair's weekly message once the pair has ended). It runs in the transaction that withdraws
    # the row and may record why.
    withdraw_if: Callable[[AsyncConnection, str, N], Awaitable[bool]] | None = None

    @property
    def name(self) -> str:
        return self.notice.kind

    def read_by(
        self, notice: N, open_users: Sequence[str] | None, channel: str | None
    ) -> Sequence[str]:
        """Whose language a message is written in: the people a DM or group DM is opened for,
        the person a DM is posted to, a group DM's partners (`readers`); nobody for a channel,
        which reads the program's."""
        if open_users:
            return open_users
        if channel and channel[0] in "UW":
            return [channel]
        return self.readers(notice) if self.readers else ()


class Undeliverable(Exception):
    """A row whose notice this process cannot read: an unknown kind or values that don't fit."""


class NoticeKinds(Mapping[str, NoticeKind[Any]]):
    """Every kind a process sends, by name; one entry per kind."""

    def __init__(self, kinds: Iterable[NoticeKind[Any]]) -> None:
        self._kinds: dict[str, NoticeKind[Any]] = {}
        for kind in kinds:
            if kind.name in self._kinds:
                raise ValueError(f"notice kind {kind.name!r} appears twice in the table")
            self._kinds[kind.name] = kind

    def __getitem__(self, name: str) -> NoticeKind[Any]:
        return self._kinds[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    def read(self, name: str, values: Mapping[str, Any]) -> tuple[NoticeKind[Any], Notice]:
        """The kind and the notice of a stored row; `Undeliverable` says what is wrong."""
        kind = self._kinds.get(name)
        if kind is None:
            raise Undeliverable(f"unknown notice kind {name!r}")
        try:
            return kind, kind.notice.model_validate(values)
        except ValidationError as exc:
            raise Undeliverable(f"{name} notice does not fit: {exc.errors()[0]['msg']}") from exc
