"""The prompt catalogue: what the tick chooses from, and what HR admins list and add."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import _
from bot.services.errors import InvalidInput, ToolNotFound
from bot.services.prompts.builtin import BUILTIN_TEXTS
from bot.services.prompts.chooser import Catalogue, CatalogueEntry
from bot.services.text import typed
from bot.services.tools import ToolInfo, find_tool, offered_in
from models import Prompt, PromptKind, Tool


@dataclass(frozen=True)
class PromptLine:
    """A prompt of the catalogue as HR admins list it."""

    id: int
    kind: str
    tool: str | None
    text: str
    exercise: str | None
    added_by: str | None


# Built once, as every program's tick reads it.
_ACTIVE = (
    select(Prompt, Tool.name)
    .outerjoin(Tool, Tool.id == Prompt.tool_id)
    .where(Prompt.active.is_(True), or_(Prompt.tool_id.is_(None), offered_in(bindparam("program"))))
    .order_by(Prompt.id)
)


async def load_catalogue(session: AsyncSession, team_id: str) -> Catalogue:
    """Active prompts, without those of a tool the program's catalogue does not offer."""
    return Catalogue(
        CatalogueEntry(
            prompt.id,
            prompt.kind,
            tool,
            prompt.text,
            prompt.exercise,
            builtin=prompt.added_by is None and prompt.text in BUILTIN_TEXTS,
        )
        for prompt, tool in (await session.execute(_ACTIVE, {"program": team_id})).all()
    )


async def list_prompts(session: AsyncSession) -> list[PromptLine]:
    query = (
        select(Prompt, Tool.name)
        .outerjoin(Tool, Tool.id == Prompt.tool_id)
        .where(Prompt.active.is_(True))
        .order_by(Prompt.id)
    )
    return [
        PromptLine(p.id, p.kind, tool, p.text, p.exercise, p.added_by)
        for p, tool in (await session.execute(query)).all()
    ]


async def add_prompt(
    session: AsyncSession,
    team_id: str,
    *,
    kind: str,
    text: str,
    exercise: str | None,
    tool_name: str | None,
    actor_id: str,
    now: datetime,
) -> PromptLine:
    """Add a prompt to the catalogue (a teach prompt may name a tool the program offers)."""
    text = typed(text, limit=300, what=_("A prompt")) or ""
    exercise = typed(exercise, limit=300, what=_("An exercise"))
    if len(text) < 10:
        raise InvalidInput(_("A prompt is 10 to 300 characters."))
    if kind not in (PromptKind.TEACH, PromptKind.MIRROR):
        raise InvalidInput(_("Say `teach` or `mirror` after `add`."))
    tool: ToolInfo | None = None
    if tool_name:
        if kind == PromptKind.MIRROR:
            raise InvalidInput(
                _("A “reverse the mirror” prompt is not about a tool: leave it out.")
            )
        tool = await find_tool(session, team_id, tool_name)
        if tool is None:
            raise ToolNotFound(
                _(
                    "There is no tool called “{tool}” in the catalogue (`admin tools` lists them)."
                ).format(tool=tool_name)
            )
    elif kind == PromptKind.TEACH and "{tool}" not in text:
        raise InvalidInput(
            _(
                "Name the tool in quotes after `teach`, or write `{tool}` in the text so it fits "
                "any tool."
            )
        )
    prompt = Prompt(
        kind=kind,
        tool_id=tool.id if tool else None,
        text=text,
        exercise=exercise,
        added_by=actor_id,
        active=True,
        created_at=now,
    )
    session.add(prompt)
    await session.flush()
    return PromptLine(prompt.id, kind, tool.name if tool else None, text, exercise, actor_id)
