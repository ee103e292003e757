"""Who someone is according to Slack (users.info), who may join, and keeping it fresh."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import _
from bot.install.keys import in_workspace, workspace_of
from bot.services.errors import NotEligible
from models import Participant

# users.info is asked again at most this often when the person interacts.
IDENTITY_TTL = timedelta(days=1)


@dataclass(frozen=True)
class Identity:
    """What Slack says about a person (users.info); `tz` falls back to the program's zone."""

    user_id: str
    display_name: str
    tz: str
    # Slack's locale ("fr-FR"), when users.info was asked with include_locale.
    locale: str | None = None
    is_bot: bool = False
    deleted: bool = False
    guest: bool = False


def check_eligible(identity: Identity) -> None:
    """Raise `NotEligible` for bots, deactivated accounts and guests."""
    if identity.is_bot:
        raise NotEligible(_("Rotnem pairs people with people, so bots and apps can't join."))
    if identity.deleted:
        raise NotEligible(_("This account has been deactivated, so it can't join the program."))
    if identity.guest:
        raise NotEligible(
            _(
                "The program is open to full members of this workspace, so guest accounts can't "
                "join. If you think you should be able to, please ask your HR team."
            )
        )


async def identity_is_stale(
    session: AsyncSession, team_id: str, user_id: str, *, now: datetime
) -> bool:
    """True when a participant's name and time zone were last read from Slack over a day ago."""
    query = select(Participant.identity_refreshed_at).where(
        Participant.team_id == team_id, Participant.user_id == user_id
    )
    row = (await session.execute(query)).first()
    if row is None:
        return False
    refreshed_at = row[0]
    return refreshed_at is None or now - refreshed_at >= IDENTITY_TTL


async def refresh_identity(
    session: AsyncSession, team_id: str, identity: Identity, *, now: datetime
) -> None:
    """Store the name, time zone, locale and guest status Slack reports for a participant, in
    every program of the workspace they take part in (`team_id`: any of its programs): who they
    are in Slack is the same in all of them."""
    query = (
        select(Participant)
        .where(
            in_workspace(Participant.team_id, workspace_of(team_id)),
            Participant.user_id == identity.user_id,
        )
        # In id order, as every lock of several participants' rows (no deadlock).
        .order_by(Participant.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    for participant in (await session.scalars(query)).all():
        participant.display_name = identity.display_name
        participant.tz = identity.tz
        if identity.locale is not None:
            # Events' user objects carry no locale: only users.info asked for it changes it.
            participant.locale = identity.locale
        participant.identity_refreshed_at = now
        if not identity.guest:
            participant.guest_since = None
        elif participant.guest_since is None:
            participant.guest_since = now
