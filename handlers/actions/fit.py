"""The fit question's buttons (the person's own answer, changeable in place) and HR's Re-pair /
Keep the pair on a "Not a good fit" alert (admins only, checked on every click)."""

from __future__ import annotations

from bot.blocks.fit import (
    ANSWER_OF_ACTION,
    fit_alert_message,
    fit_answered_message,
    fit_saved_answer,
    keep_answer,
    repair_answer,
)
from bot.blocks.wording import in_wording
from bot.i18n import N_, _
from bot.ids import ActionId
from bot.services import fit
from handlers.kit import Click

UNKNOWN = N_("I don't recognise that question.")


async def _answer(click: Click, action: ActionId) -> None:
    fit_id = click.number
    if fit_id is None:
        await click.say(_(UNKNOWN))
        return
    deps = click.deps
    async with click.saving() as session:
        view = await fit.answer_fit(
            session,
            click.team_id,
            fit_id,
            click.user_id,
            ANSWER_OF_ACTION[action],
            now=deps.clock.now(),
            admins=deps.settings.rotnem_admins,
        )
    with in_wording(await click.wording()):
        await click.update_clicked(fit_answered_message(view))
    await click.say(fit_saved_answer(view.answer or ""))


async def good(click: Click) -> None:
    await _answer(click, ActionId.FIT_GOOD)


async def deciding(click: Click) -> None:
    await _answer(click, ActionId.FIT_DECIDING)


async def bad(click: Click) -> None:
    await _answer(click, ActionId.FIT_BAD)


async def repair(click: Click) -> None:
    pair_id = await click.admin_number(_("I don't recognise that pair."))
    if pair_id is None:
        return
    deps = click.deps
    async with click.saving() as session:
        outcome = await fit.repair_pair(
            session,
            click.team_id,
            pair_id,
            admin=click.user_id,
            now=deps.clock.now(),
            defaults=deps.program_defaults,
            admins=deps.settings.rotnem_admins,
        )
    await click.update_clicked(fit_alert_message(outcome.alert))
    await click.say(repair_answer(outcome))


async def keep(click: Click) -> None:
    pair_id = await click.admin_number(_("I don't recognise that pair."))
    if pair_id is None:
        return
    async with click.saving() as session:
        alert = await fit.keep_pair(
            session, click.team_id, pair_id, admin=click.user_id, now=click.deps.clock.now()
        )
    await click.update_clicked(fit_alert_message(alert))
    await click.say(keep_answer())
