"""User text stays text: whatever a person typed, shown by a builder, never becomes a live
mention, a here/channel/everyone broadcast or a link — in any mrkdwn text object, nor in the
`text` fallback that notifications show — while the mentions and dates the bot puts in itself
stay live, and the text still shows as it was typed.

`CASES` lists, by name, every builder in bot/blocks that shows text a person typed (display
names, tools typed under "Other", what they share, department, session notes and private reasons,
prompt and tool texts admins add, and the sentences services compose around those), with hostile
strings in every such field. `WITHOUT_USER_TEXT` lists the builders that show only our words, IDs
and dates, or people's text only as `plain_text` (modal inputs and options), which Slack never
parses. A new builder must go in one of the two lists: a test below fails until it does.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from slack_sdk.models.views import View

import bot.blocks
from bot.blocks import (
    checkins,
    enrollment,
    errors,
    fit,
    home,
    learning,
    program,
    program_choice,
    programs,
    prompts,
    report,
    rounds,
    tools,
    wording,
)
from bot.blocks.help import unknown_subcommand_message
from bot.blocks.kit import escape, unescape
from bot.blocks.message import Message
from bot.blocks.wording import in_wording
from bot.pairing import Reason, Why
from bot.services.checkins import CantMakeItNotice
from bot.services.directory import ProfileField
from bot.services.enrollment.invites import InviteNotice
from bot.services.enrollment.queries import ToolRef
from bot.services.errors import RotnemError
from bot.services.figures import Meetings, Pairs, Participants, ProgramFigures, Usefulness
from bot.services.fit import FitAlert, Repair
from bot.services.home import Home, PairProgress, PartnerSummary, ProgramHome, SessionLine
from bot.services.learning import FollowUpAnswer, FollowUpNotice, TeachBackNotice, TeachBackOffer
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
    Approval,
    DroppedPair,
    IntroNotice,
    IntroPerson,
    WaitlistNotice,
)
from bot.services.rounds.propose import Proposal, ProposalNotice, ProposedPair, Replaced, Unplaced
from bot.services.tools import ToolInfo
from bot.services.wording import TEMPLATES, Wording, fill
from tests.factories import make_figures, make_profile

GUIDE, LEARNER, OTHER, ADMIN = "U0GUIDE01", "U0LEARN01", "U0OTHER01", "UADMIN001"
COMMAND = "/rotnem"
DAY = date(2026, 11, 30)

# What an attacker types: Slack's control sequences (broadcasts, mentions, a channel, a disguised
# link, a date), the characters that make them, mrkdwn's formatting marks, entities, newlines.
FRAGMENTS = (
    "<!here>",
    "<!channel>",
    "<!everyone>",
    "<!subteam^S0EVIL001|@team>",
    "<@U0EVIL001>",
    f"<@{GUIDE}>",
    "<#C0EVIL001|x>",
    "<https://evil.example|Free gift>",
    "<mailto:a@evil.example|mail>",
    "<!date^0^{date}|x>",
    "&",
    "&amp;",
    "&lt;!here&gt;",
    "<",
    ">",
    "> quoted",
    "*",
    "_",
    "~",
    "`",
    "```",
    "\n",
    ":tada:",
    "Zapier",
)
# Never blank: what is saved is not, and a message's fallback can't be (bold marks are dropped).
hostile = (
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), min_size=1, max_size=6)
    .map("".join)
    .filter(lambda text: text.replace("*", "").strip())
)


class Typed:
    """One example's hostile strings; those the builder shows are remembered, to look for."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data
        self.shown: list[str] = []

    def __call__(self, *, limit: int = 1000, shown: bool = True) -> str:
        value = self.data.draw(hostile)[:limit]
        if shown:
            self.shown.append(value)
        return value


Built = Message | View


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Typed], Built]
    ours: frozenset[str] = frozenset()  # the mentions the bot puts in, which stay live


def mentions(*users: str) -> frozenset[str]:
    return frozenset(f"<@{user}>" for user in users)


def a_progress(t: Typed) -> PairProgress:
    """The pair's sessions with GUIDE: what each covered (a tool, or "something else" typed)."""
    return PairProgress(
        partner=GUIDE,
        sessions=(SessionLine("2026-W49", DAY, (t(), t())),),
        tools_covered=(t(),),
        next_prompt_at=datetime(2026, 12, 7, 9, tzinfo=UTC),
    )


