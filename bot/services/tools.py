"""The tool catalogue: what people can pick when they say what they teach and want to learn.

Each program has its own: the shared catalogue (the tools we ship) minus the shared tools it
hides, plus the tools it adds (`models.tools`). HR admins add and remove tools for the program
they act in. A removed tool is only retired: it stays on the profiles that already name it, but
the program's profile modal no longer offers it to anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import _
from bot.install.keys import shared_or_own
from bot.services.errors import InvalidInput, ToolExists, ToolNotFound
from bot.services.text import typed
from bot.services.tools_builtin import ADDED_CATEGORY, DESCRIPTIONS
from models import HiddenTool, Tool

MAX_NAME = 40
MAX_DESCRIPTION = 150


@dataclass(frozen=True)
class ToolInfo:
    """A tool of the catalogue."""

    id: int
    name: str
    description: str
    category: str
    removed: bool
    # The description is one of ours (seeded, `bot.services.tools_builtin`): shown translated.
    # HR's are shown as typed.
    builtin: bool = False


def _info(tool: Tool) -> ToolInfo:
    return ToolInfo(
        id=tool.id,
        name=tool.name,
        description=tool.description,
        category=tool.category,
        removed=tool.removed_at is not None,
        builtin=tool.added_by is None and tool.description in DESCRIPTIONS,
    )


def offered_in(team_id: str | BindParameter[str]) -> ColumnElement[bool]:
    """SQL: the tool is in this program's catalogue (its own, or shared and not hidden there)."""
    hidden = exists().where(HiddenTool.team_id == team_id, HiddenTool.tool_id == Tool.id)
    return and_(
        Tool.removed_at.is_(None),
        or_(Tool.team_id == team_id, and_(Tool.team_id.is_(None), ~hidden)),
    )


def known_in(team_id: str) -> ColumnElement[bool]:
    """SQL: a tool a profile in this program may name: shared, or the program's own (offered
    or not, as a profile keeps a retired tool)."""
    return shared_or_own(Tool.team_id, team_id)


# Built once (every profile modal reads it): building the statement cost more than running it.
_CATALOGUE = select(Tool).where(offered_in(bindparam("program"))).order_by(Tool.id)


async def list_tools(session: AsyncSession, team_id: str) -> list[ToolInfo]:
    """The program's catalogue in the order people see it (seed order, then additions)."""
    found = await session.scalars(_CATALOGUE, {"program": team_id})
    return [_info(tool) for tool in found.all()]


async def find_tool(session: AsyncSession, team_id: str, name: str) -> ToolInfo | None:
    """The tool of that name (any case) the program's catalogue offers, if any."""
    query = select(Tool).where(func.lower(Tool.name) == name.strip().lower(), offered_in(team_id))
    found = (await session.scalars(query.order_by(Tool.id))).first()
    return None if found is None else _info(found)


async def _named(session: AsyncSession, team_id: str, name: str) -> tuple[Tool | None, Tool | None]:
    """The program's own tool of that name (any case) and the shared one, either may be None."""
    query = select(Tool).where(func.lower(Tool.name) == name.lower(), known_in(team_id))
    own = shared = None
    for tool in (await session.scalars(query)).all():
        if tool.team_id is None:
            shared = tool
        else:
            own = tool
    return own, shared


def _check_name(name: str) -> str:
    checked = typed(name, limit=MAX_NAME, what=_("A tool name"))
    if checked is None:
        raise InvalidInput(_("The tool needs a name."))
    return checked


async def add_tool(
    session: AsyncSession, team_id: str, name: str, description: str, *, actor_id: str
) -> ToolInfo:
    """Offer a tool in this program: a new one, one it removed (with the new description), or
    a shared one it hid (as the shared catalogue describes it: other programs offer it too)."""
    name = _check_name(name)
    checked = typed(description, limit=MAX_DESCRIPTION, what=_("A description"))
    if checked is None:
        raise InvalidInput(_("Add a one-line description: what can people do with it?"))
    description = checked
    own, shared = await _named(session, team_id, name)
    if shared is not None and shared.removed_at is None:
        hidden = await session.get(HiddenTool, (team_id, shared.id))
        if hidden is None:
            raise ToolExists(_("*{tool}* is already in the catalogue.").format(tool=shared.name))
        await session.delete(hidden)
        await session.flush()
        return _info(shared)
    if own is not None:
        if own.removed_at is None:
            raise ToolExists(_("*{tool}* is already in the catalogue.").format(tool=own.name))
        own.removed_at = None
        own.description = description
        await session.flush()
        return _info(own)
    # Listed under ADDED_CATEGORY ("More tools"), stored in English and translated where shown.
    # A shared tool retired before programs had catalogues of their own stays retired for the
    # others: this program gets a tool of its own by that name.
    tool = Tool(
        team_id=team_id,
        name=name,
        description=description,
        category=ADDED_CATEGORY,
        added_by=actor_id,
    )
    session.add(tool)
    await session.flush()
    return _info(tool)


async def remove_tool(session: AsyncSession, team_id: str, name: str, *, now: datetime) -> ToolInfo:
    """Stop offering a tool in this program (its own is retired, a shared one hidden there);
    profiles that name it keep it."""
    name = _check_name(name)
    own, shared = await _named(session, team_id, name)
    if own is not None and own.removed_at is None:
        own.removed_at = now
        await session.flush()
        return _info(own)
    if (
        shared is not None
        and shared.removed_at is None
        and await session.get(HiddenTool, (team_id, shared.id)) is None
    ):
        session.add(HiddenTool(team_id=team_id, tool_id=shared.id, hidden_at=now))
        await session.flush()
        return replace(_info(shared), removed=True)
    raise ToolNotFound(_("There is no tool called *{tool}* in the catalogue.").format(tool=name))
