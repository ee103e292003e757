"""HR's own wording, over signed HTTP: `/rotnem admin wording` lists the messages Rotnem sends on
its own; HR picks one in a language, edits it with a preview on the program's real people, and
the next message sent uses it (rendered when it leaves the outbox, no restart); a reset brings
ours back; the other languages keep our translation; bad templates get field errors and save
nothing; only HR admins get anywhere, at every step."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bot.ids import ActionId, BlockId
from models import Round, SettingsChange, WordingText
from tests.factories import (
    ADMIN_ID,
    BOTH_BACKENDS,
    JSON,
    Program,
    find_button,
    open_home,
    settings_errors,
    settings_view,
)

GUIDE, LEARNER = "U0WGUIDE1", "U0WLEARN1"
NOBODY = "U0NOBODY1"


def _texts(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


async def _open_list(program: Program) -> JSON:
    """`/rotnem admin wording`: the list modal HR sees."""
    opened = program.slack.count("views.open")
    await program.command("admin wording")
    await program.slack.wait_for("views.open", opened + 1)
    return program.slack.open_views(ADMIN_ID)[-1]


async def _edit(program: Program, template: str, language: str) -> JSON:
    """Pick `language` for `template` in the list: the edit modal pushed on top of it."""
    listed = await _open_list(program)
    pushed = program.slack.count("views.push")
    response = await program.bot.requester.click(
        user_id=ADMIN_ID,
        action_id=ActionId.WORDING_EDIT,
        block_id=f"{BlockId.WORDING_ACTIONS}:{template}",
        view=listed,
        picked=f"{template}:{language}",
    )
    assert response.status_code == 200
    await program.slack.wait_for("views.push", pushed + 1)
    return program.slack.open_views(ADMIN_ID)[-1]


async def _click_in(program: Program, view: JSON, action: ActionId, text: str) -> JSON:
    """Click Preview or Reset with `text` typed: the edit modal as Slack then shows it."""
    updated = program.slack.count("views.update")
    button = next(
        e for b in view["blocks"] for e in b.get("elements") or [] if e.get("action_id") == action
    )
    await program.bot.requester.click(
        user_id=ADMIN_ID,
        action_id=action,
        block_id=BlockId.WORDING_ACTIONS,
        value=button["value"],
        view=view,
        answers={BlockId.WORDING_TEXT: text},
    )
    await program.slack.wait_for("views.update", updated + 1)
    return program.slack.open_views(ADMIN_ID)[-1] if action != ActionId.WORDING_RESET else {}


async def _save(program: Program, view: JSON, text: str, user: str = ADMIN_ID) -> httpx.Response:
    return await program.bot.requester.submit_view(
        view=view, user_id=user, answers={BlockId.WORDING_TEXT: text}
    )


def _view(view_id: str, program: Program) -> JSON:
    return next(v for v in program.slack.open_views(ADMIN_ID) if v["id"] == view_id)


async def _intro(program: Program) -> JSON:
    """A round proposed and approved, delivered: the newest pair's introduction."""
    proposal = await program.propose()
    before = len(program.slack.responses())
    assert (await program.click(proposal, ActionId.ROUND_APPROVE)).status_code == 200
    await program.responses(before + 1)
    await program.deliver()
    newest = max(await program.pairs(), key=lambda pair: pair.id)
    return program.posts(newest.group_channel_id or "")[0]