def a_home(t: Typed, *, tab: bool) -> Home:
    """Someone both ways, paired with GUIDE: every field of theirs and the pair's typed text
    (what they share and their goals are on the Home `tab`, not in `status`)."""
    profile = make_profile(
        department=t(),
        share=t(shown=tab),
        goals=t(shown=tab),
        teaches=(ToolRef(t(), 1), ToolRef(t())),
        learns=(ToolRef(t()),),
        manager_id=None,
    )
    partner = PartnerSummary(GUIDE, DAY, (t(), t()))
    return Home(profile, partners=(partner,), progress=a_progress(t))


def a_program(t: Typed, number: int = 2, *, shown: bool = True) -> Program:
    """A program of the workspace, named by HR (at most as long as the modal takes)."""
    return Program(f"T0TEAM~{number}", t(limit=MAX_NAME, shown=shown), None, closed=False)


def an_intro(t: Typed) -> Built:
    guide = IntroPerson(GUIDE, "guide", "Europe/Paris", 60, teaches=(t(), t()))
    learner = IntroPerson(LEARNER, "learner", "America/New_York", -300, learns=(t(),), share=t())
    return rounds.intro_message(
        IntroNotice(pair_id=1, guide=guide, learner=learner, shared_tools=(t(),))
    )


def hr_text(t: Typed, *placeholders: str) -> str:
    """Wording HR typed: hostile text (its braces doubled, as a brace is written) around
    placeholders."""
    typed = [t().replace("{", "{{").replace("}", "}}") for _ in range(len(placeholders) + 1)]
    return (
        "".join(part + f"{{{name}}}" for part, name in zip(typed[:-1], placeholders, strict=True))
        + typed[-1]
    )


def an_intro_in_hr_words(t: Typed) -> Built:
    """The introduction with HR's introduction and kickoff agreement in force."""
    wording = {
        ("intro", "en"): hr_text(t, "guide", "learner", "teaches", "program"),
        ("kickoff", "en"): hr_text(t, "learner"),
    }
    # The program's name is HR's text too.
    with in_wording(Wording(wording, program_name=t())):
        return an_intro(t)


def a_wording_preview(t: Typed) -> Built:
    """HR's text being edited, filled with the program's people and tools in the preview."""
    text = hr_text(t, "guide", "teaches")
    values = {"guide": f"<@{GUIDE}>", "teaches": escape(t())}
    return wording.wording_edit_modal(
        TEMPLATES["intro"],
        "en",
        text,
        customised=True,
        private_metadata="{}",
        preview=fill(text, values),
    )


def a_proposal(t: Typed) -> Built:
    proposal = Proposal(
        round_id=7,
        pairs=(ProposedPair(GUIDE, LEARNER, repeat=True, explanation=t()),),
        unmatched=(Unplaced(OTHER, "no_overlap", reason=t(shown=False), hr_reason=t()),),
    )
    return rounds.proposal_message(ProposalNotice(proposal=proposal))


def a_valued_proposal(t: Typed) -> Built:
    """A proposal as the engine's values: the sentences are written when shown, around names and
    tools people typed."""
    why = Why(t(), t(), (t(), t()), minutes_apart=90, waited=(t(),), repeat=True)
    reason = Reason("no_overlap", t(), "both", learns=(t(),), teaches=(t(),))
    proposal = Proposal(
        round_id=9,
        pairs=(ProposedPair(GUIDE, LEARNER, repeat=True, why=why),),
        unmatched=(Unplaced(OTHER, "no_overlap", reason),),
    )
    return rounds.proposal_message(ProposalNotice(proposal=proposal))


def a_repair_proposal(t: Typed, *, explained: bool = True) -> Proposal:
    """A re-pair: one new pair (`explained` where it shows), the old partner without one (why:
    typed names and tools)."""
    return Proposal(
        round_id=8,
        pairs=(ProposedPair(GUIDE, OTHER, explanation=t(shown=explained)),),
        unmatched=(Unplaced(LEARNER, "no_overlap", reason=t(shown=False), hr_reason=t()),),
        replaced=Replaced(pair_id=3, guide=GUIDE, learner=LEARNER, ends_on=DAY),
    )


def an_approval(t: Typed) -> Built:
    approval = Approval(
        round_id=7,
        started_on=DAY,
        ends_on=DAY,
        pairs=(),
        dropped=(DroppedPair(GUIDE, LEARNER, t()),),
        waitlisted=(),
    )
    return rounds.approved_message(approval, ADMIN)


