"""HR's own wording in the messages, and the screens of `/rotnem admin wording`.

Builders of proactive messages take their main sentence from `worded`: HR's text for the
template in the language in force when the workspace has one, else ours, translated. The
wording in force is set around a rendering by `in_wording` (the dispatcher, with what it read
for the claimed rows; a handler re-rendering such a message, with what it read) — like the
language, it is the surrounding of a rendering rather than a value every builder passes on.

The screens: a modal listing every template with the languages HR customised, each with a
language pick that opens the edit modal on top (the text, its placeholders, Preview with real
sample data, Reset to default); saving shows what was done in its place.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.kit import (
    Inputs,
    ask_first,
    button,
    context,
    escape,
    mention,
    modal,
    option,
    section,
)
from bot.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    _,
    current_language,
    day_month_year,
    joined,
    long_date,
    ngettext,
    speaking,
)
from bot.ids import ActionId, BlockId, CallbackId
from bot.services.program.templates import default_name
from bot.services.text import CONTROLS
from bot.services.wording import MAX_LENGTH, TEMPLATES, Problem, Sample, Template, Wording, fill
from bot.text import tools_phrase

logger = logging.getLogger(__name__)

# No HR text: what renders outside any `in_wording` (a request's own answers, the CLI).
OURS = Wording()
_WORDING: ContextVar[Wording] = ContextVar("rotnem_wording", default=OURS)


@contextmanager
def in_wording(wording: Wording) -> Iterator[None]:
    """Render with the workspace's `wording` (HR's texts by template and language)."""
    token = _WORDING.set(wording)
    try:
        yield
    finally:
        _WORDING.reset(token)


def current_wording() -> Wording:
    """HR's texts in force for this rendering."""
    return _WORDING.get()


def worded(key: str, *, variant: str | None = None, **values: object) -> str:
    """The sentence of template `key` in the language in force: HR's text filled with `values`
    (made safe for mrkdwn by the caller) when the workspace wrote one, else ours (for a program
    started from a template, that template's `variant`)."""
    template = TEMPLATES[key]
    wording = _WORDING.get()
    custom = wording.texts.get((key, current_language()))
    if custom is not None:
        try:
            return fill(custom, {"program": program_name(wording), **values})
        except ValueError as exc:
            # Saved texts are checked; this is one a later version no longer accepts.
            logger.warning("HR's %s wording cannot be used (%s); ours is sent instead", key, exc)
    return template.default(values, variant)


def program_name(wording: Wording) -> str:
    """`{program}`: the program's name in mrkdwn (escaped: HR typed it; see `program_label`)."""
    return escape(program_label(wording.program_name, wording.program_template))


def program_label(name: str | None, template: str | None) -> str:
    """A program's name as people read it, as plain text (a header, a field error): the name
    HR gave it, else its template's, else ours — wherever a program is named, `{program}` too."""
    return name or _(default_name(template))


# ---- the list ----------------------------------------------------------------------------------


def _status(key: str, wording: Wording) -> str:
    customised = [LANGUAGE_NAMES[code] for code in LANGUAGES if (key, code) in wording.texts]
    if not customised:
        return _("Our wording in every language.")
    return _("✏️ Yours in {languages}; ours in the others.").format(languages=joined(customised))


def edit_value(key: str, language: str) -> str:
    return f"{key}:{language}"


def parse_edit_value(value: str) -> tuple[Template, str] | None:
    """The template and language a pick names; None for anything else."""
    key, _sep, language = value.partition(":")
    template = TEMPLATES.get(key)
    return (template, language) if template is not None and language in LANGUAGES else None


def wording_list_modal(wording: Wording) -> View:
    """Every template, which languages HR customised, and a language pick to edit one."""
    blocks: list[Block] = [
        section(
            _(
                "The messages Rotnem sends on its own. Your text replaces ours in the language "
                "you write it for; the other languages keep our translation. A change applies "
                "to the next message sent, and is logged."
            )
        ),
        DividerBlock(),
    ]
    for template in TEMPLATES.values():
        blocks.append(
            SectionBlock(
                block_id=f"{BlockId.WORDING_ACTIONS}:{template.key}",
                text=MarkdownTextObject(
                    text=f"*{_(template.name)}*\n{_(template.where)}\n"
                    f"_{_status(template.key, wording)}_"
                ),
                accessory=StaticSelectElement(
                    action_id=ActionId.WORDING_EDIT,
                    placeholder=_("Edit in…"),
                    # Each language by its own name, as in the settings.
                    options=[
                        option(edit_value(template.key, code), LANGUAGE_NAMES[code])
                        for code in LANGUAGES
                    ],
                ),
            )
        )
    return modal(CallbackId.WORDING_LIST, _("Wording"), blocks)


# ---- editing -----------------------------------------------------------------------------------

inputs = Inputs(ActionId.WORDING_ANSWER)


