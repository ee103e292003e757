"""HR's stall-alert buttons: "Nudge them" and "Talk to them" (admins only, checked per click).

The alert is updated in place to show what was done; the messages to the pair go through the
outbox (they are proactive messages to other people)."""

from __future__ import annotations

from bot.blocks.stalls import stall_action_answer, stall_alert_message
from bot.blocks.wording import in_wording
from bot.i18n import _
from bot.services import stalls
from handlers.kit import Click


async def _act(click: Click, action: str) -> None:
    alert_id = await click.admin_number(_("I don't recognise that alert."))
    if alert_id is None:
        return
    deps = click.deps
    async with click.saving() as session:
        outcome = await stalls.act_on_stall(
            session,
            click.team_id,
            alert_id,
            await deps.program_config(session, click.team_id),
            action=action,
            admin=click.user_id,
            now=deps.clock.now(),
            zone=deps.settings.zone,
        )
    with in_wording(await click.wording()):
        await click.update_clicked(stall_alert_message(outcome.view, outcome.done))
    await click.say(stall_action_answer(action, outcome.already))


async def nudge(click: Click) -> None:
    await _act(click, "nudged")


async def talk(click: Click) -> None:
    await _act(click, "talked")