def a_prompt(direction: str) -> Callable[[Typed], Built]:
    def build(t: Typed) -> Built:
        notice = PromptNotice(
            weekly_prompt_id=1,
            pair_id=1,
            direction="teach" if direction == "teach" else "mirror",
            guide=GUIDE,
            learner=LEARNER,
            text=t(),
            exercise=t(),
            tool=t() if direction == "teach" else None,
            checkin_days=3,
        )
        return prompts.weekly_prompt_message(notice)

    return build


def some_stats(t: Typed) -> Built:
    stats = StatsView(
        figures=make_figures(tools=[(t(), 3), (t(), 1)]), at_risk=[(GUIDE, LEARNER, 3)]
    )
    return program.stats_message(stats)


def a_programs_list(t: Typed) -> Built:
    """The programs HR named, one of them just closed."""
    first = Program("T0TEAM", t(limit=MAX_NAME), None, closed=False)
    summaries = [ProgramSummary(p, None, None, 4, 2) for p in (first, a_program(t))]
    return programs.programs_message(summaries, rotnem_admin=True, closed=(a_program(t, 3), 2))


def a_report(t: Typed) -> Built:
    """A report whose tools were typed in (under "Other tools") by people."""
    rated = Spread(2, 1, 3)
    learning = LearningFigures(
        confidence=Confidence(
            5,
            rated,
            rated,
            (ToolConfidence(t(limit=40), 5, rated, rated), ToolConfidence(t(limit=40), None)),
        ),
        learned=Learned(5, 5, 5, 4, (ToolUse(t(limit=40), 5, 5, 4),)),
        fit=FitAnswers(),
        surveys=(),
        two_way=TwoWay(),
        skills_gap=(ToolDemand(t(limit=40), 7, 0, 0, unmet=True),),
    )
    figures = ProgramFigures(None, Participants(), Pairs(), Meetings(), (), Usefulness())
    built = ProgramReport(datetime(2026, 12, 14, tzinfo=UTC), 5, 12, figures, learning)
    return report.report_message(built, report.report_sections(built, brief=True))


def a_tool(t: Typed, *, listed: bool = False) -> ToolInfo:
    """A catalogue tool (its category shows in the `listed` catalogue only)."""
    return ToolInfo(id=1, name=t(), description=t(), category=t(shown=listed), removed=False)


def a_cant_make_it(t: Typed) -> Built:
    notice = CantMakeItNotice(
        user=LEARNER, partner=GUIDE, choice="end", reason=t(), week="2026-W49"
    )
    return checkins.hr_cant_make_it_message(notice)


def an_offer(t: Typed, *, confirmed: bool = False) -> TeachBackOffer:
    """A teach-back the guide may confirm: the learner's name only shows on a plain button."""
    return TeachBackOffer(
        session_id=3,
        pair_id=1,
        guide=GUIDE,
        learner=LEARNER,
        learner_name=t(shown=False),
        tool=t(),
        rating=4,
        confirmed=confirmed,
    )


