"""HR's program commands: the stats figures on a known data set, the settings modal and its
log."""

from __future__ import annotations

from bot.ids import BlockId
from models import SettingsChange
from tests.factories import ADMIN_ID, Program, known_program


async def test_stats_figures_on_a_known_data_set(program: Program) -> None:
    await known_program(program)
    await program.stalls()  # at-risk pairs are the stalls the stall job found
    await program.command("admin stats")
    (answer,) = await program.answers(1)
    text = answer["text"]
    assert "Guides: 0 active" not in text and "Guides: 3 active, 0 paused, 0 left" in text
    assert "Learners: 3 active, 0 paused, 0 left" in text
    assert "Active pairs: 3" in text
    assert "Sessions this cycle (since 23 Nov 2026): 2" in text
    assert "33% (1 of 3 pairs met in the last 2 weeks)" in text
    assert "guides 4.0/5, learners 3.5/5" in text
    assert "ChatGPT (2), LinkedIn (1)" in text
    assert "At-risk pairs: 1" in text and "<@U0GC>" in str(answer["blocks"])
    assert "PRIVATE-NOTE" not in str(answer)


async def test_settings_modal_refuses_bad_values_by_field_and_logs_changes(
    program: Program,
) -> None:
    await program.command("admin settings")
    await program.slack.wait_for("views.open", 1)
    view = program.slack.open_views(ADMIN_ID)[-1]
    answers: dict[str, str] = {
        BlockId.SETTINGS_CYCLE_WEEKS: "12",
        BlockId.SETTINGS_NUDGE_DAY: "1",
        BlockId.SETTINGS_NUDGE_HOUR: "9",
        BlockId.SETTINGS_CHECKIN_DELAY: "3",
        BlockId.SETTINGS_STALL_WEEKS: "0",
        BlockId.SETTINGS_TZ: "prefer_close",
        BlockId.SETTINGS_AUTO: "no",
        BlockId.SETTINGS_ANONYMITY_K: "5",
    }
    bad = await program.bot.requester.submit_view(view=view, user_id=ADMIN_ID, answers=answers)
    errors = bad.json()["errors"]
    assert (
        list(errors) == [BlockId.SETTINGS_STALL_WEEKS]
        and "Stall alert" in errors[BlockId.SETTINGS_STALL_WEEKS]
    )
    answers[BlockId.SETTINGS_STALL_WEEKS] = "4"
    ok = await program.bot.requester.submit_view(view=view, user_id=ADMIN_ID, answers=answers)
    assert ok.status_code == 200 and ok.text in ("", "null")
    changes = await program.rows(SettingsChange)
    assert sorted((c.field, c.old_value, c.new_value, c.actor_id) for c in changes) == [
        ("nudge_hour", "10", "9", ADMIN_ID),
        ("nudge_weekday", "0", "1", ADMIN_ID),
        ("stall_weeks", "3", "4", ADMIN_ID),
    ]
    await program.slack.wait_for("chat.postMessage", 1)
    assert "Monday → Tuesday" in str(program.dm(ADMIN_ID)[-1]["blocks"])
    # A non-admin cannot open it.
    await program.command("admin settings", user="U0NOBODY1")
    assert len(program.slack.open_views()) == 1
