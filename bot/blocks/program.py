"""The program as HR runs it: the settings modal (`/rotnem admin settings`) and what an admin is
told after saving, and `/rotnem admin stats`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    Block,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.figures import definition_note, participants_lines, period_lines
from bot.blocks.kit import Inputs, button, context, escape, modal, option, say, section
from bot.blocks.message import Message
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, long_date, ngettext
from bot.ids import ActionId, BlockId, CallbackId
from bot.services.directory import ProfileField, person_fields
from bot.services.program.settings import CADENCES, MAX_MANAGERS, MAX_NAME, RANGES, ProgramConfig
from bot.services.program.stats import StatsView
from bot.services.program.templates import PROGRAM_TEMPLATES, default_name

# Marked for the catalog (`N_`), translated where they are shown (`_`).
DAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
TZ_LABELS = {
    "prefer_close": N_("Prefer partners in nearby time zones"),
    "ignore": N_("Ignore time zones"),
}
FIELD_LABELS = {
    "cycle_weeks": N_("Cycle length (weeks)"),
    "nudge_weekday": N_("Weekly prompt day"),
    "nudge_hour": N_("Weekly prompt hour"),
    "cadence_weeks": N_("Prompts and check-ins"),
    "checkin_delay_days": N_("Check-in delay (days)"),
    "stall_weeks": N_("Stall alert after (weeks)"),
    "tz_preference": N_("Time zones in matching"),
    "announce_channel": N_("Announcement channel"),
    "program_channel": N_("Program channel"),
    "auto_propose_next_round": N_("Propose the next round automatically"),
    "require_shared_tool": N_("Pairs must share a tool"),
    "anonymity_k": N_("Anonymity threshold (people)"),
    "manager_field_id": N_("Managers from the Slack profile field"),
    "invite_new_people": N_("Invite people who join the workspace"),
    "language": N_("Program language"),
    "template": N_("Program template"),
    "name": N_("Program name"),
    "managers": N_("Program managers"),
    "paused_until": N_("Pause the program until"),
}
CADENCE_LABELS = {
    1: N_("Every week"),
    2: N_("Every two weeks"),
    4: N_("Every four weeks (about monthly)"),
}
# The same inside a sentence ("… two sessions every two weeks").
CADENCE_PHRASES = {1: N_("every week"), 2: N_("every two weeks"), 4: N_("every four weeks")}
# The manager-field select's first option: managers picked in the profile modal.
NO_MANAGER_FIELD = "none"
SHARED_TOOL_OPTIONS = {
    "no": N_("No: as many pairs as possible, sharing a tool where the rules allow"),
    "yes": N_("Yes: leave people unpaired rather than pair them without a shared tool"),
}
YES_NO_FIELDS = ("auto_propose_next_round", "require_shared_tool", "invite_new_people")


# Every input of the settings modal answers under one action_id.
inputs = Inputs(ActionId.SETTINGS_ANSWER)


def _number(block_id: str, name: str, value: int, hint: str) -> InputBlock:
    """`hint`: a translated text with `{low}` and `{high}`, the setting's range."""
    low, high = RANGES[name]
    return inputs.text(
        block_id,
        _(FIELD_LABELS[name]),
        max_length=3,
        initial=str(value),
        hint=hint.format(low=low, high=high),
    )


def _manager_field(
    config: ProgramConfig, fields: Sequence[ProfileField] | None, *, first_program: bool
) -> Block:
    """Only fields of type "user" are offered; `fields` None: Slack did not list them. A
    reporting line is the company's, so a further program shows the field its workspace's first
    program set rather than offering one of its own."""
    if not first_program:
        if config.manager_field_id is None:
            return section(
                _(
                    "*Managers:* people pick theirs in Rotnem, and a manager named in any "
                    "program counts in all of them. The workspace's first program's settings "
                    "can read managers from a Slack profile field instead."
                )
            )
        label = next(
            (f.label for f in fields or () if f.id == config.manager_field_id and f.label),
            config.manager_field_id,
        )
        return section(
            _(
                "*Managers:* from the Slack profile field “{field}”, for every program of the "
                "workspace (its first program's settings choose the field)."
            ).format(field=escape(label))
        )
    options = [option(NO_MANAGER_FIELD, _("None: people pick their manager in Rotnem"))]
    options += [option(f.id, f.label or f.id) for f in person_fields(fields or ())]
    initial = next((o for o in options if o.value == config.manager_field_id), options[0])
    if fields is None:
        hint = _("Slack didn't list the profile fields just now (users.profile:read); try again.")
    else:
        hint = _(
            "A person-type field of your Slack profiles that names each person's manager. Set, "
            "reporting lines come from Slack and the profile modal shows them read-only."
        )
    return inputs.select(
        BlockId.SETTINGS_MANAGER_FIELD,
        _(FIELD_LABELS["manager_field_id"]),
        options,
        initial=initial,
        hint=hint,
    )


