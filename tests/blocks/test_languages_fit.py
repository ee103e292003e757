"""Every message and view fits Slack's limits in every language Rotnem speaks, and no translation
is cut to fit.

A translation is often longer than the English it translates, and the builders cut a button or an
option to Slack's 75 characters with an ellipsis (`bot.blocks.kit`): a translation that does not
fit would be shown cut ("Cómo funcionan las cosas aquí, compartido de vuelta («dale la vue…")
rather than refused. So each builder of bot/blocks is built here with realistic values, in each
language, and

- Slack's limits hold (slack_sdk's checks and the fake Slack's: `bot.sandbox.validate_view`),
- no text was cut: no text ends with "…" where the English one, built from the same values, does
  not.

`SAMPLES` lists every builder that returns a message or a view, by name (`builders()` of
test_escaping finds them): a new builder fails here until it has a sample.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.views import View

from bot.blocks import (
    checkins,
    directory,
    enrollment,
    errors,
    fit,
    help,
    home,
    kit,
    learning,
    message,
    program,
    program_choice,
    programs,
    prompts,
    report,
    rounds,
    stalls,
    surveys,
    tools,
    wording,
)
from bot.blocks.help import HelpLine
from bot.blocks.message import Message
from bot.i18n import LANGUAGES, speaking
from bot.pairing import Reason, Why
from bot.sandbox import validate_message_blocks, validate_view
from bot.services.checkins import CantMakeItNotice, CheckInClosed, CheckinNotice
from bot.services.directory import ProfileField, ReportingLineNotice, SlackManager
from bot.services.enrollment.invites import InviteNotice, WelcomeNotice
from bot.services.enrollment.queries import Status, ToolRef
from bot.services.errors import RotnemError
from bot.services.fit import FitAlert, FitNotice, FitView, Repair
from bot.services.home import (
    Home,
    PairProgress,
    PartnerSummary,
    PastPartner,
    ProgramHome,
    SessionLine,
)
from bot.services.learning import (
    FollowUpAnswer,
    FollowUpNotice,
    TeachBackNotice,
    TeachBackOffer,
    ToolToRate,
)
from bot.services.notices import Rendered
from bot.services.program.programs import Program
from bot.services.program.settings import MAX_NAME, ProgramConfig
from bot.services.program.stats import ProgramSummary, StatsView
from bot.services.prompts.catalogue import PromptLine
from bot.services.prompts.tick import PromptNotice
from bot.services.report import ProgramReport
from bot.services.report.learning import (
    Confidence,
    FitAnswers,
    Learned,
    LearningFigures,
    Spread,
    ToolConfidence,
    ToolDemand,
    ToolUse,
    TwoWay,
)
from bot.services.rounds.approve import (
    AnnouncementNotice,
    Approval,
    CreatedPair,
    DroppedPair,
    IntroNotice,
    IntroPerson,
    WaitlistNotice,
)
from bot.services.rounds.cycles import CycleEndNotice
from bot.services.rounds.ending import PairEndedNotice
from bot.services.rounds.manual import EndedPair, ManualPair
from bot.services.rounds.propose import Proposal, ProposalNotice, ProposedPair, Replaced, Unplaced
from bot.services.stalls import StallNudgeNotice, StallTalkNotice, StallView
from bot.services.surveys import SurveyAnswers, SurveyForm, SurveyNotice
from bot.services.tools import ToolInfo
from bot.services.tools_builtin import CATALOGUE
from bot.services.wording import TEMPLATES, Problem, Template, Wording
from models import EndReason
from tests.blocks.test_escaping import builders
from tests.factories import make_figures, make_profile

GUIDE, LEARNER, OTHER, ADMIN = "U0GUIDE01", "U0LEARN01", "U0OTHER01", "UADMIN001"
COMMAND = "/rotnem"
DAY = date(2026, 11, 30)
NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)
# A long tool name of the catalogue, where a tool goes into a button or a label.
LONG_TOOL = "Slack power features"
# The workspace's programs: open, paused, with the longest name HR may type, closed.
CLOSED = Program("T0TEAM001~3", "Spring cohort", "reciprocal", closed=True)
PROGRAMS = (
    ProgramSummary(Program("T0TEAM001", None, None, closed=False), None, None, 48, 21),
    ProgramSummary(
        Program(
            "T0TEAM001~2",
            "AI sprint for the whole finance and controlling team 2027",
            None,
            closed=False,
        ),
        date(2027, 1, 4),
        None,
        12,
        6,
    ),
    ProgramSummary(CLOSED, None, date(2026, 11, 30), 9, 0),
)

Built = Message | View


@dataclass(frozen=True)
class Sample:
    name: str  # the builder's module.function, then what this sample shows
    build: Callable[[], Built]

    @property
    def builder(self) -> str:
        return self.name.split(" ")[0]


# ---- values ----------------------------------------------------------------------------------

CATALOGUE_TOOLS = [
    ToolInfo(id=i, name=name, description=description, category=category, removed=False)
    for i, (category, name, description) in enumerate(CATALOGUE, start=1)
]
RETIRED = ToolRef("Google+ circles", 999, removed=True)
PROGRESS = PairProgress(
    partner=GUIDE,
    sessions=(
        SessionLine("2026-W48", date(2026, 11, 26), ("Canva",)),
        SessionLine("2026-W49", DAY, ("Excel formulas", LONG_TOOL)),
    ),
    tools_covered=("Canva", "Excel formulas", LONG_TOOL),
    next_prompt_at=NOW,
)
PARTNER = PartnerSummary(GUIDE, date(2026, 11, 16), ("Canva", "TikTok"))
PAST = tuple(
    PastPartner(OTHER, date(2026, 5, 1), date(2026, 8, 1), reason)
    for reason in ("cycle_ended", "left", "unpaired", "not_a_fit", "")
)
PAUSED = make_profile(status=Status.PAUSED, paused_until=datetime(2026, 12, 21, 8, tzinfo=UTC))
LEFT = make_profile(status=Status.LEFT, left_at=datetime(2026, 10, 2, tzinfo=UTC))
WAITLISTED = make_profile(
    status=Status.WAITLISTED, waitlisted_since=datetime(2026, 11, 20, tzinfo=UTC)
)
# A workspace's programs: its first, one from a template, one with a longest name, one unnamed.
UNNAMED = Program("T0TEAM~4", None, None, closed=False)
FIRST = Program("T0TEAM", "Reverse mentoring 2026", None, closed=False)
SPRINT = Program("T0TEAM~2", None, "tools_sprint", closed=False)
LONG_NAMED = Program("T0TEAM~3", "W" * MAX_NAME, None, closed=False)
PROFILE_WITH_RETIRED = make_profile(
    teaches=(ToolRef("Canva", 23), RETIRED, ToolRef("Obsidian")),
    learns=(ToolRef("Excel formulas", 2), ToolRef("Blender")),
    share="How budgeting decisions get made, and who to ask about travel",
)


def an_offer(*, confirmed: bool = False) -> TeachBackOffer:
    return TeachBackOffer(
        session_id=3,
        pair_id=1,
        guide=GUIDE,
        learner=LEARNER,
        learner_name="Kim Lee",
        tool=LONG_TOOL,
        rating=4,
        confirmed=confirmed,
    )


def a_form(stage: str, *, answered: bool) -> SurveyForm:
    answers = (
        SurveyAnswers(
            usefulness=4,
            recommend=True,
            confidence=(("Excel formulas", 3), (LONG_TOOL, 5)),
            learned_other_side="How budgets get approved",
            continue_pair=True if stage == "end" else None,
        )
        if answered
        else None
    )
    return SurveyForm(
        survey_id=5,
        stage=stage,
        partner=GUIDE,
        tools=("Excel formulas", LONG_TOOL, "Blender"),
        closes_on=date(2026, 12, 14),
        answers=answers,
    )


def a_proposal(*, automatic: bool = False, repair: bool = False) -> ProposalNotice:
    why = Why("Ana", "Bob", ("Canva", "Excel formulas"), departments_differ=True, minutes_apart=60)
    reason = Reason("no_overlap", "Chloé", "learner", learns=("Blender",))
    proposal = Proposal(
        round_id=7,
        pairs=(
            ProposedPair(GUIDE, LEARNER, why=why),
            ProposedPair(OTHER, ADMIN, repeat=True, why=Why("Dan", "Eve", repeat=True)),
        ),
        unmatched=(Unplaced("U0CHLOE01", "no_overlap", reason),),
        replaced=(
            Replaced(pair_id=3, guide=GUIDE, learner=OTHER, ends_on=date(2027, 2, 22))
            if repair
            else None
        ),
    )
    return ProposalNotice(proposal=proposal, automatic=automatic)


def a_report() -> Built:
    rated = Spread(2, 1, 3)
    learning_figures = LearningFigures(
        confidence=Confidence(
            5,
            rated,
            rated,
            (ToolConfidence("Excel formulas", 5, rated, rated), ToolConfidence(LONG_TOOL, None)),
        ),
        learned=Learned(5, 5, 5, 4, (ToolUse("Excel formulas", 5, 5, 4),)),
        fit=FitAnswers(),
        surveys=(),
        two_way=TwoWay(),
        skills_gap=(ToolDemand("Blender", 7, 0, 0, unmet=True),),
    )
    built = ProgramReport(
        datetime(2026, 12, 14, tzinfo=UTC), 5, 12, make_figures(), learning_figures
    )
    return report.report_message(built, report.report_sections(built))


def a_stall(done: dict[str, str] | None = None) -> Built:
    view = StallView(
        alert_id=4,
        guide=GUIDE,
        learner=LEARNER,
        since=date(2026, 11, 9),
        silent_weeks=3,
        answers=((GUIDE, "2026-W48", "not_yet"), (LEARNER, "2026-W48", "asked")),
    )
    return stalls.stall_alert_message(view, done)


def an_alert(handled_by: str | None = None, handling: str = "") -> FitAlert:
    return FitAlert(3, GUIDE, LEARNER, LEARNER, handled_by, handling or None)


# Every placeholder's value, as the preview fills them.
WORDING_VALUES: dict[str, object] = {
    "guide": f"<@{GUIDE}>",
    "learner": f"<@{LEARNER}>",
    "partner": f"<@{LEARNER}>",
    "partners": f"<@{LEARNER}>",
    "teaches": f"Canva, Excel formulas and {LONG_TOOL}",
    "learns": "Canva",
    "tool": LONG_TOOL,
    "count": 12,
    "cycle_weeks": 26,
    "days": 3,
    "weeks": 3,
    "since": "16 Nov 2026",
    "ends_on": "Monday 22 February 2027",
    "reason": "every possible partner is in your reporting line",
}


def a_wording_edit(template: Template) -> View:
    """Our text, in the language in force, edited and previewed."""
    return wording.wording_edit_modal(
        template,
        "de",
        template.shown_default(),
        customised=True,
        private_metadata='{"t":"intro","l":"de","r":"V0LIST01"}',
        preview=template.default(WORDING_VALUES),
    )


HELP_LINES = [HelpLine("status", "this list"), HelpLine("help", "this list")]
PROMPT = PromptNotice(
    weekly_prompt_id=1,
    pair_id=1,
    direction="teach",
    guide=GUIDE,
    learner=LEARNER,
    text="Show how you make a LinkedIn post people actually read.",
    exercise="Set up a LinkedIn post together about something your team shipped, and schedule it.",
    tool="LinkedIn",
    checkin_days=3,
    builtin=True,
)


# ---- every builder, with the values each case of it shows ---------------------------------------

SAMPLES: tuple[Sample, ...] = (
    # the profile modal: join, edit (prefilled, a retired tool kept), managers from Slack
    Sample(
        "enrollment.profile_modal (join)",
        lambda: enrollment.profile_modal(catalogue=CATALOGUE_TOOLS, profile=None),
    ),
    Sample(
        "enrollment.profile_modal (edit, retired tool)",
        lambda: enrollment.profile_modal(
            catalogue=CATALOGUE_TOOLS, profile=PROFILE_WITH_RETIRED, private_metadata="{}"
        ),
    ),
    Sample(
        "enrollment.profile_modal (rejoin, no catalogue)",
        lambda: enrollment.profile_modal(catalogue=(), profile=LEFT),
    ),
    *(
        Sample(
            f"enrollment.profile_modal (manager from Slack: {manager})",
            partial(
                enrollment.profile_modal,
                catalogue=CATALOGUE_TOOLS,
                profile=make_profile(),
                slack_manager=manager,
            ),
        )
        for manager in (SlackManager("UBOSS"), SlackManager(None), SlackManager(None, False))
    ),
    # enrollment's messages
    Sample(
        "enrollment.not_participant_message", lambda: enrollment.not_participant_message(COMMAND)
    ),
    Sample(
        "enrollment.not_eligible_message",
        lambda: enrollment.not_eligible_message("guests can't take part"),
    ),
    Sample("enrollment.slack_unavailable_message", enrollment.slack_unavailable_message),
    Sample(
        "enrollment.invalid_pause_message",
        lambda: enrollment.invalid_pause_message(COMMAND, "“3x” is not a duration", "pause 3w"),
    ),
    Sample("enrollment.paused_message", lambda: enrollment.paused_message(COMMAND, PAUSED)),
    Sample(
        "enrollment.paused_message (further notice)",
        lambda: enrollment.paused_message(COMMAND, make_profile(status=Status.PAUSED)),
    ),
    Sample("enrollment.resumed_message", enrollment.resumed_message),
    Sample("enrollment.leave_confirm_message", enrollment.leave_confirm_message),
    Sample("enrollment.left_message", lambda: enrollment.left_message(COMMAND)),
    Sample("enrollment.stayed_message", enrollment.stayed_message),
    *(
        Sample(
            f"enrollment.saved_message ({kind}, {role})",
            partial(enrollment.saved_message, COMMAND, kind, make_profile(role=role)),
        )
        for kind in ("joined", "rejoined", "updated")
        for role in ("guide", "learner", "both")
    ),
    *(
        Sample(
            f"enrollment.status_message ({name})",
            partial(
                enrollment.status_message,
                COMMAND,
                Home(profile, partners=(PARTNER,), progress=PROGRESS),
            ),
        )
        for name, profile in (
            ("active", make_profile()),
            ("paused", PAUSED),
            ("waitlisted", WAITLISTED),
            ("left", LEFT),
        )
    ),
    Sample(
        "enrollment.invite_message",
        lambda: enrollment.invite_message(InviteNotice(command=COMMAND, channel_id="C0PROGRAM")),
    ),
    Sample(
        "enrollment.invite_message (a program's channel)",
        lambda: enrollment.invite_message(
            InviteNotice(command=COMMAND, channel_id="C0PROGRAM", program=LONG_NAMED)
        ),
    ),
    Sample(
        "enrollment.welcome_message",
        lambda: enrollment.welcome_message(WelcomeNotice(command=COMMAND)),
    ),
    # check-ins: the DM and its answers, the modals, HR's DM, the progress
    *(
        Sample(
            f"checkins.checkin_message (attempt {attempt})",
            partial(
                checkins.checkin_message,
                CheckinNotice(checkin_id=12, attempt=attempt, partner=GUIDE),
            ),
        )
        for attempt in (1, 2)
    ),
    *(
        Sample(
            f"checkins.answered_message ({answer})",
            partial(checkins.answered_message, GUIDE, answer, detail),
        )
        for answer, detail in (
            ("met", None),
            ("not_yet", None),
            ("not_yet_final", None),
            ("skipped", None),
            ("cant_make_it", None),
        )
    ),
    Sample(
        "checkins.answered_message (met, details)",
        lambda: checkins.answered_message(GUIDE, "met", checkins.met_detail(LONG_TOOL, None, 4)),
    ),
    Sample(
        "checkins.answered_message (cant, details)",
        lambda: checkins.answered_message(GUIDE, "cant_make_it", checkins.cant_detail("end")),
    ),
    Sample(
        "checkins.met_modal (guide)",
        lambda: checkins.met_modal("{}", GUIDE, ["Canva", "Excel formulas", LONG_TOOL]),
    ),
    Sample(
        "checkins.met_modal (learner)",
        lambda: checkins.met_modal("{}", GUIDE, ["Canva", LONG_TOOL], learner=True),
    ),
    Sample("checkins.cant_modal", lambda: checkins.cant_modal("{}", GUIDE)),
    *(
        Sample(
            f"checkins.hr_cant_make_it_message ({choice})",
            partial(
                checkins.hr_cant_make_it_message,
                CantMakeItNotice(
                    user=LEARNER,
                    partner=GUIDE,
                    choice=choice,
                    reason="Our schedules never line up",
                    week="2026-W49",
                ),
            ),
        )
        for choice in ("end", "tell_hr")
    ),
    Sample(
        "checkins.with_progress",
        lambda: checkins.with_progress(
            enrollment.status_message(COMMAND, Home(make_profile(), partners=(PARTNER,))), PROGRESS
        ),
    ),
    # learning: the baseline, the teach-back, the follow-up
    Sample(
        "learning.baseline_modal",
        lambda: learning.baseline_modal(
            [
                ToolToRate("learn", "Excel formulas"),
                ToolToRate("learn", LONG_TOOL),
                ToolToRate("teach", "Canva"),
            ],
            "{}",
        ),
    ),
    Sample(
        "learning.with_teach_back",
        lambda: learning.with_teach_back(checkins.answered_message(LEARNER, "met"), an_offer()),
    ),
    Sample(
        "learning.with_teach_back (confirmed)",
        lambda: learning.with_teach_back(
            checkins.answered_message(LEARNER, "met"), an_offer(confirmed=True)
        ),
    ),
    Sample("learning.teach_back_modal", lambda: learning.teach_back_modal("{}", an_offer())),
    *(
        Sample(
            f"learning.teach_back_message ({what})",
            partial(
                learning.teach_back_message,
                TeachBackNotice(guide=GUIDE, learner=LEARNER, tool=LONG_TOOL, what=what),
            ),
        )
        for what in ("built a pivot table on their own data", None)
    ),
    Sample(
        "learning.follow_up_message",
        lambda: learning.follow_up_message(
            FollowUpNotice(follow_up_id=1, tool=LONG_TOOL, guide=GUIDE)
        ),
    ),
    *(
        Sample(
            f"learning.follow_up_answered_message ({answer})",
            partial(
                learning.follow_up_answered_message, FollowUpAnswer(1, LONG_TOOL, GUIDE, answer)
            ),
        )
        for answer in ("yes", "sometimes", "no")
    ),
    # surveys
    *(
        Sample(
            f"surveys.survey_message ({stage}, attempt {attempt})",
            partial(
                surveys.survey_message,
                SurveyNotice(
                    survey_id=5,
                    stage=stage,
                    partner=GUIDE,
                    attempt=attempt,
                    closes_on=date(2026, 12, 14),
                ),
            ),
        )
        for stage in ("mid", "end")
        for attempt in (1, 2)
    ),
    *(
        Sample(
            f"surveys.survey_saved_message ({stage})",
            partial(surveys.survey_saved_message, a_form(stage, answered=True)),
        )
        for stage in ("mid", "end")
    ),
    *(
        Sample(
            f"surveys.survey_modal ({stage}, answered: {answered})",
            partial(surveys.survey_modal, a_form(stage, answered=answered), "{}"),
        )
        for stage in ("mid", "end")
        for answered in (False, True)
    ),
    # pair fit
    Sample("fit.fit_message", lambda: fit.fit_message(FitNotice(fit_id=2, partner=GUIDE))),
    *(
        Sample(
            f"fit.fit_answered_message ({answer})",
            partial(fit.fit_answered_message, FitView(2, GUIDE, answer)),
        )
        for answer in ("good", "deciding", "bad")
    ),
    Sample("fit.fit_alert_message", lambda: fit.fit_alert_message(an_alert())),
    Sample(
        "fit.fit_alert_message (re-paired)",
        lambda: fit.fit_alert_message(an_alert(ADMIN, "repair")),
    ),
    Sample("fit.fit_alert_message (kept)", lambda: fit.fit_alert_message(an_alert(ADMIN, "keep"))),
    Sample(
        "fit.repair_answer",
        lambda: fit.repair_answer(Repair(an_alert(), a_proposal(repair=True).proposal)),
    ),
    Sample(
        "fit.repair_answer (nobody)",
        lambda: fit.repair_answer(
            Repair(
                an_alert(),
                Proposal(
                    round_id=8,
                    pairs=(),
                    unmatched=a_proposal().proposal.unmatched,
                    replaced=Replaced(3, GUIDE, LEARNER, DAY),
                ),
            )
        ),
    ),
    Sample("fit.keep_answer", fit.keep_answer),
    # stalls
    Sample("stalls.stall_alert_message", lambda: a_stall()),
    Sample("stalls.stall_alert_message (nudged)", lambda: a_stall({"nudged": ADMIN})),
    Sample(
        "stalls.stall_alert_message (both)", lambda: a_stall({"nudged": ADMIN, "talked": ADMIN})
    ),
    Sample(
        "stalls.stall_nudge_message",
        lambda: stalls.stall_nudge_message(StallNudgeNotice(guide=GUIDE, learner=LEARNER)),
    ),
    Sample(
        "stalls.stall_talk_message",
        lambda: stalls.stall_talk_message(StallTalkNotice(admin=ADMIN, person=LEARNER)),
    ),
    # rounds
    *(
        Sample(
            f"rounds.intro_message ({name})",
            partial(
                rounds.intro_message,
                IntroNotice(
                    pair_id=1,
                    guide=IntroPerson(GUIDE, "guide", "Europe/Paris", 60, teaches=teaches),
                    learner=IntroPerson(
                        LEARNER,
                        "learner",
                        "America/New_York",
                        -300,
                        learns=("Excel formulas", LONG_TOOL),
                        share="How budgeting decisions get made",
                    ),
                    shared_tools=shared,
                ),
            ),
        )
        for name, shared, teaches in (
            ("shared tool", ("Excel formulas",), ("Excel formulas", "Canva")),
            ("no shared tool", (), ("Canva", "TikTok")),
            ("no tools", (), ()),
        )
    ),
    Sample("rounds.proposal_message", lambda: rounds.proposal_message(a_proposal())),
    Sample(
        "rounds.proposal_message (automatic)",
        lambda: rounds.proposal_message(a_proposal(automatic=True)),
    ),
    Sample(
        "rounds.proposal_message (repair)", lambda: rounds.proposal_message(a_proposal(repair=True))
    ),
    *(
        Sample(
            f"rounds.approved_message ({approver})",
            partial(
                rounds.approved_message,
                Approval(
                    round_id=7,
                    started_on=DAY,
                    ends_on=date(2027, 2, 22),
                    pairs=(CreatedPair(1, GUIDE, LEARNER, ("Canva",)),),
                    dropped=(DroppedPair(OTHER, ADMIN, "Dan left the program"),),
                    waitlisted=(),
                ),
                approver,
            ),
        )
        for approver in (ADMIN, None)
    ),
    Sample("rounds.discarded_message", lambda: rounds.discarded_message(ADMIN)),
    Sample("rounds.discarded_message (nobody)", lambda: rounds.discarded_message(None)),
    Sample("rounds.computing_message", rounds.computing_message),
    Sample(
        "rounds.announcement_message",
        lambda: rounds.announcement_message(
            AnnouncementNotice(pairs=((GUIDE, LEARNER), (OTHER, ADMIN)), cycle_weeks=12)
        ),
    ),
    Sample(
        "rounds.waitlist_message",
        lambda: rounds.waitlist_message(
            WaitlistNotice(why=Reason("oversubscribed", "Chloé", "learner", learns=("Blender",)))
        ),
    ),
    *(
        Sample(
            f"rounds.pair_ended_message ({why})",
            partial(rounds.pair_ended_message, PairEndedNotice(partner=GUIDE, why=why)),
        )
        for why in ("cycle_ended", "left", "unpaired", "partner_ended", "not_a_fit", "deactivated")
    ),
    *(
        Sample(
            f"rounds.cycle_end_message ({weeks} weeks)",
            partial(
                rounds.cycle_end_message,
                CycleEndNotice(round_id=7, partners=(GUIDE, OTHER), cycle_weeks=weeks),
            ),
        )
        for weeks in (1, 12)
    ),
    Sample("rounds.continue_answer", lambda: rounds.continue_answer(LEARNER)),
    Sample("rounds.break_answer", lambda: rounds.break_answer(date(2027, 3, 1))),
    Sample(
        "rounds.usage_message",
        lambda: rounds.usage_message(COMMAND, "Who is the guide?", rounds.PAIR_EXAMPLE),
    ),
    *(
        Sample(
            f"rounds.manual_pair_message (repeat: {repeat})",
            partial(
                rounds.manual_pair_message,
                ManualPair(
                    pair=CreatedPair(1, GUIDE, LEARNER, ("Canva",)),
                    round_id=7,
                    ends_on=date(2027, 2, 22),
                    repeat=repeat,
                ),
            ),
        )
        for repeat in (False, True)
    ),
    Sample(
        "rounds.unpaired_message",
        lambda: rounds.unpaired_message([EndedPair(1, GUIDE, LEARNER, EndReason.UNPAIRED)]),
    ),
    Sample("rounds.refusal_message", lambda: rounds.refusal_message("Ana is already paired")),
    # the Home tab: newcomer, someone who left, a participant (active, paused), HR's summary
    Sample("home.home_view (newcomer)", lambda: home.home_view(COMMAND, Home(None))),
    Sample("home.home_view (left)", lambda: home.home_view(COMMAND, Home(LEFT))),
    Sample(
        "home.home_view (participant and admin)",
        lambda: home.home_view(
            COMMAND,
            Home(
                make_profile(),
                partners=(PARTNER, PartnerSummary(OTHER, DAY, ())),
                past_partners=PAST,
                progress=PROGRESS,
                program=make_figures(),
            ),
        ),
    ),
    Sample(
        "home.home_view (paused)",
        lambda: home.home_view(COMMAND, Home(PAUSED, partners=(PARTNER,))),
    ),
    Sample(
        "home.home_view (admin without a profile)",
        lambda: home.home_view(COMMAND, Home(None, program=make_figures())),
    ),
    # a workspace running several programs: two taken part in, a longest-named one offered
    # (and one left), HR's summaries; past Slack's 100 blocks, the rest counted
    Sample(
        "home.programs_home_view (participant and admin)",
        lambda: home.programs_home_view(
            COMMAND,
            [
                ProgramHome(
                    FIRST,
                    Home(
                        make_profile(),
                        partners=(PARTNER, PartnerSummary(OTHER, DAY, ())),
                        past_partners=PAST,
                        progress=PROGRESS,
                        program=make_figures(),
                    ),
                ),
                ProgramHome(SPRINT, Home(PAUSED, partners=(PARTNER,), program=make_figures())),
                ProgramHome(LONG_NAMED, Home(None, program=make_figures())),
                ProgramHome(UNNAMED, Home(LEFT)),
            ],
        ),
    ),
    Sample(
        "home.programs_home_view (newcomer)",
        lambda: home.programs_home_view(
            COMMAND, [ProgramHome(FIRST, Home(None)), ProgramHome(SPRINT, Home(None))]
        ),
    ),
    Sample(
        "home.programs_home_view (full)",
        lambda: home.programs_home_view(
            COMMAND,
            [
                ProgramHome(
                    Program(f"T0TEAM~{n}", f"Program {n}", None, closed=False),
                    Home(make_profile(), past_partners=PAST, progress=PROGRESS),
                )
                for n in range(2, 16)
            ],
        ),
    ),
    Sample(
        "enrollment.programs_status_message",
        lambda: enrollment.programs_status_message(
            COMMAND,
            [
                ProgramHome(FIRST, Home(make_profile(), partners=(PARTNER,), progress=PROGRESS)),
                ProgramHome(LONG_NAMED, Home(PAUSED)),
            ],
        ),
    ),
    Sample(
        "enrollment.programs_status_message (full)",
        lambda: enrollment.programs_status_message(
            COMMAND,
            [
                ProgramHome(
                    Program(f"T0TEAM~{n}", f"Program {n}", None, closed=False),
                    Home(make_profile(), progress=PROGRESS),
                )
                for n in range(2, 22)
            ],
        ),
    ),
    # HR's settings and stats
    Sample("program.settings_modal", lambda: program.settings_modal(ProgramConfig())),
    Sample(
        "program.settings_modal (profile fields)",
        lambda: program.settings_modal(
            ProgramConfig(
                manager_field_id="Xf01",
                require_shared_tool=True,
                invite_new_people=True,
                language="de",
            ),
            [ProfileField("Xf01", "Manager", "user"), ProfileField("Xf02", "Team", "text")],
        ),
    ),
    Sample(
        "program.settings_modal (from a template)",
        lambda: program.settings_modal(ProgramConfig(template="reciprocal", cadence_weeks=4)),
    ),
    Sample("program.template_modal", lambda: program.template_modal("tools_sprint")),
    Sample(
        "program.settings_modal (fields unknown)",
        lambda: program.settings_modal(ProgramConfig(), None),
    ),
    Sample(
        "program.settings_modal (a further program, the workspace's field)",
        lambda: program.settings_modal(
            ProgramConfig(manager_field_id="Xf01"),
            [ProfileField("Xf01", "Manager", "user")],
            first_program=False,
        ),
    ),
    Sample(
        "program.settings_modal (a further program, managers from profiles)",
        lambda: program.settings_modal(ProgramConfig(), (), first_program=False),
    ),
    Sample(
        "program.settings_saved_message",
        lambda: program.settings_saved_message(
            [
                ("cycle_weeks", "12", "8"),
                ("nudge_weekday", "0", "3"),
                ("tz_preference", "prefer_close", "ignore"),
                ("require_shared_tool", "False", "True"),
                ("language", "en", "fr"),
            ]
        ),
    ),
    Sample("program.settings_saved_message (nothing)", lambda: program.settings_saved_message([])),
    Sample(
        "program.stats_message",
        lambda: program.stats_message(
            StatsView(figures=make_figures(), at_risk=[(GUIDE, LEARNER, 3), (OTHER, ADMIN, 1)])
        ),
    ),
    # the workspace's programs
    Sample(
        "programs.programs_message",
        lambda: programs.programs_message(PROGRAMS, rotnem_admin=True, closed=(CLOSED, 3)),
    ),
    Sample(
        "programs.programs_message (a manager's, nothing ended)",
        lambda: programs.programs_message(PROGRAMS[1:2], rotnem_admin=False, closed=(CLOSED, 0)),
    ),
    Sample("programs.new_program_modal", programs.new_program_modal),
    Sample(
        "programs.program_created_modal",
        lambda: programs.program_created_modal(COMMAND, PROGRAMS[1].program),
    ),
    Sample("programs.rotnem_admins_only_message", programs.rotnem_admins_only_message),
    # weekly prompts and their catalogue
    Sample("prompts.weekly_prompt_message (teach)", lambda: prompts.weekly_prompt_message(PROMPT)),
    Sample(
        "prompts.weekly_prompt_message (mirror)",
        lambda: prompts.weekly_prompt_message(
            PromptNotice(
                weekly_prompt_id=2,
                pair_id=1,
                direction="mirror",
                guide=GUIDE,
                learner=LEARNER,
                text="Explain how a budget request really gets approved here.",
                exercise=None,
                tool=None,
                checkin_days=1,
            )
        ),
    ),
    Sample(
        "prompts.prompts_list_message",
        lambda: prompts.prompts_list_message(
            COMMAND,
            [
                PromptLine(3, "teach", "Canva", "Make a poster", "Ten minutes", ADMIN),
                PromptLine(4, "mirror", None, "How decisions get made", None, None),
            ],
        ),
    ),
    Sample(
        "prompts.prompt_added_message",
        lambda: prompts.prompt_added_message(
            PromptLine(3, "teach", "Canva", "Make a poster", "Ten minutes", ADMIN)
        ),
    ),
    Sample(
        "prompts.prompt_removed_message",
        lambda: prompts.prompt_removed_message(
            COMMAND, PromptLine(3, "teach", "Canva", "Make a poster", "Ten minutes", ADMIN)
        ),
    ),
    Sample(
        "prompts.prompt_restored_message",
        lambda: prompts.prompt_restored_message(
            PromptLine(3, "teach", "Canva", "Make a poster", "Ten minutes", ADMIN)
        ),
    ),
    Sample(
        "prompts.prompts_catalogue_message",
        lambda: prompts.prompts_catalogue_message(
            COMMAND,
            [
                PromptLine(3, "teach", "Canva", "Make a poster", "Ten minutes", ADMIN),
                PromptLine(4, "teach", None, "Show me {tool}", None, None),
                PromptLine(5, "mirror", None, "How decisions get made", None, None),
            ],
            [PromptLine(6, "mirror", None, "Who to ask first", None, ADMIN)],
        ),
    ),
    Sample("prompts.prompts_usage_message", lambda: prompts.prompts_usage_message(COMMAND)),
    # the tool catalogue
    Sample("tools.tools_list_message", lambda: tools.tools_list_message(COMMAND, CATALOGUE_TOOLS)),
    Sample("tools.tool_added_message", lambda: tools.tool_added_message(CATALOGUE_TOOLS[0])),
    Sample(
        "tools.tool_removed_message",
        lambda: tools.tool_removed_message(
            ToolInfo(id=1, name="Canva", description="d", category="c", removed=True)
        ),
    ),
    Sample("tools.tools_usage_message", lambda: tools.tools_usage_message(COMMAND, "Which tool?")),
    # HR's report
    Sample("report.report_message", a_report),
    Sample("report.report_preparing_message", report.report_preparing_message),
    Sample("report.report_sent_message", lambda: report.report_sent_message(3)),
    Sample("report.charts_failed_message", lambda: report.charts_failed_message("missing_scope")),
    # the directory
    Sample(
        "directory.reporting_line_message",
        lambda: directory.reporting_line_message(
            ReportingLineNotice(
                pair_id=1,
                guide=GUIDE,
                learner=LEARNER,
                report=LEARNER,
                manager=GUIDE,
                command=COMMAND,
            )
        ),
    ),
    # help, refusals and errors
    Sample("help.help_message", lambda: help.help_message(COMMAND, HELP_LINES, HELP_LINES)),
    Sample(
        "help.unknown_subcommand_message",
        lambda: help.unknown_subcommand_message(COMMAND, "stauts", HELP_LINES, []),
    ),
    Sample("errors.apology", lambda: errors.apology("E-1234")),
    Sample("errors.could_not_save", errors.could_not_save),
    Sample("errors.too_slow", errors.too_slow),
    Sample("errors.error_message", lambda: errors.error_message("Ana is already paired")),
    Sample("errors.refusal", lambda: errors.refusal(RotnemError("Ana is already paired"))),
    Sample("errors.refusal (check-in)", lambda: errors.refusal(CheckInClosed("closed", "met"))),
    Sample("errors.admins_only_message", errors.admins_only_message),
    Sample(
        "errors.notice_modal",
        lambda: errors.notice_modal(errors.refusal(CheckInClosed("closed", "pair_ended")).text),
    ),
    Sample(
        "program_choice.program_choice_message",
        lambda: program_choice.program_choice_message(
            COMMAND,
            "admin export participants",
            [Program("T1", None, "reciprocal", False), Program("T1~2", "AI sprint", None, False)],
        ),
    ),
    Sample(
        "program_choice.program_choice_message (too long to carry)",
        lambda: program_choice.program_choice_message(
            COMMAND,
            "admin prompts add mirror " + "word " * 420,
            [Program("T1", None, "reciprocal", False), Program("T1~2", "AI sprint", None, False)],
        ),
    ),
    # HR's wording: the list, editing a text (with its preview, or what is wrong), done
    Sample(
        "wording.wording_list_modal",
        lambda: wording.wording_list_modal(Wording({("intro", "fr"): "x", ("intro", "de"): "y"})),
    ),
    *(
        Sample(f"wording.wording_edit_modal ({template.key})", partial(a_wording_edit, template))
        for template in TEMPLATES.values()
    ),
    Sample(
        "wording.wording_edit_modal (refused)",
        lambda: wording.wording_edit_modal(
            TEMPLATES["intro"],
            "fr",
            "Hello {guid}",
            customised=False,
            private_metadata="{}",
            preview_problem=wording.problem_text(TEMPLATES["intro"], Problem("unknown", ("guid",))),
        ),
    ),
    Sample(
        "wording.wording_done_modal (saved)",
        lambda: wording.wording_done_modal(TEMPLATES["kickoff"], "es", reset=False),
    ),
    Sample(
        "wording.wording_done_modal (reset)",
        lambda: wording.wording_done_modal(TEMPLATES["checkin_reminder"], "de", reset=True),
    ),
    # the kit's own, and a message rendered before it was queued
    Sample("kit.say", lambda: kit.say("*Hello*")),
    Sample("kit.modal", lambda: kit.modal("cb", "Rotnem", [kit.section("Hi")], submit="OK")),
    Sample(
        "message.rendered_message",
        lambda: message.rendered_message(Rendered(text="Hi", blocks=[{"type": "divider"}])),
    ),
)


def test_every_builder_has_a_sample() -> None:
    assert builders() == {sample.builder for sample in SAMPLES}


# ---- what Slack would refuse, and what was cut -------------------------------------------------


def rendered(built: Built) -> dict[str, Any]:
    """The view, or the message's blocks, as sent to Slack (slack_sdk's own checks included)."""
    if isinstance(built, View):
        return built.to_dict()
    return {"blocks": [block.to_dict() for block in built.blocks]}


def slack_problems(built: Built, shown: dict[str, Any]) -> list[str]:
    if isinstance(built, View):
        problems = validate_view(shown, expected_type=built.type)
    else:
        problems = validate_message_blocks(shown["blocks"])
    return problems


def texts(node: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(JSON pointer, text) of every string in a rendered tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from texts(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from texts(value, f"{pointer}/{index}")
    elif isinstance(node, str):
        yield pointer, node


def built_in(language: str, sample: Sample) -> tuple[Built, dict[str, Any]]:
    with speaking(language):
        built = sample.build()
        try:
            return built, rendered(built)
        except SlackObjectFormationError as exc:
            pytest.fail(f"{sample.name} in {language}: slack_sdk refuses it: {exc}")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.name)
def test_fits_slacks_limits_uncut(sample: Sample, language: str) -> None:
    built, shown = built_in(language, sample)
    problems = slack_problems(built, shown)
    english = dict(texts(built_in("en", sample)[1]))
    for pointer, text in texts(shown):
        if text.endswith("…") and not english.get(pointer, "").endswith("…"):
            problems.append(f"cut: {text!r} [{pointer}]")
    assert not problems, f"{sample.name} in {language}:\n" + "\n".join(problems)
