"""HR's own wording: the templates of the messages Rotnem sends on its own, and HR's texts for them.

A template is the main sentence of one proactive message with named placeholders (`{guide}`,
`{partner}`, `{tool}` …). Our default is a catalog message, translated like every other text;
HR may replace it in any language (a row of `WordingText`), and the other languages keep our
translation. Messages are rendered when they leave the outbox, so a change applies to the next
message sent, in every process, without a restart (`bot/delivery/dispatcher.py` reads the
wording with each claim).

**HR's text is data, never code.** It is read with `string.Formatter.parse`, which only splits
literal text from `{name}` fields; a field with an attribute, an index, a conversion or a format
spec is refused when saved and never evaluated when filled: the message is put together by
concatenation, HR's literal text escaped like any other text a person typed (so `<!channel>`
pages nobody) and the values already made safe by the builder. (Hand-written on purpose:
`str.format` and Jinja evaluate `{a.b}`/`{a[0]}` and expressions; this needs none of them.)
"""

from __future__ import annotations

import html
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import aliased

from bot.i18n import LANGUAGES, N_, _, ngettext, speaking
from bot.services.program.programs import check_open
from bot.services.program.settings import ProgramConfig
from bot.services.text import has_controls
from models import Pair, Participant, ProgramSettings, SettingsChange, WordingText

# Every template fills a section of a message: Slack refuses a section over 3,000 characters.
MAX_LENGTH = 3000

# Every template may name the program.
PROGRAM = {"program": N_("the program's name")}


@dataclass(frozen=True)
class Wording:
    """A workspace's wording: HR's texts by (template, language), and — read only when one of
    them names `{program}` — the program's name and template, for that placeholder."""

    texts: Mapping[tuple[str, str], str] = field(default_factory=dict)
    program_name: str | None = None
    program_template: str | None = None


@dataclass(frozen=True)
class Part:
    """One sentence of our default, in the language in force: `choose(n)` picks its plural form
    for the number in the placeholder `count` (a sentence without one ignores `n`)."""

    choose: Callable[[int], str]
    count: str | None = None

    def text(self, values: Mapping[str, object]) -> str:
        """The sentence for `values` (as for several when the count is missing: how HR edits
        it)."""
        n = values.get(self.count) if self.count else None
        return self.choose(n if isinstance(n, int) else 2)


def sentence(message: str) -> Part:
    """A sentence without plural forms (`message` marked with `N_`)."""
    return Part(lambda _n: _(message))


def plural(count: str, choose: Callable[[int], str]) -> Part:
    """A sentence whose plural form follows the placeholder `count` (`choose` calls ngettext,
    so the catalog has both forms)."""
    return Part(choose, count)


