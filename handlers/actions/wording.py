"""HR's own wording (`/rotnem admin wording`): a language picked in the list opens the edit
modal on top of it; Preview fills the text as typed with real sample data; Reset to default
brings ours back. Each click is authorised on the server, whatever the modal showed."""

from __future__ import annotations

from bot.blocks.errors import admins_only_message, error_message
from bot.blocks.wording import (
    current_text,
    parse_edit_value,
    problem_text,
    wording_done_modal,
    wording_edit_modal,
)
from bot.ids import ActionId, BlockId
from bot.services.wording import Template, fill, problem
from handlers.kit import Click, ViewState
from handlers.views.wording import (
    WordingMetadata,
    program_template,
    sample_for,
    show_list,
    storing,
    unknown,
)


async def _admin_pick(click: Click) -> tuple[Template, str] | None:
    """The template and language of an admin's click; None, answered, for anyone else or a
    value that names none."""
    if not await click.is_admin():
        await click.refuse(admins_only_message())
        return None
    picked = parse_edit_value(click.value)
    if picked is None:
        await click.refuse(error_message(unknown()))
    return picked


async def edit(click: Click) -> None:
    """A language picked in the list: the edit modal, on top of the list."""
    picked = await _admin_pick(click)
    if picked is None:
        return
    template, language = picked
    wording = await click.wording()
    metadata = WordingMetadata(
        template=template.key, language=language, list_view=str(click.view.get("id") or "")
    )
    view = wording_edit_modal(
        template,
        language,
        current_text(template, language, wording, await program_template(click)),
        customised=(template.key, language) in wording.texts,
        private_metadata=metadata.dump(),
    )
    await click.acknowledgement.give()
    await click.push_view(click.trigger_id, view)


async def preview(click: Click) -> None:
    """The edit modal again, with the text as typed so far filled with real sample data (or
    what is wrong with it)."""
    picked = await _admin_pick(click)
    if picked is None:
        return
    template, language = picked
    state = ViewState((click.view.get("state") or {}).get("values") or {}, ActionId.WORDING_ANSWER)
    text = state.text(BlockId.WORDING_TEXT) or ""
    values, _variant = await sample_for(click, language)
    wrong = problem(template, text, values)
    wording = await click.wording()
    view = wording_edit_modal(
        template,
        language,
        text,
        customised=(template.key, language) in wording.texts,
        private_metadata=str(click.view.get("private_metadata") or ""),
        preview=fill(text, values) if wrong is None else None,
        preview_problem=problem_text(template, wrong) if wrong is not None else None,
    )
    await click.acknowledgement.give()
    await click.update_view(str(click.view.get("id") or ""), view, click.view.get("hash"))


async def reset(click: Click) -> None:
    """Reset to default: HR's text in that language goes, ours is back (logged)."""
    picked = await _admin_pick(click)
    if picked is None:
        return
    template, language = picked
    async with storing(click, template, language, None):
        pass
    done = wording_done_modal(template, language, reset=True)
    await click.update_view(str(click.view.get("id") or ""), done)
    metadata = WordingMetadata.load(str(click.view.get("private_metadata") or ""))
    await show_list(click, metadata.list_view if metadata else "")