@BOTH_BACKENDS
async def test_hr_rewrites_the_introduction_previews_it_and_the_next_round_uses_it(
    program: Program,
) -> None:
    await program.join(GUIDE, "Gus Guide", "guide", teaches=["ChatGPT"])
    await program.join(LEARNER, "Lea Learner", "learner", learns=["ChatGPT"])
    listed = await _open_list(program)
    assert "Introduction" in _texts(listed) and "Our wording in every language." in _texts(listed)

    edit = await _edit(program, "intro", "en")
    shown = _texts(edit)
    # Our text to start from, and what may go in it.
    assert "You're paired for this cycle of reverse mentoring." in shown
    assert "`{guide}` the guide" in shown and "Required: `{guide}` and `{learner}`." in shown

    mine = "🚀 Welcome {guide} & {learner}! <!channel> Start with {teaches}, until {ends_on}."
    previewed = await _click_in(program, edit, ActionId.WORDING_PREVIEW, mine)
    # The preview: the program's latest people… none paired yet, so HR in both roles; what HR
    # typed stays text (no broadcast), placeholders filled in.
    assert (
        "🚀 Welcome <@UADMIN001> &amp; <@UADMIN001>! &lt;!channel&gt; Start with ChatGPT, until "
        "Monday 15 February 2027."  # the day a cycle started today would end (12 weeks)
    ) in _texts(previewed)

    saved = await _save(program, previewed, mine)
    assert saved.status_code == 200
    assert saved.json()["response_action"] == "update"
    assert "Saved: *Introduction* in English." in _texts(saved.json()["view"])
    # The list underneath now says which language is HR's.
    await program.slack.wait_for("views.update", 2)
    assert "Yours in English; ours in the others." in _texts(
        _view(edit["previous_view_id"], program)
    )
    (change,) = await program.rows(SettingsChange)
    assert (change.field, change.old_value, change.new_value, change.actor_id) == (
        "wording.intro.en",
        None,
        mine,
        ADMIN_ID,
    )

    # The dispatcher has run since the app started: the next introduction is HR's.
    intro = await _intro(program)
    first = intro["blocks"][0]["text"]["text"]
    assert first.startswith(
        f"🚀 Welcome <@{GUIDE}> &amp; <@{LEARNER}>! &lt;!channel&gt; Start with ChatGPT, until "
    )
    (pair,) = await program.pairs()
    (cycle,) = await program.rows(Round, id=pair.round_id)
    assert cycle.ends_on is not None and first.endswith(f"{cycle.ends_on:%-d %B %Y}.")
    # The rest of the introduction is ours.
    assert f"*<@{GUIDE}> is the guide*" in _texts(intro)


async def test_reset_brings_our_wording_back_for_the_next_message(program: Program) -> None:
    await program.join(GUIDE, "Gus Guide", "guide", teaches=["ChatGPT"])
    await program.join(LEARNER, "Lea Learner", "learner", learns=["ChatGPT"])
    edit = await _edit(program, "intro", "en")
    assert (await _save(program, edit, "Hi {guide} and {learner}!")).status_code == 200

    edit = await _edit(program, "intro", "en")
    assert "Hi {guide} and {learner}!" in _texts(edit)
    await _click_in(program, edit, ActionId.WORDING_RESET, "Hi {guide} and {learner}!")
    assert "is our wording again" in _texts(_view(edit["id"], program))
    assert await program.rows(WordingText) == []
    assert [(c.field, c.new_value) for c in await program.rows(SettingsChange)][-1] == (
        "wording.intro.en",
        None,
    )
    intro = await _intro(program)
    assert intro["blocks"][0]["text"]["text"].startswith(f"👋 <@{GUIDE}>, meet <@{LEARNER}>!")


@BOTH_BACKENDS
async def test_hr_wording_in_french_reaches_french_readers_and_others_keep_ours(
    program: Program,
) -> None:
    """HR edits the check-in in French only: a French guide gets HR's, an English learner ours."""
    await program.pair(GUIDE, LEARNER, tools=["ChatGPT"])
    # The guide reads Slack in French (read with her identity).
    await program.join(GUIDE, "Flore G", "guide", teaches=["ChatGPT"], locale="fr-FR")
    edit = await _edit(program, "checkin", "fr")
    assert "Avez-vous pu rencontrer {partner} cette semaine" in _texts(edit)
    assert (await _save(program, edit, "Alors, {partner} et vous, ça avance ?")).status_code == 200
    await program.slack.wait_for("views.update", 1)
    assert "Yours in Français" in _texts(_view(edit["previous_view_id"], program))

    await program.nudge_now()
    await program.deliver()
    await program.checkin_now()
    await program.deliver()
    assert program.dm(GUIDE)[-1]["text"] == f"Alors, <@{LEARNER}> et vous, ça avance ?"
    assert program.dm(LEARNER)[-1]["text"] == f"Did you and <@{GUIDE}> meet this week?"


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("   ", "Write the message, or use “Reset to default” to get ours back."),
        ("Hello {guide} and {learner", "A brace is not closed"),
        ("Hello {guide} and {learner} from {boss}", "{boss} is not a placeholder of this message"),
        ("Hello {guide.name} and {learner}", "Placeholders are plain names in braces"),
        ("Hello {guide!r} and {learner}", "Placeholders are plain names in braces"),
        ("Hello {guide:>40} and {learner}", "Placeholders are plain names in braces"),
        ("Hello {guide}", "This message must name {learner}: put it back in."),
        ("{guide} {learner} " + "x" * 2990, "Too long for Slack once filled in"),
    ],
)
async def test_a_bad_template_gets_a_field_error_and_saves_nothing(
    program: Program, typed: str, error: str
) -> None:
    edit = await _edit(program, "intro", "en")
    refused = await _save(program, edit, typed)
    errors = refused.json()["errors"]
    assert list(errors) == [BlockId.WORDING_TEXT] and error in errors[BlockId.WORDING_TEXT]
    assert await program.rows(WordingText) == []
    assert await program.rows(SettingsChange) == []
    # The preview says the same, without saving either.
    previewed = await _click_in(program, edit, ActionId.WORDING_PREVIEW, typed)
    assert error in _texts(previewed)