CASES = (
    # rounds: the group DM, HR's proposal and approval, the waitlist DM, admins' refusals
    Case("rounds.intro_message", an_intro, mentions(GUIDE, LEARNER)),
    Case("rounds.intro_message (HR's wording)", an_intro_in_hr_words, mentions(GUIDE, LEARNER)),
    Case("wording.wording_edit_modal (preview)", a_wording_preview, mentions(GUIDE)),
    Case("rounds.proposal_message", a_proposal, mentions(GUIDE, LEARNER, OTHER)),
    Case("rounds.proposal_message (values)", a_valued_proposal, mentions(GUIDE, LEARNER, OTHER)),
    Case("rounds.approved_message", an_approval, mentions(ADMIN, GUIDE, LEARNER)),
    Case(
        "rounds.proposal_message (repair)",
        lambda t: rounds.proposal_message(ProposalNotice(proposal=a_repair_proposal(t))),
        mentions(GUIDE, LEARNER, OTHER),
    ),
    # pair fit: what HR is told after Re-pair (why someone has no new partner)
    Case(
        "fit.repair_answer",
        lambda t: fit.repair_answer(
            Repair(
                FitAlert(3, GUIDE, LEARNER, LEARNER, ADMIN, "repair"),
                a_repair_proposal(t, explained=False),
            )
        ),
        mentions(LEARNER),
    ),
    Case("rounds.waitlist_message", lambda t: rounds.waitlist_message(WaitlistNotice(reason=t()))),
    Case(
        "rounds.waitlist_message (values)",
        lambda t: rounds.waitlist_message(
            WaitlistNotice(why=Reason("oversubscribed", t(shown=False), "learner", learns=(t(),)))
        ),
    ),
    Case("rounds.refusal_message", lambda t: rounds.refusal_message(t())),
    Case(
        "program_choice.program_choice_message",
        lambda t: program_choice.program_choice_message(
            COMMAND, t(), [Program("T1", t(), None, False), Program("T1~2", t(), None, False)]
        ),
    ),
    Case("rounds.usage_message", lambda t: rounds.usage_message(COMMAND, t(), "admin pair")),
    # check-ins: HR's DM with the private reason, the answered check-in
    Case("checkins.hr_cant_make_it_message", a_cant_make_it, mentions(LEARNER, GUIDE)),
    Case(
        "checkins.answered_message (other)",
        lambda t: checkins.answered_message(GUIDE, "met", checkins.met_detail(None, t(), 4)),
        mentions(GUIDE),
    ),
    Case(
        "checkins.answered_message (tool)",
        lambda t: checkins.answered_message(GUIDE, "met", checkins.met_detail(t(), None, 4)),
        mentions(GUIDE),
    ),
    Case(
        "checkins.with_progress",
        lambda t: checkins.with_progress(
            enrollment.status_message(COMMAND, Home(make_profile())), a_progress(t)
        ),
        mentions(GUIDE),
    ),
    # learning: the teach-back (button, modal, group DM) and the follow-up
    Case(
        "learning.with_teach_back",
        lambda t: learning.with_teach_back(checkins.answered_message(LEARNER, "met"), an_offer(t)),
        mentions(LEARNER),
    ),
    Case(
        "learning.with_teach_back (confirmed)",
        lambda t: learning.with_teach_back(
            checkins.answered_message(LEARNER, "met"), an_offer(t, confirmed=True)
        ),
        mentions(LEARNER),
    ),
    Case(
        "learning.teach_back_modal",
        lambda t: learning.teach_back_modal("{}", an_offer(t)),
        mentions(LEARNER),
    ),
    Case(
        "learning.teach_back_message",
        lambda t: learning.teach_back_message(
            TeachBackNotice(guide=GUIDE, learner=LEARNER, tool=t(), what=t())
        ),
        mentions(GUIDE, LEARNER),
    ),
    Case(
        "learning.follow_up_message",
        lambda t: learning.follow_up_message(FollowUpNotice(follow_up_id=1, tool=t(), guide=GUIDE)),
        mentions(GUIDE),
    ),
    Case(
        "learning.follow_up_answered_message",
        lambda t: learning.follow_up_answered_message(FollowUpAnswer(1, t(), GUIDE, "sometimes")),
        mentions(GUIDE),
    ),
    # the Home tab and `status`: profile, partner, the pair's progress
    Case("home.home_view", lambda t: home.home_view(COMMAND, a_home(t, tab=True)), mentions(GUIDE)),
    Case(
        "enrollment.status_message",
        lambda t: enrollment.status_message(COMMAND, a_home(t, tab=False)),
        mentions(GUIDE),
    ),
    # a workspace running several programs, named by HR (a header's name is plain text)
    Case(
        "home.programs_home_view",
        lambda t: home.programs_home_view(
            COMMAND,
            [
                ProgramHome(a_program(t, 1, shown=False), a_home(t, tab=True)),
                ProgramHome(a_program(t, 2), Home(None, program=make_figures())),
            ],
        ),
        mentions(GUIDE),
    ),
    Case(
        "enrollment.programs_status_message",
        lambda t: enrollment.programs_status_message(
            COMMAND,
            [
                ProgramHome(a_program(t, 1), a_home(t, tab=False)),
                ProgramHome(a_program(t, 2), a_home(t, tab=False)),
            ],
        ),
        mentions(GUIDE),
    ),
    Case(
        "enrollment.invite_message",
        lambda t: enrollment.invite_message(
            InviteNotice(command=COMMAND, channel_id="C0PROGRAM", program=a_program(t, 2))
        ),
        frozenset({"<#C0PROGRAM>"}),
    ),
    Case("enrollment.not_eligible_message", lambda t: enrollment.not_eligible_message(t())),
    Case(
        "enrollment.invalid_pause_message",
        lambda t: enrollment.invalid_pause_message(COMMAND, t(), "pause until 2026-12-14"),
    ),
    # weekly prompts in the group DM, and the catalogue admins extend
    Case("prompts.weekly_prompt_message (teach)", a_prompt("teach"), mentions(GUIDE)),
    Case("prompts.weekly_prompt_message (mirror)", a_prompt("mirror"), mentions(GUIDE, LEARNER)),
    Case(
        "prompts.prompts_list_message",
        lambda t: prompts.prompts_list_message(
            COMMAND, [PromptLine(3, "teach", t(), t(), None, ADMIN)]
        ),
    ),
    Case(
        "prompts.prompt_added_message",
        lambda t: prompts.prompt_added_message(PromptLine(3, "teach", t(), t(), t(), ADMIN)),
    ),
    Case(
        "prompts.prompt_removed_message",
        lambda t: prompts.prompt_removed_message(
            COMMAND, PromptLine(3, "mirror", None, t(), None, ADMIN)
        ),
    ),
    Case(
        "prompts.prompt_restored_message",
        lambda t: prompts.prompt_restored_message(PromptLine(3, "mirror", None, t(), None, ADMIN)),
    ),
    Case(
        "prompts.prompts_catalogue_message",
        lambda t: prompts.prompts_catalogue_message(
            COMMAND,
            [
                PromptLine(3, "teach", t(), t(), None, ADMIN),
                PromptLine(4, "mirror", None, t(), None, ADMIN),
            ],
            [PromptLine(5, "teach", t(), t(), None, ADMIN)],
        ),
    ),
    Case("prompts.prompts_usage_message", lambda t: prompts.prompts_usage_message(COMMAND, t())),
    # the tool catalogue
    Case(
        "tools.tools_list_message",
        lambda t: tools.tools_list_message(
            COMMAND, [a_tool(t, listed=True), a_tool(t, listed=True)]
        ),
    ),
    Case("tools.tool_added_message", lambda t: tools.tool_added_message(a_tool(t))),
    Case(
        "tools.tool_removed_message",
        lambda t: tools.tool_removed_message(
            ToolInfo(
                id=1, name=t(), description=t(shown=False), category=t(shown=False), removed=True
            )
        ),
    ),
    Case("tools.tools_usage_message", lambda t: tools.tools_usage_message(COMMAND, t())),
    # HR's program figures and settings
    Case("program.stats_message", some_stats, mentions(GUIDE, LEARNER)),
    Case(
        "program.settings_modal (a further program: the manager field's label)",
        lambda t: program.settings_modal(
            ProgramConfig(manager_field_id="Xf01"),
            [ProfileField("Xf01", t(), "user")],
            first_program=False,
        ),
    ),
    Case(
        "program.settings_saved_message",
        lambda t: program.settings_saved_message([("cycle_weeks", t(), t())]),
    ),
    Case("report.report_message", a_report),
    # the workspace's programs, named by HR
    Case("programs.programs_message", a_programs_list),
    Case(
        "programs.program_created_modal",
        lambda t: programs.program_created_modal(COMMAND, a_program(t)),
    ),
    # refusals and errors, the help for a word Rotnem does not know
    Case("errors.error_message", lambda t: errors.error_message(t())),
    Case("errors.refusal", lambda t: errors.refusal(RotnemError(t()))),
    Case(
        "help.unknown_subcommand_message",
        lambda t: unknown_subcommand_message(COMMAND, t(limit=40), [], []),
    ),
)