@dataclass(frozen=True)
class Template:
    """A proactive message's wording: what HR sees of it and which placeholders it takes."""

    key: str
    name: str
    where: str
    # Placeholder name → what it stands for (both marked for the catalog).
    placeholders: Mapping[str, str]
    parts: tuple[Part, ...]
    required: frozenset[str] = field(default_factory=frozenset)
    # Our text for a program started from a template (`program/templates.py`), by its key.
    variants: Mapping[str, tuple[Part, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "placeholders", {**self.placeholders, **PROGRAM})

    def _parts(self, variant: str | None) -> tuple[Part, ...]:
        return self.variants.get(variant or "", self.parts)

    def default(self, values: Mapping[str, object], variant: str | None = None) -> str:
        """Our text for `values`, in the language in force (plural forms chosen by them)."""
        return " ".join(part.text(values) for part in self._parts(variant)).format(**values)

    def shown_default(self, variant: str | None = None) -> str:
        """Our text as HR edits it, placeholders and all (plural forms as for several)."""
        return " ".join(part.text({}) for part in self._parts(variant))


PEOPLE = {"guide": N_("the guide"), "learner": N_("the learner")}
PARTNER = {"partner": N_("the other person of the pair")}

TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "intro",
            N_("Introduction"),
            N_("Opens the group DM of a new pair."),
            {
                **PEOPLE,
                "teaches": N_("what the guide can teach"),
                "learns": N_("what the learner wants to learn"),
                "ends_on": N_("the day the cycle ends"),
            },
            (
                sentence(
                    N_(
                        "👋 {guide}, meet {learner}! You're paired for this cycle of reverse "
                        "mentoring."
                    )
                ),
            ),
            required=frozenset({"guide", "learner"}),
        ),
        Template(
            "kickoff",
            N_("Kickoff agreement"),
            N_("Under the introduction: how the pair works together."),
            PEOPLE,
            (
                sentence(
                    N_(
                        "*How this works*\n"
                        "• The guide proposes the first 30-minute session within a week.\n"
                        "• Then meet every week or two, for as long as the cycle lasts.\n"
                        "• What you say stays between the two of you.\n"
                        "• Either of you can ask HR privately for a change, at any time."
                    )
                ),
            ),
            variants={
                "reverse_mentoring": (
                    sentence(
                        N_(
                            "*How this works*\n"
                            "• The guide proposes the first session, 45 to 60 minutes, within "
                            "a week.\n"
                            "• Then meet every two weeks: six sessions in about six months.\n"
                            "• What you say stays between the two of you.\n"
                            "• Either of you can ask HR privately for a change, at any time."
                        )
                    ),
                ),
                "tools_sprint": (
                    sentence(
                        N_(
                            "*How this works*\n"
                            "• Six weeks, one 30-minute session a week: the guide proposes the "
                            "first within a few days.\n"
                            "• Each week, one tool, used together on a real task.\n"
                            "• What you say stays between the two of you.\n"
                            "• Either of you can ask HR privately for a change, at any time."
                        )
                    ),
                ),
                "reciprocal": (
                    sentence(
                        N_(
                            "*How this works*\n"
                            "• Twelve months, a session of about an hour every four weeks: "
                            "the guide proposes the first within two weeks.\n"
                            "• Both of you teach: a tool one time, how things get done here "
                            "the next.\n"
                            "• What you say stays between the two of you.\n"
                            "• Either of you can ask HR privately for a change, at any time."
                        )
                    ),
                ),
            },
        ),
        Template(
            "announcement",
            N_("Announcement"),
            N_("In the announcement channel, above the list of new pairs."),
            {
                "count": N_("how many new pairs"),
                "cycle_weeks": N_("the cycle's length in weeks"),
                "ends_on": N_("the day the cycle ends"),
            },
            (
                plural(
                    "count",
                    lambda n: ngettext(
                        "🎉 *{count} new reverse-mentoring pair starts today!*",
                        "🎉 *{count} new reverse-mentoring pairs start today!*",
                        n,
                    ),
                ),
                plural(
                    "cycle_weeks",
                    lambda n: ngettext(
                        "They'll meet over the next {cycle_weeks} week. Welcome aboard:",
                        "They'll meet over the next {cycle_weeks} weeks. Welcome aboard:",
                        n,
                    ),
                ),
            ),
        ),
        Template(
            "waitlist",
            N_("Waitlist"),
            N_("A DM to someone a round could not pair."),
            {"reason": N_("why they could not be paired")},
            (
                sentence(
                    N_(
                        "⏳ This round I couldn't find you a partner, so you're on the waitlist — "
                        "and first in line next round. (Why: {reason}.) Nothing to do on your "
                        "side; you'll hear from me as soon as you're paired."
                    )
                ),
            ),
        ),
        Template(
            "prompt_teach",
            N_("Weekly prompt: teach me a tool"),
            N_("Leads the week's prompt in the pair's group DM when the guide teaches."),
            {**PEOPLE, "tool": N_("the week's tool")},
            (sentence(N_("{guide}, over to you: *{tool}*.")),),
        ),
        Template(
            "prompt_mirror",
            N_("Weekly prompt: reverse the mirror"),
            N_("Leads the week's prompt in the pair's group DM when the learner shares."),
            PEOPLE,
            (sentence(N_("{learner}, this one is yours to share with {guide}.")),),
        ),
        Template(
            "prompt_footer",
            N_("Weekly prompt: closing line"),
            N_("Under every weekly prompt."),
            {**PEOPLE, "days": N_("days until the check-in")},
            (
                plural(
                    "days",
                    lambda n: ngettext(
                        "Find 20 minutes this week. In {days} day I'll ask each of you, "
                        "privately, whether you met.",
                        "Find 20 minutes this week. In {days} days I'll ask each of you, "
                        "privately, whether you met.",
                        n,
                    ),
                ),
            ),
        ),
        Template(
            "checkin",
            N_("Check-in"),
            N_("A private DM to each partner, days after the prompt, with the answer buttons."),
            PARTNER,
            (sentence(N_("Did you and {partner} meet this week?")),),
            required=frozenset({"partner"}),
        ),
        Template(
            "checkin_reminder",
            N_("Check-in reminder"),
            N_("The check-in asked again to someone who answered “Not yet”."),
            PARTNER,
            (sentence(N_("As promised, asking again: did you and {partner} meet this week?")),),
            required=frozenset({"partner"}),
        ),
        Template(
            "stall_alert",
            N_("Stall alert"),
            N_("To HR admins when a pair has reported no session for weeks."),
            {
                **PEOPLE,
                "weeks": N_("the weeks without a session"),
                "since": N_("the week the silence began"),
            },
            (
                plural(
                    "weeks",
                    lambda n: ngettext(
                        "⚠️ {guide} and {learner} have reported no session for {weeks} week, "
                        "since the week of {since}.",
                        "⚠️ {guide} and {learner} have reported no session for {weeks} weeks, "
                        "since the week of {since}.",
                        n,
                    ),
                ),
            ),
            required=frozenset({"guide", "learner"}),
        ),
        Template(
            "stall_nudge",
            N_("Nudge"),
            N_("Sent to a quiet pair when HR clicks “Nudge them” on a stall alert."),
            PEOPLE,
            (
                sentence(
                    N_(
                        "👋 Hi {guide} and {learner}! It's been a little while since your last "
                        "session. Even 20 minutes this week counts: pick a time that works for "
                        "both of you?"
                    )
                ),
            ),
        ),
        Template(
            "survey_mid",
            N_("Mid-cycle survey"),
            N_("A private DM halfway through the cycle, with the survey's button."),
            PARTNER,
            (
                sentence(
                    N_(
                        "🧭 You're halfway through your cycle with {partner}! How is it going? "
                        "A few quick questions, one minute."
                    )
                ),
            ),
        ),
        Template(
            "survey_end",
            N_("End-of-cycle survey"),
            N_("A private DM as the cycle ends, with the survey's button."),
            PARTNER,
            (
                sentence(
                    N_(
                        "🏁 Your cycle with {partner} ends soon — how did it go? "
                        "A few quick questions, one minute."
                    )
                ),
            ),
        ),
        Template(
            "fit",
            N_("Fit question"),
            N_("A private DM after the pair's first session, with the fit buttons."),
            PARTNER,
            (sentence(N_("You've had your first session with {partner} — how is the fit?")),),
            required=frozenset({"partner"}),
        ),
        Template(
            "cycle_end",
            N_("End of cycle"),
            N_("A DM when the cycle ends, asking whether to continue."),
            {"partners": N_("the people they were paired with")},
            (
                sentence(
                    N_(
                        "🙏 This reverse-mentoring cycle has ended — thank you for the time you "
                        "and {partners} gave it! Would you like to continue into the next cycle?"
                    )
                ),
            ),
        ),
    )
}


