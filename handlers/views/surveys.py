"""The survey modal's submission: missing or bad answers are refused on their field (nothing is
saved); a survey that closed meanwhile is refused the same way. Once saved, the modal closes and
the DM says so, with a button to change the answers while the survey is open."""

from __future__ import annotations

from bot.blocks.surveys import confidence_block, survey_saved_message
from bot.i18n import N_, _
from bot.ids import BlockId
from bot.services import surveys
from bot.services.surveys import MAX_OTHER_SIDE, SurveyAnswers
from bot.services.text import FieldErrors, whole_number
from handlers.actions.surveys import SurveyModalMetadata
from handlers.kit import Submission, ViewState

LOST_TRACK = N_("This form lost track of its survey; please open it again from the message.")
YES_NO = {"yes": True, "no": False}


def _yes_no(state: ViewState, block: str, errors: FieldErrors, missing: str) -> bool | None:
    answer = YES_NO.get(state.selected(block) or "")
    if answer is None:
        errors[block] = missing
    return answer


async def survey(submission: Submission) -> None:
    meta = SurveyModalMetadata.load(submission.private_metadata)
    state = submission.state
    errors = FieldErrors()
    usefulness = whole_number(state.selected(BlockId.SURVEY_USEFULNESS), 1, 5)
    if usefulness is None:
        errors[BlockId.SURVEY_USEFULNESS] = _("Rate how useful it is from 1 to 5.")
    recommend = _yes_no(state, BlockId.SURVEY_RECOMMEND, errors, _("Choose yes or no."))
    confidence: list[tuple[str, int]] = []
    for index, tool in enumerate(meta.tools if meta else ()):
        chosen = state.selected(confidence_block(index))
        rating = whole_number(chosen, 1, 5)
        if chosen is not None and rating is None:
            errors[confidence_block(index)] = _(
                "Pick from 1 (never used it) to 5 (could teach it)."
            )
        elif rating is not None:
            confidence.append((tool, rating))
    learned = errors.typed(
        BlockId.SURVEY_OTHER_SIDE, state.text(BlockId.SURVEY_OTHER_SIDE), limit=MAX_OTHER_SIDE
    )
    # Only the end survey has the question; its answer is required there.
    continuing = None
    if meta is not None and meta.stage == "end":
        continuing = _yes_no(
            state, BlockId.SURVEY_CONTINUE, errors, _("Say whether you'd like to continue.")
        )
    if meta is None:
        errors[BlockId.SURVEY_USEFULNESS] = _(LOST_TRACK)
    if errors or meta is None or usefulness is None or recommend is None:
        await submission.errors(errors)
        return
    answers = SurveyAnswers(
        usefulness=usefulness,
        recommend=recommend,
        confidence=tuple(confidence),
        learned_other_side=learned,
        continue_pair=continuing,
    )
    deps = submission.deps
    async with submission.saving() as session:
        form = await surveys.record_survey(
            session,
            submission.team_id,
            meta.survey_id,
            submission.user_id,
            answers,
            now=deps.clock.now(),
            zone=deps.settings.zone,
        )
    await submission.update(meta.channel, meta.ts, survey_saved_message(form))
