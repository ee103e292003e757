"""HR's wording in the messages, by value: every template's message takes HR's text with every
placeholder it offers filled in, in the language it was written for only; our default is
exactly our translated text; HR's text stays text; what `problem` refuses and why."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks import checkins, fit, prompts, rounds, stalls, surveys
from bot.blocks.message import Message
from bot.blocks.wording import in_wording
from bot.i18n import speaking
from bot.services.checkins import CheckinNotice
from bot.services.fit import FitNotice
from bot.services.prompts.tick import PromptNotice
from bot.services.rounds.approve import AnnouncementNotice, IntroNotice, IntroPerson, WaitlistNotice
from bot.services.rounds.cycles import CycleEndNotice
from bot.services.stalls import StallNudgeNotice, StallView
from bot.services.surveys import SurveyNotice
from bot.services.wording import TEMPLATES, Problem, Wording, fill, problem

G, L = "U0GUIDE01", "U0LEARN01"


def _prompt(direction: str) -> PromptNotice:
    return PromptNotice(
        weekly_prompt_id=1,
        pair_id=1,
        direction=direction,
        guide=G,
        learner=L,
        text="Show one shortcut",
        exercise=None,
        tool="Canva" if direction == "teach" else None,
        checkin_days=3,
    )


def _survey(stage: str) -> Message:
    notice = SurveyNotice(
        survey_id=1, stage=stage, partner=L, attempt=1, closes_on=date(2026, 12, 14)
    )
    return surveys.survey_message(notice)


INTRO = IntroNotice(
    pair_id=1,
    guide=IntroPerson(G, "guide", "Europe/Paris", 60, teaches=("Canva",)),
    learner=IntroPerson(L, "learner", "Europe/London", 0, learns=("Canva",)),
    shared_tools=("Canva",),
)
# Each template's message, built as the dispatcher builds it.
MESSAGES: dict[str, Callable[[], Message]] = {
    "intro": lambda: rounds.intro_message(INTRO),
    "kickoff": lambda: rounds.intro_message(INTRO),
    "announcement": lambda: rounds.announcement_message(
        AnnouncementNotice(pairs=((G, L),), cycle_weeks=12)
    ),
    "waitlist": lambda: rounds.waitlist_message(WaitlistNotice(reason="nobody teaches it")),
    "prompt_teach": lambda: prompts.weekly_prompt_message(_prompt("teach")),
    "prompt_mirror": lambda: prompts.weekly_prompt_message(_prompt("mirror")),
    "prompt_footer": lambda: prompts.weekly_prompt_message(_prompt("teach")),
    "checkin": lambda: checkins.checkin_message(CheckinNotice(checkin_id=1, attempt=1, partner=L)),
    "checkin_reminder": lambda: checkins.checkin_message(
        CheckinNotice(checkin_id=1, attempt=2, partner=L)
    ),
    "stall_alert": lambda: stalls.stall_alert_message(
        StallView(alert_id=1, guide=G, learner=L, since=date(2026, 11, 9), silent_weeks=3)
    ),
    "stall_nudge": lambda: stalls.stall_nudge_message(StallNudgeNotice(guide=G, learner=L)),
    "survey_mid": lambda: _survey("mid"),
    "survey_end": lambda: _survey("end"),
    "fit": lambda: fit.fit_message(FitNotice(fit_id=1, partner=L)),
    "cycle_end": lambda: cycle_end(),
}


def cycle_end() -> Message:
    return rounds.cycle_end_message(CycleEndNotice(round_id=1, partners=(L,), cycle_weeks=12))


def test_a_program_template_brings_its_own_kickoff_agreement_unless_hr_wrote_one() -> None:
    sprint = INTRO.model_copy(update={"template": "tools_sprint"})
    with speaking("fr"):
        ours = _shown(rounds.intro_message(INTRO))
        theirs = _shown(rounds.intro_message(sprint))
    assert "Six semaines, une séance de 30 minutes par semaine" in theirs
    assert "Six semaines" not in ours and "Comment ça marche" in ours
    with in_wording(Wording({("kickoff", "en"): "Our own deal."})):
        assert "Our own deal." in _shown(rounds.intro_message(sprint))


def _shown(message: Message) -> str:
    return json.dumps([b.to_dict() for b in message.blocks], ensure_ascii=False)


def test_every_template_has_its_message_here() -> None:
    assert set(MESSAGES) == set(TEMPLATES)


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_hr_text_fills_every_placeholder_in_its_language_only(key: str) -> None:
    template = TEMPLATES[key]
    text = "HR says " + " / ".join(f"{name}={{{name}}}" for name in template.placeholders)
    with in_wording(Wording({(key, "fr"): text})):
        with speaking("fr"):
            shown = _shown(MESSAGES[key]())
        with speaking("de"):
            ours = _shown(MESSAGES[key]())
    assert "HR says" in shown
    for name in template.placeholders:
        assert f"{name}=" in shown and f"{name}={{" not in shown
    # German readers keep our translation: the message as without HR's wording.
    with speaking("de"):
        assert ours == _shown(MESSAGES[key]())


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_our_default_is_our_text_in_every_language(key: str) -> None:
    """Editing starts from what people get today: our text, placeholders unfilled."""
    for language in ("en", "fr", "es", "de"):
        with speaking(language):
            shown = TEMPLATES[key].shown_default()
            assert shown and problem(TEMPLATES[key], shown, SAMPLE) is None


SAMPLE: dict[str, object] = {
    name: f"<@{G}>" for template in TEMPLATES.values() for name in template.placeholders
}


@given(st.text(max_size=200))
def test_whatever_hr_types_is_refused_or_shows_as_text(typed: str) -> None:
    template = TEMPLATES["waitlist"]
    text = typed + " {reason}"
    if problem(template, text, {"reason": "R"}) is None:
        assert not set("<>") & set(fill(text, {"reason": "R"}))


@pytest.mark.parametrize(
    ("text", "kind", "names"),
    [
        ("", "empty", ()),
        ("Hi {guide", "braces", ()),
        ("Hi guide}", "braces", ()),
        ("Hi {0} {guide} {learner}", "not_plain", ("0",)),
        ("Hi {} {guide} {learner}", "not_plain", ("",)),
        ("Hi {guide[0]} {learner}", "not_plain", ("guide[0]",)),
        ("Hi {guide.__class__} {learner}", "not_plain", ("guide.__class__",)),
        ("Hi {guide} {learner} {boss} {ceo}", "unknown", ("boss", "ceo")),
        ("Hi {{guide}} {learner}", "missing", ("guide",)),
        ("Hi {guide}, {learner}!", None, ()),
    ],
)
def test_what_a_template_may_be(text: str, kind: str | None, names: tuple[str, ...]) -> None:
    found = problem(TEMPLATES["intro"], text, SAMPLE)
    assert found == (None if kind is None else Problem(kind, names))  # type: ignore[arg-type]
