"""The new-program modal's submission (`/rotnem admin programs` → New program): the program is
created from its template, or the modal stays open with what to fix on its field — an empty or
too long name, one another program already goes by — and nothing stored. Once created, the modal
says what to do next."""

from __future__ import annotations

from bot.blocks.programs import program_created_modal, rotnem_admins_only_message
from bot.i18n import _
from bot.ids import BlockId
from bot.install.keys import workspace_of
from bot.services.errors import Conflict, InvalidInput
from bot.services.program.programs import create_program
from bot.services.program.templates import PROGRAM_TEMPLATES
from handlers.commands.programs import is_rotnem_admin
from handlers.kit import Submission


async def create(submission: Submission) -> None:
    if not is_rotnem_admin(submission):
        await submission.refuse(rotnem_admins_only_message())
        return
    state = submission.state
    template = PROGRAM_TEMPLATES.get(state.selected(BlockId.PROGRAMS_TEMPLATE) or "")
    if template is None:
        await submission.errors({BlockId.PROGRAMS_TEMPLATE: _("Pick one of the templates.")})
        return
    deps = submission.deps
    try:
        async with submission.saving() as session:
            program = await create_program(
                session,
                workspace_of(submission.team_id),
                name=state.text(BlockId.PROGRAMS_NAME) or "",
                template=template,
                actor_id=submission.user_id,
                now=deps.clock.now(),
                defaults=deps.program_defaults,
            )
            submission.then_show(program_created_modal(submission.command, program))
    except (InvalidInput, Conflict) as refused:
        # The name's refusals (and a workspace that runs as many programs as it may) belong
        # under the name: the transaction rolled back, nothing is stored.
        await submission.errors({BlockId.PROGRAMS_NAME: refused.message})
