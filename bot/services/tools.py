"""The tool catalogue: what people can pick when they say what they teach and want to learn.

HR admins add and remove tools. A removed tool is only retired: it stays on the profiles that
already name it, but the profile modal no longer offers it to anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import _
from bot.services.errors import InvalidInput, ToolExists, ToolNotFound
from bot.services.text import typed
from bot.services.tools_builtin import ADDED_CATEGORY, DESCRIPTIONS
from models import Tool

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


async def list_tools(session: AsyncSession, *, include_removed: bool = False) -> list[ToolInfo]:
    """The catalogue in the order people see it (seed order, then additions)."""
    query = select(Tool).order_by(Tool.id)
    if not include_removed:
        query = query.where(Tool.removed_at.is_(None))
    return [_info(tool) for tool in (await session.scalars(query)).all()]


async def _by_name(session: AsyncSession, name: str) -> Tool | None:
    query = select(Tool).where(func.lower(Tool.name) == name.strip().lower())
    return (await session.scalars(query)).first()


def _check_name(name: str) -> str:
    checked = typed(name, limit=MAX_NAME, what=_("A tool name"))
    if checked is None:
        raise InvalidInput(_("The tool needs a name."))
    return checked


async def add_tool(
    session: AsyncSession, name: str, description: str, *, actor_id: str
) -> ToolInfo:
    """Offer a new tool, or offer a removed one again (with the new description)."""
    name = _check_name(name)
    checked = typed(description, limit=MAX_DESCRIPTION, what=_("A description"))
    if checked is None:
        raise InvalidInput(_("Add a one-line description: what can people do with it?"))
    description = checked
    existing = await _by_name(session, name)
    if existing is not None:
        if existing.removed_at is None:
            raise ToolExists(_("*{tool}* is already in the catalogue.").format(tool=existing.name))
        existing.removed_at = None
        existing.description = description
        await session.flush()
        return _info(existing)
    # Listed under ADDED_CATEGORY ("More tools"), stored in English and translated where shown.
    tool = Tool(name=name, description=description, category=ADDED_CATEGORY, added_by=actor_id)
    session.add(tool)
    await session.flush()
    return _info(tool)


async def remove_tool(session: AsyncSession, name: str, *, now: datetime) -> ToolInfo:
    """Stop offering a tool; profiles that name it keep it."""
    name = _check_name(name)
    tool = await _by_name(session, name)
    if tool is None or tool.removed_at is not None:
        raise ToolNotFound(
            _("There is no tool called *{tool}* in the catalogue.").format(tool=name)
        )
    tool.removed_at = now
    await session.flush()
    return _info(tool)