# ---- reading and filling HR's text -------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why a text cannot be a template: `names` are the placeholders concerned."""

    kind: Literal["empty", "controls", "braces", "not_plain", "unknown", "missing", "too_long"]
    names: tuple[str, ...] = ()
    length: int = 0


def _pieces(text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    """HR's text as (literal, field, format spec, conversion) pieces; ValueError when braces do
    not balance."""
    return list(string.Formatter().parse(text))


def problem(template: Template, text: str, sample: Mapping[str, object]) -> Problem | None:
    """What is wrong with `text` as HR's wording for `template` (None: nothing); `sample`, the
    values of every placeholder, measures the filled text against Slack's limit."""
    if not text.strip():
        return Problem("empty")
    if has_controls(text):
        return Problem("controls")
    try:
        pieces = _pieces(text)
    except ValueError:
        return Problem("braces")
    used: list[str] = []
    for _literal, name, spec, conversion in pieces:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            return Problem("not_plain", (name,))
        used.append(name)
    unknown = [name for name in dict.fromkeys(used) if name not in template.placeholders]
    if unknown:
        return Problem("unknown", tuple(unknown))
    missing = sorted(template.required - set(used))
    if missing:
        return Problem("missing", tuple(missing))
    length = len(fill(text, sample))
    if length > MAX_LENGTH:
        return Problem("too_long", length=length)
    return None


def fill(text: str, values: Mapping[str, object]) -> str:
    """HR's `text` with each `{name}` replaced by its value: the literal text escaped for mrkdwn
    (as what people type always is), the values as given (the builder made them safe). Call it
    on a text `problem` accepts; anything else raises ValueError."""
    out: list[str] = []
    for literal, name, spec, conversion in _pieces(text):
        out.append(html.escape(literal, quote=False))
        if name is None:
            continue
        if spec or conversion or name not in values:
            raise ValueError(f"{{{name}}} is not a plain placeholder with a value")
        out.append(str(values[name]))
    return "".join(out)


# ---- storing ---------------------------------------------------------------------------------

_TEAMS_WORDING = select(
    WordingText.team_id, WordingText.template, WordingText.language, WordingText.text
).where(WordingText.team_id.in_(bindparam("team_ids", expanding=True)))
_PROGRAM_NAMES = select(
    ProgramSettings.team_id, ProgramSettings.name, ProgramSettings.template
).where(ProgramSettings.team_id.in_(bindparam("team_ids", expanding=True)))


async def wording_of(
    connection: AsyncConnection | AsyncSession, team_ids: Sequence[str]
) -> dict[str, Wording]:
    """Each team's wording: one query (the dispatcher's, per claim), and one more for the
    programs' names only when an HR text names `{program}`."""
    teams = list(dict.fromkeys(team_ids))
    texts: dict[str, dict[tuple[str, str], str]] = {team_id: {} for team_id in teams}
    if teams:
        rows = await connection.execute(_TEAMS_WORDING, {"team_ids": teams})
        for team_id, template, language, text in rows.all():
            texts[team_id][(template, language)] = text
    naming = [t for t in teams if any("{program" in text for text in texts[t].values())]
    names: dict[str, tuple[str | None, str | None]] = {}
    if naming:
        found = await connection.execute(_PROGRAM_NAMES, {"team_ids": naming})
        names = {team_id: (name, template) for team_id, name, template in found.all()}
    return {t: Wording(texts[t], *names.get(t, (None, None))) for t in teams}


async def team_wording(session: AsyncSession, team_id: str) -> Wording:
    return (await wording_of(session, [team_id]))[team_id]


def _shown(text: str | None) -> str | None:
    """A text as the settings log keeps it (100 characters)."""
    if text is None:
        return None
    return text if len(text) <= 100 else text[:99] + "…"


async def save_wording(
    session: AsyncSession,
    team_id: str,
    template: Template,
    language: str,
    text: str | None,
    *,
    now: datetime,
    actor_id: str | None,
    variant: str | None = None,
) -> SettingsChange | None:
    """Store HR's `text` for `template` in `language` (checked by `problem` first); None, or our
    own default as HR saw it (the program template's `variant`), goes back to our default. The
    change is logged like a setting (`wording.<template>.<language>`, old → new, None for our
    default); None when nothing changed."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    await check_open(session, team_id)  # a program the workspace has and keeps open
    with speaking(language):
        if text is not None and text.strip() == template.shown_default(variant).strip():
            text = None
    row = await session.scalar(
        select(WordingText)
        .where(
            WordingText.team_id == team_id,
            WordingText.template == template.key,
            WordingText.language == language,
        )
        .with_for_update()
    )
    old = row.text if row is not None else None
    if old == text:
        return None
    if row is None:
        session.add(
            WordingText(
                team_id=team_id,
                template=template.key,
                language=language,
                text=text,
                updated_at=now,
                updated_by=actor_id,
            )
        )
    elif text is None:
        await session.delete(row)
    else:
        row.text, row.updated_at, row.updated_by = text, now, actor_id
    change = SettingsChange(
        team_id=team_id,
        actor_id=actor_id,
        at=now,
        field=f"wording.{template.key}.{language}",
        old_value=_shown(old),
        new_value=_shown(text),
    )
    session.add(change)
    await session.flush()
    return change


# ---- the preview's sample --------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """Real data to preview a text with: the workspace's latest pair (else the admin previewing,
    in both roles) and its shared tools, how many pairs are active, the program's settings."""

    guide: str
    learner: str
    tools: tuple[str, ...]
    active_pairs: int
    config: ProgramConfig
    today: date


async def wording_sample(
    session: AsyncSession, team_id: str, admin_id: str, config: ProgramConfig, today: date
) -> Sample:
    guide, learner = aliased(Participant), aliased(Participant)
    latest = (
        await session.execute(
            select(guide.user_id, learner.user_id, Pair.shared_tools)
            .join(guide, guide.id == Pair.guide_id)
            .join(learner, learner.id == Pair.learner_id)
            .where(Pair.team_id == team_id)
            .order_by(Pair.started_at.desc(), Pair.id.desc())
            .limit(1)
        )
    ).first()
    active = await session.scalar(
        select(func.count()).where(Pair.team_id == team_id, Pair.ended_at.is_(None))
    )
    people = (latest[0], latest[1]) if latest is not None else (admin_id, admin_id)
    tools = tuple(latest[2] or ()) if latest is not None else ()
    return Sample(*people, tools, max(1, int(active or 0)), config, today)
