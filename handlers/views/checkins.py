"""The check-in modals' submissions: "We met" (a session report) and "We can't make this work".

Bad or missing answers are refused in the modal (`response_action: errors`, on the field); an
answer to a check-in already answered is refused the same way, and changes nothing.
"""

from __future__ import annotations

from bot.blocks.checkins import OTHER, answered_message, cant_detail, met_detail
from bot.ids import BlockId
from bot.services import checkins
from bot.services.checkins import MAX_NOTE, MAX_OTHER, MetAnswers
from handlers.actions.checkins import CheckinModalMetadata
from handlers.kit import Submission

RATINGS = {"1", "2", "3", "4", "5"}


async def met(submission: Submission) -> None:
    meta = CheckinModalMetadata.load(submission.private_metadata)
    state = submission.state
    covered = state.selected(BlockId.CHECKIN_COVERED)
    other = state.text(BlockId.CHECKIN_OTHER)
    rating = state.selected(BlockId.CHECKIN_RATING) or ""
    errors: dict[str, str] = {}
    if meta is None:
        errors[BlockId.CHECKIN_COVERED] = "This form lost track of its check-in; please try again."
    if not covered:
        errors[BlockId.CHECKIN_COVERED] = "Pick what you covered, or “Something else”."
    elif covered == OTHER and not other:
        errors[BlockId.CHECKIN_OTHER] = "Say in a few words what you covered."
    if rating not in RATINGS:
        errors[BlockId.CHECKIN_RATING] = "Rate it from 1 to 5."
    if errors or meta is None:
        await submission.errors(errors)
        return
    answers = MetAnswers(
        tool=None if covered == OTHER else covered,
        other=other[:MAX_OTHER] if covered == OTHER and other else None,
        rating=int(rating),
        learned=state.text(BlockId.CHECKIN_LEARNED),
        hr_note=state.text(BlockId.CHECKIN_HR_NOTE),
    )
    deps = submission.deps
    async with deps.sessionmaker.begin() as session:
        met = await checkins.record_met(
            session,
            submission.team_id,
            meta.checkin_id,
            submission.user_id,
            answers,
            now=deps.clock.now(),
        )
    await submission.close()
    detail = met_detail(answers.tool, answers.other, answers.rating)
    message = answered_message(met.info.partner, "met", detail)
    await submission.update(meta.channel, meta.ts, message)


async def cant(submission: Submission) -> None:
    meta = CheckinModalMetadata.load(submission.private_metadata)
    choice = submission.state.selected(BlockId.CANT_CHOICE)
    if meta is None or choice not in ("end", "tell_hr"):
        await submission.errors({BlockId.CANT_CHOICE: "Choose whether to end the pair or tell HR."})
        return
    reason = submission.state.text(BlockId.CANT_REASON)
    deps = submission.deps
    async with deps.sessionmaker.begin() as session:
        answer = await checkins.record_cant_make_it(
            session,
            submission.team_id,
            meta.checkin_id,
            submission.user_id,
            choice="end" if choice == "end" else "tell_hr",
            reason=reason[:MAX_NOTE] if reason else None,
            now=deps.clock.now(),
            admins=deps.settings.rotnem_admins,
        )
    await submission.close()
    message = answered_message(answer.info.partner, "cant_make_it", cant_detail(choice))
    await submission.update(meta.channel, meta.ts, message)