async def test_only_hr_admins_edit_wording_at_every_step(program: Program) -> None:
    program.slack.add_user(NOBODY, real_name="No Body")
    refused = await program.command("admin wording", user=NOBODY)
    assert "only" in refused.json()["text"].lower()
    edit = await _edit(program, "intro", "en")
    # The modal's submission and its buttons, forged by someone else, change nothing.
    forged = await _save(program, edit, "Hi {guide} and {learner}", user=NOBODY)
    assert forged.json()["response_action"] == "errors"
    opened = program.slack.count("views.open")
    response = await program.bot.requester.click(
        user_id=NOBODY,
        action_id=ActionId.WORDING_RESET,
        block_id=BlockId.WORDING_ACTIONS,
        value="intro:en",
        view=edit,
    )
    assert response.status_code == 200
    await program.slack.wait_for("views.open", opened + 1)  # told so in a small modal
    assert "admins" in _texts(program.slack.open_views(NOBODY)[-1])
    assert await program.rows(WordingText) == []
    assert await program.rows(SettingsChange) == []


async def test_a_pick_that_names_no_message_is_refused(program: Program) -> None:
    listed = await _open_list(program)
    block: dict[str, Any] = next(
        b for b in listed["blocks"] if b.get("block_id") == f"{BlockId.WORDING_ACTIONS}:intro"
    )
    block["accessory"]["options"].append(
        {"text": {"type": "plain_text", "text": "x"}, "value": "x:fr"}
    )
    opened = program.slack.count("views.open")
    await program.bot.requester.click(
        user_id=ADMIN_ID,
        action_id=ActionId.WORDING_EDIT,
        block_id=block["block_id"],
        view=listed,
        picked="x:fr",
    )
    await program.slack.wait_for("views.open", opened + 1)
    assert "not one Rotnem knows" in _texts(program.slack.open_views(ADMIN_ID)[-1])


async def test_the_kickoff_agreement_to_edit_is_the_program_templates(program: Program) -> None:
    await program.update_settings(template="tools_sprint", cycle_weeks=6, stall_weeks=2)
    edit = await _edit(program, "kickoff", "en")
    assert "Six weeks, one 30-minute session a week" in _texts(edit)
    # Saved as it stands, it is still ours: nothing customised, nothing logged.
    assert (await _save(program, edit, _shown_text(edit))).status_code == 200
    assert await program.rows(WordingText) == []


def _shown_text(view: JSON) -> str:
    block = next(b for b in view["blocks"] if b.get("block_id") == BlockId.WORDING_TEXT)
    return str(block["element"]["initial_value"])


