"""The check-in modals' submissions: "We met" (a session report) and "We can't make this work".

Bad or missing answers are refused in the modal (`response_action: errors`, on the field); an
answer to a check-in already answered is refused the same way, and changes nothing.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.checkins import (
    OTHER,
    ModalContext,
    already_answered_text,
    answered_message,
    cant_detail,
    met_detail,
)
from bot.ids import ActionId, BlockId
from bot.services import checkins
from bot.services.checkins import CheckInClosed, MetAnswers
from bot.services.errors import RotnemError
from handlers.actions.checkins import update_checkin_message
from handlers.context import deps_of


def _value(values: dict[str, Any], block: str) -> Any:
    state = (values.get(block) or {}).get(ActionId.CHECKIN_ANSWER) or {}
    if "selected_option" in state:
        option = state.get("selected_option") or {}
        return option.get("value")
    value = state.get("value")
    return value.strip() if isinstance(value, str) and value.strip() else None


async def _errors(ack: AsyncAck, errors: dict[str, str]) -> None:
    await ack(response_action="errors", errors=errors)


async def met_submission_callback(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    deps = deps_of(context)
    meta = ModalContext.load(str(view.get("private_metadata") or ""))
    values = (view.get("state") or {}).get("values") or {}
    covered = _value(values, BlockId.CHECKIN_COVERED)
    other = _value(values, BlockId.CHECKIN_OTHER)
    rating = str(_value(values, BlockId.CHECKIN_RATING) or "")
    errors: dict[str, str] = {}
    if meta is None:
        errors[BlockId.CHECKIN_COVERED] = "This form lost track of its check-in; please try again."
    if not covered:
        errors[BlockId.CHECKIN_COVERED] = "Pick what you covered, or “Something else”."
    elif covered == OTHER and not other:
        errors[BlockId.CHECKIN_OTHER] = "Say in a few words what you covered."
    if rating not in {"1", "2", "3", "4", "5"}:
        errors[BlockId.CHECKIN_RATING] = "Rate it from 1 to 5."
    if errors or meta is None:
        await _errors(ack, errors)
        return
    answers = MetAnswers(
        tool=None if covered == OTHER else str(covered),
        other=other[:150] if covered == OTHER and other else None,
        rating=int(rating),
        learned=(_value(values, BlockId.CHECKIN_LEARNED) or None),
        hr_note=(_value(values, BlockId.CHECKIN_HR_NOTE) or None),
    )
    team_id = context.team_id or body.get("team", {}).get("id", "")
    try:
        async with deps.sessionmaker.begin() as session:
            met = await checkins.record_met(
                session, team_id, meta.checkin_id, body["user"]["id"], answers, now=deps.clock.now()
            )
    except CheckInClosed as exc:
        await _errors(ack, {BlockId.CHECKIN_COVERED: already_answered_text(exc.status)})
        return
    except RotnemError as exc:
        await _errors(ack, {BlockId.CHECKIN_COVERED: exc.message})
        return
    await ack()
    detail = met_detail(answers.tool, answers.other, answers.rating)
    message = answered_message(met.info.partner, "met", detail)
    await update_checkin_message(client, meta.channel, meta.ts, message)


async def cant_submission_callback(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    deps = deps_of(context)
    meta = ModalContext.load(str(view.get("private_metadata") or ""))
    values = (view.get("state") or {}).get("values") or {}
    choice = _value(values, BlockId.CANT_CHOICE)
    if meta is None or choice not in ("end", "tell_hr"):
        await _errors(ack, {BlockId.CANT_CHOICE: "Choose whether to end the pair or tell HR."})
        return
    reason = _value(values, BlockId.CANT_REASON)
    team_id = context.team_id or body.get("team", {}).get("id", "")
    try:
        async with deps.sessionmaker.begin() as session:
            answer = await checkins.record_cant_make_it(
                session,
                team_id,
                meta.checkin_id,
                body["user"]["id"],
                choice="end" if choice == "end" else "tell_hr",
                reason=str(reason)[:500] if reason else None,
                now=deps.clock.now(),
                admins=deps.settings.rotnem_admins,
            )
    except CheckInClosed as exc:
        await _errors(ack, {BlockId.CANT_CHOICE: already_answered_text(exc.status)})
        return
    except RotnemError as exc:
        await _errors(ack, {BlockId.CANT_CHOICE: exc.message})
        return
    await ack()
    message = answered_message(answer.info.partner, "cant_make_it", cant_detail(str(choice)))
    await update_checkin_message(client, meta.channel, meta.ts, message)
