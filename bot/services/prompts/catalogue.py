"""The prompt catalogue: what the tick chooses from, and what HR admins list, add and remove.

Each program has its own, as it has its own tool catalogue (`bot.services.tools`): the shared
prompts (the ones we ship) but those it hides, and the prompts it adds, without those of a tool
it does not offer. HR admins add and remove prompts in the program they act in; no program's
prompts reach another's pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BindParameter, and_, bindparam, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import _
from bot.install.keys import shared_or_own
from bot.services.errors import InvalidInput, NotFound, ToolNotFound
from bot.services.prompts.builtin import BUILTIN_TEXTS
from bot.services.prompts.chooser import Catalogue, CatalogueEntry
from bot.services.text import typed
from bot.services.tools import ToolInfo, find_tool, offered_in
from models import HiddenPrompt, Prompt, PromptKind, Tool


@dataclass(frozen=True)
class PromptLine:
    """A prompt of the catalogue as HR admins list it."""

    id: int
    kind: str
    tool: str | None
    text: str
    exercise: str | None
    added_by: str | None
    # One we ship: shown in the reader's language, as the weekly prompt is.
    builtin: bool = False


def _line(prompt: Prompt, tool: str | None) -> PromptLine:
    builtin = prompt.added_by is None and prompt.text in BUILTIN_TEXTS
    return PromptLine(
        prompt.id, prompt.kind, tool, prompt.text, prompt.exercise, prompt.added_by, builtin
    )


# The program's catalogue, built once (every program's tick reads it): building the statement
# cost more than running it.
_PROGRAM: BindParameter[str] = bindparam("program")
_HIDDEN_HERE = exists().where(HiddenPrompt.team_id == _PROGRAM, HiddenPrompt.prompt_id == Prompt.id)
_CATALOGUE = (
    select(Prompt, Tool.name)
    .outerjoin(Tool, Tool.id == Prompt.tool_id)
    .where(
        Prompt.active.is_(True),
        shared_or_own(Prompt.team_id, _PROGRAM),
        ~_HIDDEN_HERE,
        or_(Prompt.tool_id.is_(None), offered_in(_PROGRAM)),
    )
    .order_by(Prompt.id)
)
# What HR took out of the program's catalogue: its own retired prompts, the shared ones hidden.
_REMOVED = (
    select(Prompt, Tool.name)
    .outerjoin(Tool, Tool.id == Prompt.tool_id)
    .where(or_(and_(Prompt.team_id == _PROGRAM, Prompt.active.is_(False)), _HIDDEN_HERE))
    .order_by(Prompt.id)
)


async def load_catalogue(session: AsyncSession, team_id: str) -> Catalogue:
    """The program's catalogue as the weekly tick chooses from it."""
    return Catalogue(
        CatalogueEntry(line.id, line.kind, line.tool, line.text, line.exercise, line.builtin)
        for line in await list_prompts(session, team_id)
    )


async def list_prompts(session: AsyncSession, team_id: str) -> list[PromptLine]:
    """The program's catalogue as HR admins list it: what its pairs may get."""
    rows = await session.execute(_CATALOGUE, {"program": team_id})
    return [_line(prompt, tool) for prompt, tool in rows.all()]


async def removed_prompts(session: AsyncSession, team_id: str) -> list[PromptLine]:
    """The prompts HR removed from the program's catalogue, which `restore_prompt` brings back."""
    rows = await session.execute(_REMOVED, {"program": team_id})
    return [_line(prompt, tool) for prompt, tool in rows.all()]


async def restore_prompt(session: AsyncSession, team_id: str, prompt_id: int) -> PromptLine:
    """Offer prompt #`prompt_id` in this program again after `remove_prompt`."""
    rows = (await session.execute(_REMOVED, {"program": team_id})).all()
    found = next(((p, tool) for p, tool in rows if p.id == prompt_id), None)
    if found is None:
        raise NotFound(
            _(
                "No prompt #{id} was removed from this program (`admin prompts all` lists "
                "the ones that were)."
            ).format(id=prompt_id)
        )
    prompt, tool = found
    if prompt.team_id == team_id:
        prompt.active = True
    await session.execute(
        delete(HiddenPrompt).where(
            HiddenPrompt.team_id == team_id, HiddenPrompt.prompt_id == prompt.id
        )
    )
    await session.flush()
    return _line(prompt, tool)


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
    """Add a prompt to the program's catalogue (a teach prompt may name a tool it offers)."""
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
        team_id=team_id,
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


async def remove_prompt(
    session: AsyncSession, team_id: str, prompt_id: int, *, now: datetime
) -> PromptLine:
    """Stop offering prompt #`prompt_id` in this program (its own is retired, a shared one hidden
    there); the weeks that already had it keep it. The last prompt a week may fall back on — the
    last "reverse the mirror", the last "teach me a tool" for any tool — stays: without it, the
    tick would send nothing in those weeks."""
    rows = (await session.execute(_CATALOGUE, {"program": team_id})).all()
    found = next(((p, tool) for p, tool in rows if p.id == prompt_id), None)
    if found is None:
        raise NotFound(
            _(
                "There is no prompt #{id} in this program's catalogue (`admin prompts all` lists "
                "them with their numbers)."
            ).format(id=prompt_id)
        )
    prompt, tool = found
    if prompt.tool_id is None and not any(
        p.kind == prompt.kind and p.tool_id is None for p, _tool in rows if p.id != prompt.id
    ):
        if prompt.kind == PromptKind.MIRROR:
            last = _(
                "Prompt #{id} is this program's last “reverse the mirror” prompt: add another "
                "first, or its pairs would get nothing in those weeks."
            )
        else:
            last = _(
                "Prompt #{id} is this program's last “teach me a tool” prompt for any tool: add "
                "another first, or pairs whose tools have no prompt of their own would get "
                "nothing in those weeks."
            )
        raise InvalidInput(last.format(id=prompt.id))
    if prompt.team_id == team_id:
        prompt.active = False
    else:
        session.add(HiddenPrompt(team_id=team_id, prompt_id=prompt.id, hidden_at=now))
    await session.flush()
    return _line(prompt, tool)
