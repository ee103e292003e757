"""`/rotnem admin programs`: the workspace's programs as HR runs them — each with its state, its
people and pairs, and buttons to its settings and wording (and, for ROTNEM_ADMINS, to close
it) — the modal that creates one from a template, and what replaces it once created.

Each program's buttons are built for that program (`in_program`), so a click lands in the
program it was shown for: its settings modal, its wording, closing it.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot.blocks.kit import Inputs, ask_first, button, context, in_program, modal, section
from bot.blocks.message import Message
from bot.blocks.program import template_options
from bot.blocks.wording import program_name
from bot.i18n import _, day_month_year, ngettext
from bot.ids import ActionId, BlockId, CallbackId
from bot.install.keys import FIRST_PROGRAM
from bot.services.program.programs import Program
from bot.services.program.settings import MAX_NAME
from bot.services.program.stats import ProgramSummary
from bot.services.program.templates import PROGRAM_TEMPLATES
from bot.services.wording import Wording

# A message takes 50 blocks: the header, a closed program's line, the "and more" line and the New
# program button (two) leave 45 for the programs, three for an open one (its buttons), two for a
# closed one. The rest of a long list is counted, not shown (open programs come first).
PROGRAM_BLOCKS = 45


def name_of(program: Program) -> str:
    """The program's name as everything else calls it (mrkdwn: HR's name escaped)."""
    return program_name(Wording(program_name=program.name, program_template=program.template))


def _state(summary: ProgramSummary) -> str:
    if summary.closed_on is not None:
        return _("closed on {date}").format(date=day_month_year(summary.closed_on))
    if summary.paused_until is not None:
        return _("paused until {date}").format(date=day_month_year(summary.paused_until))
    return _("open")


def _template(program: Program) -> str:
    template = PROGRAM_TEMPLATES.get(program.template or "")
    return _(template.name) if template is not None else _("no template")


def _buttons(summary: ProgramSummary, *, can_close: bool) -> ActionsBlock:
    """Settings, Wording and (for ROTNEM_ADMINS, on a program that may close) Close…, each
    bringing its click back to this program."""
    program = summary.program
    with in_program(program.number):
        elements: list[ButtonElement] = [
            button(_("Settings"), ActionId.PROGRAMS_SETTINGS, "settings"),
            button(_("Wording"), ActionId.PROGRAMS_WORDING, "wording"),
        ]
        if can_close and program.number != FIRST_PROGRAM and not program.closed:
            elements.append(
                button(
                    _("Close…"),
                    ActionId.PROGRAMS_CLOSE,
                    "close",
                    style="danger",
                    confirm=ask_first(
                        _("Close this program?"),
                        _(
                            "Its running pairs end and each person is told privately; nobody "
                            "can join it any more. Its history and figures stay."
                        ),
                        _("Close it"),
                        _("Keep it"),
                        danger=True,
                    ),
                )
            )
    return ActionsBlock(block_id=f"{BlockId.PROGRAMS_ACTIONS}:{program.number}", elements=elements)


def _closed_line(program: Program, ended: int) -> str:
    if not ended:
        return _("✅ *{program}* is closed; it had no running pairs.").format(
            program=name_of(program)
        )
    return ngettext(
        "✅ *{program}* is closed: {count} pair ended, and its people were told privately.",
        "✅ *{program}* is closed: {count} pairs ended, and their people were told privately.",
        ended,
    ).format(program=name_of(program), count=ended)


def programs_message(
    summaries: Sequence[ProgramSummary],
    *,
    rotnem_admin: bool,
    closed: tuple[Program, int] | None = None,
) -> Message:
    """The programs the person administers (`summaries`), with New program and Close… for
    ROTNEM_ADMINS (`rotnem_admin`); after closing one, `closed` is it and its pairs ended."""
    listed: list[ProgramSummary] = []
    room = PROGRAM_BLOCKS
    for summary in sorted(summaries, key=lambda s: s.program.closed):
        room -= 2 if summary.program.closed else 3
        if room < 0:
            break
        listed.append(summary)
    blocks: list[Block] = [HeaderBlock(text=_("Programs"))]
    fallback = [_("Programs")]
    if closed is not None:
        blocks.append(section(_closed_line(*closed)))
        fallback.append(_closed_line(*closed))
    for summary in listed:
        program = summary.program
        text = "*{name}*\n{template} · {state}\n{figures}".format(
            name=name_of(program),
            template=_template(program),
            state=_state(summary),
            figures=_("Participants: {participants} · Active pairs: {pairs}").format(
                participants=summary.participants, pairs=summary.active_pairs
            ),
        )
        blocks += [DividerBlock(), section(text)]
        if not program.closed:  # a closed program changes no more: its figures stay readable
            blocks.append(_buttons(summary, can_close=rotnem_admin))
        fallback.append(f"{name_of(program)} ({_state(summary)})")
    if len(summaries) > len(listed):
        more = len(summaries) - len(listed)
        blocks.append(
            context(
                ngettext(
                    "…and {count} more program, not shown.",
                    "…and {count} more programs, not shown.",
                    more,
                ).format(count=more)
            )
        )
    if rotnem_admin:
        # The workspace's own button: a new program belongs to no program yet.
        with in_program(FIRST_PROGRAM):
            new = button(_("New program"), ActionId.PROGRAMS_NEW, "new", style="primary")
        blocks += [DividerBlock(), ActionsBlock(elements=[new])]
    return Message(text="\n".join(fallback).replace("*", ""), blocks=blocks)


def new_program_modal() -> View:
    """A program's name and the template it starts from."""
    inputs = Inputs(ActionId.PROGRAMS_ANSWER)
    options = template_options()
    blocks: list[Block] = [
        section(
            _(
                "A new program of this workspace, with its own people, pairs, settings and "
                "wording. Its template sets the cycle, the cadence of prompts and check-ins, the "
                "stall alert and the kickoff agreement; you can change any of them afterwards in "
                "its settings."
            )
        ),
        inputs.text(
            BlockId.PROGRAMS_NAME,
            _("Name"),
            max_length=MAX_NAME,
            hint=_("What people call it. Two programs of the workspace can't share a name."),
        ),
        inputs.radio(BlockId.PROGRAMS_TEMPLATE, _("Template"), options, initial=options[0]),
    ]
    return modal(CallbackId.PROGRAMS_NEW, _("New program"), blocks, submit=_("Create"))


def program_created_modal(command: str, program: Program) -> View:
    """What replaces the new-program modal once the program is created: what to do next."""
    blocks: list[Block] = [
        section(_("✅ *{program}* is created.").format(program=name_of(program))),
        section(
            _(
                "Next, open its *Settings* from `{command} admin programs` to set its channels "
                "and its managers. People join it with `{command} join`, or by joining its "
                "program channel."
            ).format(command=command)
        ),
    ]
    return modal(CallbackId.PROGRAMS_CREATED, _("New program"), blocks)


def rotnem_admins_only_message() -> Message:
    """A program manager's click on what only ROTNEM_ADMINS do (create or close a program)."""
    return Message(
        text=_(
            "Only Rotnem's administrators (ROTNEM_ADMINS) create and close programs: ask one of "
            "them."
        )
    )