async def test_hr_reaches_the_wording_and_the_settings_from_the_home_tab(program: Program) -> None:
    home = await open_home(program.bot, ADMIN_ID)
    for action, title in ((ActionId.HOME_WORDING, "Wording"), (ActionId.HOME_SETTINGS, "Program")):
        opened = program.slack.count("views.open")
        button = find_button(home["blocks"], action)
        await program.bot.requester.click(
            user_id=ADMIN_ID,
            action_id=action,
            block_id=button["block_id"],
            value=button["value"],
            view=home,
        )
        await program.slack.wait_for("views.open", opened + 1)
        assert program.slack.open_views(ADMIN_ID)[-1]["title"]["text"].startswith(title)
    # Someone who is no admin gets no such buttons, and a forged click opens nothing of HR's.
    program.slack.add_user(NOBODY, real_name="No Body")
    assert "home_wording" not in _texts(await open_home(program.bot, NOBODY))
    opened = program.slack.count("views.open")
    await program.bot.requester.click(
        user_id=NOBODY,
        action_id=ActionId.HOME_WORDING,
        block_id=button["block_id"],
        value="wording",
        view=home,
    )
    await program.slack.wait_for("views.open", opened + 1)
    assert "admins" in _texts(program.slack.open_views(NOBODY)[-1])


async def test_hr_reads_who_changed_what_in_the_changes_export(program: Program) -> None:
    edit = await _edit(program, "checkin", "en")
    assert (await _save(program, edit, "Met {partner} yet?")).status_code == 200
    await program.update_settings(cadence_weeks=2)
    await program.command("admin export changes")
    await program.slack.wait_for("files.completeUploadExternal", 1, timeout=10)
    (changes,) = program.slack.files()
    lines = changes.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "changed_at,changed_by_user_id,setting,old_value,new_value"
    assert [line.split(",", 1)[1] for line in lines[1:]] == [
        f"{ADMIN_ID},wording.checkin.en,,Met {{partner}} yet?",
        f"{ADMIN_ID},cadence_weeks,1,2",
    ]


async def test_hr_names_the_program_and_the_wording_and_home_tab_use_the_name(
    program: Program,
) -> None:
    settings = await settings_view(program)
    named = {BlockId.SETTINGS_NAME: "  AI tools   & <!here> leaders "}
    assert await settings_errors(program, settings, **named) == {}
    (change,) = await program.rows(SettingsChange)
    assert (change.field, change.new_value) == ("name", "AI tools & <!here> leaders")

    edit = await _edit(program, "intro", "en")
    assert "`{program}` the program's name" in _texts(edit)
    assert (
        await _save(program, edit, "{guide}, {learner}: welcome to {program}!")
    ).status_code == 200
    await program.join(GUIDE, "Gus Guide", "guide", teaches=["ChatGPT"])
    await program.join(LEARNER, "Lea Learner", "learner", learns=["ChatGPT"])
    intro = await _intro(program)
    assert intro["blocks"][0]["text"]["text"] == (
        f"<@{GUIDE}>, <@{LEARNER}>: welcome to AI tools &amp; &lt;!here&gt; leaders!"
    )
    home = await open_home(program.bot, GUIDE)
    assert home["blocks"][0]["text"]["text"] == "AI tools & <!here> leaders"  # plain text


async def test_a_preview_from_a_modal_that_changed_meanwhile_is_logged_not_a_traceback(
    program: Program, caplog: pytest.LogCaptureFixture
) -> None:
    edit = await _edit(program, "checkin", "en")
    await _click_in(program, edit, ActionId.WORDING_PREVIEW, "Met {partner}?")
    # The same click again, from the view as it was before Slack updated it: a stale hash.
    updates = program.slack.count("views.update")
    await program.bot.requester.click(
        user_id=ADMIN_ID,
        action_id=ActionId.WORDING_PREVIEW,
        block_id=BlockId.WORDING_ACTIONS,
        value="checkin:en",
        view=edit,
        answers={BlockId.WORDING_TEXT: "Met {partner} yet?"},
    )
    await program.slack.wait_for("views.update", updates + 1)
    await program.bot.deps.after_ack.drain()
    assert "hash_conflict" in caplog.text
    assert "Unhandled error" not in caplog.text and "Traceback" not in caplog.text


@BOTH_BACKENDS
async def test_wording_with_a_control_character_is_refused_on_its_field(program: Program) -> None:
    edit = await _edit(program, "checkin", "en")
    response = await _save(program, edit, "Did you and {partner} meet this week?\x00")
    assert response.status_code == 200
    error = response.json()["errors"][BlockId.WORDING_TEXT]
    assert error == "This text holds invisible control characters; please type it again."
    assert await program.rows(WordingText) == []