WITHOUT_USER_TEXT = frozenset(
    {
        # our words, IDs and dates only
        "checkins.checkin_message",
        "enrollment.not_participant_message",
        "enrollment.slack_unavailable_message",
        "enrollment.paused_message",
        "enrollment.resumed_message",
        "enrollment.leave_confirm_message",
        "enrollment.left_message",
        "enrollment.stayed_message",
        "enrollment.saved_message",
        "errors.apology",
        "errors.could_not_save",
        "errors.too_slow",
        "errors.admins_only_message",
        "programs.rotnem_admins_only_message",
        "help.help_message",
        "rounds.discarded_message",
        "rounds.computing_message",
        "rounds.announcement_message",
        "rounds.pair_ended_message",
        "enrollment.welcome_message",
        "directory.reporting_line_message",
        "rounds.cycle_end_message",
        "rounds.continue_answer",
        "rounds.break_answer",
        "rounds.manual_pair_message",
        "rounds.unpaired_message",
        "stalls.stall_alert_message",
        "stalls.stall_nudge_message",
        "stalls.stall_talk_message",
        "fit.fit_message",
        "fit.fit_answered_message",
        "fit.fit_alert_message",
        "fit.keep_answer",
        "surveys.survey_message",
        "surveys.survey_saved_message",
        "report.report_preparing_message",
        "report.report_sent_message",
        "report.charts_failed_message",
        # modals: people's text only in plain_text inputs and options
        "checkins.met_modal",
        "checkins.cant_modal",
        "learning.baseline_modal",
        "enrollment.profile_modal",
        "program.template_modal",
        "programs.new_program_modal",
        "wording.wording_list_modal",
        "wording.wording_done_modal",
        "surveys.survey_modal",
        # take mrkdwn a builder wrote, or a message rendered before it was queued
        "kit.say",
        "kit.modal",
        "errors.notice_modal",
        "message.rendered_message",
    }
)