def settings_modal(
    config: ProgramConfig,
    profile_fields: Sequence[ProfileField] | None = (),
    *,
    first_program: bool = True,
) -> View:
    """Every program setting, prefilled with the values in force; `profile_fields` are the
    workspace's Slack profile fields (None when Slack did not list them). Only the workspace's
    first program chooses the manager field: a further one shows it."""
    days = [option(str(i), _(name)) for i, name in enumerate(DAY_NAMES)]
    hours = [option(str(h), f"{h:02d}:00") for h in range(24)]
    tz_options = [option(value, _(label)) for value, label in TZ_LABELS.items()]
    cadences = [option(str(weeks), _(label)) for weeks, label in CADENCE_LABELS.items()]
    yes_no = [option("yes", _("Yes")), option("no", _("No, an HR admin asks for it"))]
    shared_tool = [option(value, _(label)) for value, label in SHARED_TOOL_OPTIONS.items()]
    invite_new = [
        option("yes", _("Yes: a welcome DM with a Join button (not to guests or bots)")),
        option("no", _("No")),
    ]
    # Each language by its own name: whoever reads it recognises theirs.
    languages = [option(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]

    def channel(initial: str | None) -> ConversationSelectElement:
        return ConversationSelectElement(
            action_id=inputs.action_id,
            placeholder=_("Pick a channel"),
            filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            initial_conversation=initial or None,
        )

    blocks: list[Block] = [
        section(
            _(
                "This program's settings. Times are in each learner's own time zone. "
                "Every change is logged."
            )
        ),
        inputs.text(
            BlockId.SETTINGS_NAME,
            _(FIELD_LABELS["name"]),
            max_length=MAX_NAME,
            optional=True,
            initial=config.name,
            placeholder=_(default_name(config.template)),
            hint=_(
                "What people call it: the title of their Home tab, and {program} in your wording."
            ),
        ),
        SectionBlock(
            text=MarkdownTextObject(text=_template_line(config)),
            accessory=button(_("Start from a template…"), ActionId.SETTINGS_TEMPLATE, "open"),
        ),
        _number(
            BlockId.SETTINGS_CYCLE_WEEKS, "cycle_weeks", config.cycle_weeks, _("{low} to {high}")
        ),
        inputs.select(
            BlockId.SETTINGS_NUDGE_DAY,
            _(FIELD_LABELS["nudge_weekday"]),
            days,
            initial=days[config.nudge_weekday],
        ),
        inputs.select(
            BlockId.SETTINGS_NUDGE_HOUR,
            _(FIELD_LABELS["nudge_hour"]),
            hours,
            initial=hours[config.nudge_hour],
            hint=_("In the learner's time zone."),
        ),
        inputs.select(
            BlockId.SETTINGS_CADENCE,
            _(FIELD_LABELS["cadence_weeks"]),
            cadences,
            initial=cadences[CADENCES.index(config.cadence_weeks)],
            hint=_(
                "How often each pair gets its prompt, and so its check-ins, counted from its "
                "first week. The cycle must hold two sessions, and the stall alert wait longer "
                "than one gap."
            ),
        ),
        inputs.field(
            BlockId.SETTINGS_PAUSED_UNTIL,
            _(FIELD_LABELS["paused_until"]),
            DatePickerElement(
                action_id=inputs.action_id,
                placeholder=_("Not paused"),
                initial_date=config.paused_until.isoformat() if config.paused_until else None,
            ),
            optional=True,
            hint=_(
                "A break for everyone (holidays): no prompts, check-ins or stall alerts before "
                "that day; pairs stay together. Empty: the program runs."
            ),
        ),
        _number(
            BlockId.SETTINGS_CHECKIN_DELAY,
            "checkin_delay_days",
            config.checkin_delay_days,
            _("{low} to {high} days after the weekly prompt"),
        ),
        _number(
            BlockId.SETTINGS_STALL_WEEKS,
            "stall_weeks",
            config.stall_weeks,
            _("{low} to {high} weeks without a reported session"),
        ),
        inputs.radio(
            BlockId.SETTINGS_TZ,
            _(FIELD_LABELS["tz_preference"]),
            tz_options,
            initial=tz_options[0 if config.tz_preference == "prefer_close" else 1],
        ),
        inputs.field(
            BlockId.SETTINGS_CHANNEL,
            _(FIELD_LABELS["announce_channel"]),
            channel(config.announce_channel),
            optional=True,
            hint=_("Where new rounds are announced; empty for the server's default."),
        ),
        inputs.field(
            BlockId.SETTINGS_PROGRAM_CHANNEL,
            _(FIELD_LABELS["program_channel"]),
            channel(config.program_channel),
            optional=True,
            hint=_(
                "Whoever joins this channel gets an invitation to the program by DM; empty for "
                "the server's default. Invite Rotnem to it first."
            ),
        ),
        inputs.radio(
            BlockId.SETTINGS_AUTO,
            _(FIELD_LABELS["auto_propose_next_round"]),
            yes_no,
            initial=yes_no[0 if config.auto_propose_next_round else 1],
        ),
        inputs.radio(
            BlockId.SETTINGS_SHARED_TOOL,
            _(FIELD_LABELS["require_shared_tool"]),
            shared_tool,
            initial=shared_tool[1 if config.require_shared_tool else 0],
        ),
        _number(
            BlockId.SETTINGS_ANONYMITY_K,
            "anonymity_k",
            config.anonymity_k,
            _('{low} to {high} people: the report shows a smaller group as "fewer than" this'),
        ),
        inputs.field(
            BlockId.SETTINGS_MANAGERS,
            _(FIELD_LABELS["managers"]),
            UserMultiSelectElement(
                action_id=inputs.action_id,
                placeholder=_("Pick people"),
                initial_users=list(config.managers) or None,
                max_selected_items=MAX_MANAGERS,
            ),
            optional=True,
            hint=_(
                "They run the program with you: settings, wording, rounds, stats and HR's "
                "alerts. Only Rotnem's administrators (ROTNEM_ADMINS) can change this list."
            ),
        ),
        _manager_field(config, profile_fields, first_program=first_program),
        # Newcomers to the workspace are welcomed to its first program.
        *(
            [
                inputs.radio(
                    BlockId.SETTINGS_INVITE_NEW,
                    _(FIELD_LABELS["invite_new_people"]),
                    invite_new,
                    initial=invite_new[0 if config.invite_new_people else 1],
                )
            ]
            if first_program
            else []
        ),
        inputs.select(
            BlockId.SETTINGS_LANGUAGE,
            _(FIELD_LABELS["language"]),
            languages,
            initial=languages[LANGUAGES.index(config.language)],
            hint=_(
                "For the announcement channel, and for people whose Slack language Rotnem does "
                "not speak. Everyone else reads Rotnem in their own Slack language."
            ),
        ),
    ]
    return modal(CallbackId.SETTINGS, _("Program settings"), blocks, submit=_("Save"))


def _template_line(config: ProgramConfig) -> str:
    template = PROGRAM_TEMPLATES.get(config.template or "")
    if template is None:
        return _(
            "A template sets the cycle, the cadence, the stall alert and the kickoff agreement."
        )
    return _("Started from *{template}*: {summary}").format(
        template=_(template.name), summary=_(template.summary)
    )


def template_options() -> list[Option]:
    """The program templates as options, each with what it sets."""
    return [
        Option(
            value=t.key,
            text=PlainTextObject(text=_(t.name)),
            description=PlainTextObject(text=_(t.summary)),
        )
        for t in PROGRAM_TEMPLATES.values()
    ]


def template_modal(current: str | None) -> View:
    """The program templates to start from, each with what it sets."""
    options = template_options()
    initial = next((o for o in options if o.value == current), None)
    blocks: list[Block] = [
        section(
            _(
                "A template sets the cycle length, the cadence of prompts and check-ins, the "
                "stall alert and the kickoff agreement new pairs read in their introduction. "
                "Other settings stay as they are; you can change any of them afterwards."
            )
        ),
        Inputs(ActionId.TEMPLATE_ANSWER).radio(
            BlockId.TEMPLATE_CHOICE, _(FIELD_LABELS["template"]), options, initial=initial
        ),
    ]
    return modal(CallbackId.PROGRAM_TEMPLATE, _("Start from a template"), blocks, submit=_("Apply"))


def shown_value(field: str, value: str | None) -> str:
    if value is None or value == "":
        return _("(default)")
    if field == "nudge_weekday" and value.isdigit() and int(value) < 7:
        return _(DAY_NAMES[int(value)])
    if field == "nudge_hour" and value.isdigit():
        return f"{int(value):02d}:00"
    if field == "paused_until":
        try:
            return long_date(date.fromisoformat(value))
        except ValueError:
            return escape(value)
    if field == "managers":
        return ", ".join(f"<@{user}>" for user in value.split()) or _("(default)")
    if field in ("announce_channel", "program_channel"):
        return f"<#{value}>"
    if field == "template" and value in PROGRAM_TEMPLATES:
        return _(PROGRAM_TEMPLATES[value].name)
    if field == "cadence_weeks" and value.isdigit() and int(value) in CADENCE_LABELS:
        return _(CADENCE_LABELS[int(value)])
    if field == "tz_preference":
        return _(TZ_LABELS[value]) if value in TZ_LABELS else escape(value)
    if field == "language":
        return LANGUAGE_NAMES.get(value, escape(value))
    if field in YES_NO_FIELDS:
        return _("yes") if value == "True" else _("no")
    return escape(value)


def settings_saved_message(changes: Sequence[tuple[str, str | None, str | None]]) -> Message:
    """The DM after saving: each change, old → new."""
    if not changes:
        text = _("Program settings saved: nothing changed.")
        return say(text)
    lines = "\n".join(
        _("• {setting}: {old} → {new}").format(
            setting=_(FIELD_LABELS[field]) if field in FIELD_LABELS else field,
            old=shown_value(field, old),
            new=shown_value(field, new),
        )
        for field, old, new in changes
    )
    text = _("*Program settings saved.*\n{changes}").format(changes=lines)
    return Message(
        text=text.replace("*", ""),
        blocks=[section(text), context(_("The change is logged with your name."))],
    )


# ---- /rotnem admin stats ---------------------------------------------------------------------


def stats_message(stats: StatsView) -> Message:
    """The program's figures this cycle (worded as on the Home tab) and the at-risk pairs."""
    people = "\n".join(participants_lines(stats.figures))
    summary = "\n".join(period_lines(stats.figures))
    risk = (
        "\n".join(
            ngettext(
                "• <@{guide}> & <@{learner}>: {weeks} silent week",
                "• <@{guide}> & <@{learner}>: {weeks} silent weeks",
                weeks,
            ).format(guide=guide, learner=learner, weeks=weeks)
            for guide, learner, weeks in stats.at_risk[:10]
        )
        if stats.at_risk
        else _("none")
    )
    if len(stats.at_risk) > 10:
        risk += "\n" + _("…and {count} more").format(count=len(stats.at_risk) - 10)
    count = len(stats.at_risk)
    blocks: list[Block] = [
        HeaderBlock(text=_("Reverse mentoring: program stats")),
        section(people),
        section(summary),
        section(_("*At-risk pairs ({count})*\n{pairs}").format(count=count, pairs=risk)),
        context(
            _("{definition} Figures only: nobody's conversation or private notes are read.").format(
                definition=definition_note()
            )
        ),
    ]
    text = _("Program stats\n{people}\n{summary}\nAt-risk pairs: {count}").format(
        people=people, summary=summary, count=count
    )
    return Message(text=text.replace("*", ""), blocks=blocks)
