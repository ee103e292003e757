"""What pairing rounds tell people: the introduction, the announcement, the waitlist DM, the end
of a pair or of a cycle, and a proposal for HR admins; and the introduction's after-send hook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.kinds import Sent
from bot.services.notices import Notice
from bot.services.rounds.model import Proposal
from models import Pair


@dataclass(frozen=True)
class IntroPerson:
    """What a partner may see of the other: role, tools, time zone. Never goals or manager."""

    user_id: str
    role: str
    tz: str
    utc_offset_minutes: int = 0
    teaches: tuple[str, ...] = ()
    learns: tuple[str, ...] = ()
    share: str | None = None


class IntroNotice(Notice):
    """The pair's introduction in a new group DM, with the kickoff agreement."""

    kind: ClassVar[str] = "intro"

    pair_id: int
    guide: IntroPerson
    learner: IntroPerson
    shared_tools: tuple[str, ...]


class AnnouncementNotice(Notice):
    """The new pairs, celebrated in the program's channel: names only."""

    kind: ClassVar[str] = "announcement"

    pairs: tuple[tuple[str, str], ...]  # (guide, learner)
    cycle_weeks: int


class WaitlistNotice(Notice):
    """To someone a round could not place: why, and that they go first next time."""

    kind: ClassVar[str] = "waitlist"

    reason: str


# Why a pair ended, as the person left in it is told: a pair's end reason, or "partner_ended"
# when the partner said "We can't make this work" (they are not told why).
EndedWhy = Literal["cycle_ended", "left", "unpaired", "partner_ended"]


class PairEndedNotice(Notice):
    """To one person of a pair that ended."""

    kind: ClassVar[str] = "pair_ended"

    partner: str
    why: EndedWhy


class CycleEndNotice(Notice):
    """Thanks at the end of a cycle, and "continue into the next one?"."""

    kind: ClassVar[str] = "cycle_end"

    round_id: int
    partners: tuple[str, ...]
    cycle_weeks: int


class ProposalNotice(Notice):
    """A proposed round for an HR admin to approve or discard."""

    kind: ClassVar[str] = "proposal"

    proposal: Proposal
    automatic: bool = False


async def remember_group_dm(session: AsyncSession, notice: IntroNotice, sent: Sent) -> None:
    """After the introduction is posted: keep its group DM on the pair for every later message."""
    await session.execute(
        update(Pair)
        .where(Pair.id == notice.pair_id, Pair.group_channel_id.is_(None))
        .values(group_channel_id=sent.channel)
    )