def builders() -> set[str]:
    """Every public function in bot/blocks that returns a message or a view."""
    found = set()
    for module in pkgutil.iter_modules(bot.blocks.__path__):
        loaded = importlib.import_module(f"bot.blocks.{module.name}")
        for name, function in inspect.getmembers(loaded, inspect.isfunction):
            if function.__module__ != loaded.__name__ or name.startswith("_"):
                continue
            if inspect.signature(function).return_annotation in ("Message", "View"):
                found.add(f"{module.name}.{name}")
    return found


def test_every_builder_is_checked_here_or_shows_no_user_text() -> None:
    checked = {case.name.split(" ")[0] for case in CASES}
    assert not checked & WITHOUT_USER_TEXT
    assert builders() == checked | WITHOUT_USER_TEXT


# Anything Slack acts on is between < and >; the dates we write are ours.
CONTROL = re.compile(r"<[^<>]*>")
OUR_DATE = re.compile(r"<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^<>|]*>")


def mrkdwn_texts(node: Any) -> Iterator[str]:
    """Every mrkdwn text object's text in a block tree (sections, fields, context, confirm)."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            yield str(node["text"])
        for value in node.values():
            yield from mrkdwn_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from mrkdwn_texts(item)


def rendered(built: Built) -> tuple[list[str], str | None]:
    """The mrkdwn texts of the blocks, and the `text` fallback (a view has none)."""
    if isinstance(built, View):
        return list(mrkdwn_texts(built.to_dict()["blocks"])), None
    return list(mrkdwn_texts([block.to_dict() for block in built.blocks])), built.text


def assert_nothing_live_but_ours(text: str, ours: frozenset[str]) -> None:
    for control in CONTROL.findall(text):
        assert control in ours or OUR_DATE.fullmatch(control), f"live {control!r} in {text!r}"
    assert not set("<>") & set(CONTROL.sub("", text)), f"a stray < or > in {text!r}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
# No shrinking: a failure names the control that went live and where; shrinking a dozen drawn
# strings per example would take minutes.
@settings(max_examples=40, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(data=st.data())
def test_user_text_shows_as_text_and_our_mentions_stay_live(
    case: Case, data: st.DataObject
) -> None:
    typed = Typed(data)
    texts, fallback = rendered(case.build(typed))
    for text in [*texts, *([fallback] if fallback is not None else [])]:
        assert_nothing_live_but_ours(text, case.ours)
    shown = "\n".join(texts)
    for value in typed.shown:
        assert escape(value) in shown, f"{value!r} not shown as typed"
    for mention in case.ours:
        assert mention in shown, f"our {mention} is missing"


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("<!here> Zapier", "&lt;!here&gt; Zapier"),
        ("<https://evil.example|Free gift>", "&lt;https://evil.example|Free gift&gt;"),
        ("R&D <3 > all", "R&amp;D &lt;3 &gt; all"),
        ("&lt;", "&amp;lt;"),
        (
            "*bold* _it_ `code` “quotes” 'single' \"double\"",
            "*bold* _it_ `code` “quotes” 'single' \"double\"",
        ),
    ],
)
def test_escape_follows_slacks_three_rules_and_nothing_else(typed: str, sent: str) -> None:
    assert escape(typed) == sent
    # Where Slack shows plain text (a modal's field error), the sentence as it was written.
    assert unescape(sent) == typed