def sample_values(sample: Sample) -> dict[str, object]:
    """Every placeholder's value for the preview, from real data (see `Sample`)."""
    config = sample.config
    tools = sample.tools or ("ChatGPT",)
    program = Wording(program_name=config.name, program_template=config.template)
    return {
        "program": program_name(program),
        "guide": mention(sample.guide),
        "learner": mention(sample.learner),
        "partner": mention(sample.learner),
        "partners": mention(sample.learner),
        "teaches": escape(tools_phrase(tools)),
        "learns": escape(tools_phrase(tools)),
        "tool": escape(tools[0]),
        "count": sample.active_pairs,
        "ends_on": long_date(sample.today + timedelta(weeks=config.cycle_weeks)),
        "cycle_weeks": config.cycle_weeks,
        "days": config.checkin_delay_days,
        "weeks": config.stall_weeks,
        "since": day_month_year(sample.today - timedelta(weeks=config.stall_weeks)),
        "reason": escape(_("every possible partner is in your reporting line")),
    }


def problem_text(template: Template, problem: Problem) -> str:
    """The field error naming the fix (plain text)."""
    names = joined(f"{{{name}}}" for name in problem.names)
    allowed = joined(f"{{{name}}}" for name in template.placeholders)
    if problem.kind == "empty":
        return _("Write the message, or use “Reset to default” to get ours back.")
    if problem.kind == "controls":
        return _(CONTROLS)
    if problem.kind == "braces":
        return _(
            "A brace is not closed: write placeholders as {guide}, and {{ or }} for a brace itself."
        )
    if problem.kind == "not_plain":
        return _(
            "Placeholders are plain names in braces, like {{guide}}: {names} is not one."
        ).format(names=names)
    if problem.kind == "unknown":
        return ngettext(
            "{names} is not a placeholder of this message. You can use {allowed}.",
            "{names} are not placeholders of this message. You can use {allowed}.",
            len(problem.names),
        ).format(names=names, allowed=allowed)
    if problem.kind == "missing":
        return ngettext(
            "This message must name {names}: put it back in.",
            "This message must name {names}: put them back in.",
            len(problem.names),
        ).format(names=names)
    return _(
        "Too long for Slack once filled in: {length} characters of at most {limit}. Shorten it."
    ).format(length=problem.length, limit=MAX_LENGTH)


def _placeholders_line(template: Template) -> str:
    described = [
        _("`{{{name}}}` {meaning}").format(name=name, meaning=_(meaning))
        for name, meaning in template.placeholders.items()
    ]
    line = _("*Placeholders:* {list}").format(list=" · ".join(described))
    if template.required:
        required = joined(f"`{{{name}}}`" for name in sorted(template.required))
        line += "\n" + _("Required: {names}.").format(names=required)
    return line


def wording_edit_modal(
    template: Template,
    language: str,
    text: str,
    *,
    customised: bool,
    private_metadata: str,
    preview: str | None = None,
    preview_problem: str | None = None,
) -> View:
    """The text of `template` in `language` to edit (`text`: HR's, or ours as shown), its
    placeholders, Preview (and, once clicked, the filled text or what is wrong), and Reset to
    default when HR's text is in force."""
    name, language_name = _(template.name), LANGUAGE_NAMES[language]
    blocks: list[Block] = [
        section(f"*{name}* · {language_name}\n{_(template.where)}"),
        context(_placeholders_line(template)),
        inputs.text(
            BlockId.WORDING_TEXT,
            _("Message"),
            max_length=MAX_LENGTH,
            multiline=True,
            initial=text,
            hint=_(
                "Slack formatting works: *bold*, _italic_, links. Your text is shown as you "
                "write it; only the placeholders are filled in."
            ),
        ),
    ]
    buttons = [button(_("Preview"), ActionId.WORDING_PREVIEW, edit_value(template.key, language))]
    if customised:
        buttons.append(
            button(
                _("Reset to default"),
                ActionId.WORDING_RESET,
                edit_value(template.key, language),
                style="danger",
                confirm=ask_first(
                    _("Reset to our wording?"),
                    _("Your text for this message in {language} is replaced by ours.").format(
                        language=language_name
                    ),
                    _("Reset"),
                    _("Keep mine"),
                ),
            )
        )
    blocks.append(ActionsBlock(block_id=BlockId.WORDING_ACTIONS, elements=buttons))
    if preview_problem is not None:
        blocks.append(context(_("⚠️ {problem}").format(problem=escape(preview_problem))))
    elif preview is not None:
        blocks += [
            DividerBlock(),
            context(_("Preview, with people and tools of your program:")),
            section(preview),
        ]
    return modal(
        CallbackId.WORDING_EDIT,
        _("Edit wording"),
        blocks,
        submit=_("Save"),
        private_metadata=private_metadata,
    )


def wording_done_modal(template: Template, language: str, *, reset: bool) -> View:
    """What replaces the edit modal once saved or reset (closing it shows the list again)."""
    values = {"message": _(template.name), "language": LANGUAGE_NAMES[language]}
    if reset:
        done = _("✅ *{message}* in {language} is our wording again.").format(**values)
    else:
        done = _("✅ Saved: *{message}* in {language}.").format(**values)
    return modal(
        CallbackId.WORDING_SAVED,
        _("Wording"),
        [section(done), context(_("It applies to the next message sent. The change is logged."))],
    )


def current_text(
    template: Template, language: str, wording: Wording, variant: str | None = None
) -> str:
    """What the edit modal starts from: HR's text, else ours in that language as HR edits it
    (the program template's `variant`)."""
    custom = wording.texts.get((template.key, language))
    if custom is not None:
        return custom
    with speaking(language):
        return template.shown_default(variant)
