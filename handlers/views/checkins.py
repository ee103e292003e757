"""The check-in modals' submissions: "We met" (a session report) and "We can't make this work".

Bad or missing answers are refused in the modal (`response_action: errors`, on the field); an
answer to a check-in already answered is refused the same way, and changes nothing. The modal
closes once the answer is saved.
"""

from __future__ import annotations

from bot.blocks.checkins import OTHER, answered_message, cant_detail, met_detail
from bot.blocks.learning import DIRECTION_LABELS, with_teach_back
from bot.blocks.wording import in_wording
from bot.i18n import N_, _
from bot.ids import BlockId
from bot.services import checkins, learning
from bot.services.checkins import MAX_LEARNED, MAX_NOTE, MAX_OTHER, MetAnswers
from bot.services.text import FieldErrors, whole_number
from handlers.actions.checkins import CheckinModalMetadata
from handlers.kit import Submission, ViewState

LOST_TRACK = N_("This form lost track of its check-in; please open it again from the message.")


async def met(submission: Submission) -> None:
    meta = CheckinModalMetadata.load(submission.private_metadata)
    state = submission.state
    covered = state.selected(BlockId.CHECKIN_COVERED)
    errors = FieldErrors()
    other = errors.typed(BlockId.CHECKIN_OTHER, state.text(BlockId.CHECKIN_OTHER), limit=MAX_OTHER)
    rating = whole_number(state.selected(BlockId.CHECKIN_RATING), 1, 5)
    learned = errors.typed(
        BlockId.CHECKIN_LEARNED, state.text(BlockId.CHECKIN_LEARNED), limit=MAX_LEARNED
    )
    hr_note = errors.typed(
        BlockId.CHECKIN_HR_NOTE, state.text(BlockId.CHECKIN_HR_NOTE), limit=MAX_NOTE, multiline=True
    )
    if not covered:
        errors[BlockId.CHECKIN_COVERED] = _("Pick what you covered, or “Something else”.")
    elif covered == OTHER and not other:
        errors.setdefault(BlockId.CHECKIN_OTHER, _("Say in a few words what you covered."))
    if meta is None:
        errors[BlockId.CHECKIN_COVERED] = _(LOST_TRACK)
    if rating is None:
        errors[BlockId.CHECKIN_RATING] = _("Rate it from 1 to 5.")
    confidence, direction = learning_answers(state, covered, errors)
    if errors or meta is None or rating is None:
        await submission.errors(errors)
        return
    answers = MetAnswers(
        tool=None if covered == OTHER else covered,
        other=other if covered == OTHER else None,
        rating=rating,
        learned=learned,
        hr_note=hr_note,
        confidence=confidence,
        direction=direction,
    )
    deps = submission.deps
    async with submission.saving() as session:
        met = await checkins.record_met(
            session,
            submission.team_id,
            meta.checkin_id,
            submission.user_id,
            answers,
            now=deps.clock.now(),
        )
        # The guide's check-in offers the teach-back of the tool they covered (read in the same
        # transaction: no second connection for it).
        guide = met.info.reporter_role == "guide" and answers.tool
        offer = (
            await learning.teach_back_offer(
                session, submission.team_id, met.session_id, submission.user_id
            )
            if guide
            else None
        )
    detail = met_detail(answers.tool, answers.other, answers.rating)
    with in_wording(await submission.wording()):
        message = answered_message(met.info.partner, "met", detail)
    if offer is not None:
        message = with_teach_back(message, offer)
    await submission.update(meta.channel, meta.ts, message)


def learning_answers(
    state: ViewState, covered: str | None, errors: FieldErrors
) -> tuple[int | None, str | None]:
    """ "We met"'s learning questions: the learner's confidence now (optional, about a tool
    covered) and which way the learning went (required)."""
    picked = state.selected(BlockId.CHECKIN_CONFIDENCE)
    confidence = whole_number(picked, 1, 5)
    if picked is not None and confidence is None:
        errors[BlockId.CHECKIN_CONFIDENCE] = _("Pick how confident you feel, from 1 to 5.")
    elif confidence is not None and covered in (None, OTHER):
        errors[BlockId.CHECKIN_CONFIDENCE] = _("Pick the tool you covered to rate your confidence.")
    direction = state.selected(BlockId.CHECKIN_DIRECTION)
    if direction not in DIRECTION_LABELS:
        errors[BlockId.CHECKIN_DIRECTION] = _("Pick which way the learning went.")
        return confidence, None
    return confidence, direction


async def cant(submission: Submission) -> None:
    meta = CheckinModalMetadata.load(submission.private_metadata)
    choice = submission.state.selected(BlockId.CANT_CHOICE)
    errors = FieldErrors()
    reason = errors.typed(
        BlockId.CANT_REASON,
        submission.state.text(BlockId.CANT_REASON),
        limit=MAX_NOTE,
        multiline=True,
    )
    if choice not in ("end", "tell_hr"):
        errors[BlockId.CANT_CHOICE] = _("Choose whether to end the pair or tell HR.")
    if meta is None:
        errors[BlockId.CANT_CHOICE] = _(LOST_TRACK)
    if errors or meta is None or choice is None:
        await submission.errors(errors)
        return
    deps = submission.deps
    async with submission.saving() as session:
        answer = await checkins.record_cant_make_it(
            session,
            submission.team_id,
            meta.checkin_id,
            submission.user_id,
            choice="end" if choice == "end" else "tell_hr",
            reason=reason,
            now=deps.clock.now(),
            admins=deps.settings.rotnem_admins,
        )
    with in_wording(await submission.wording()):
        message = answered_message(answer.info.partner, "cant_make_it", cant_detail(choice))
    await submission.update(meta.channel, meta.ts, message)
