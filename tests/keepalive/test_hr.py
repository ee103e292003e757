"""HR's side: at-risk detection and its single alert with working buttons, the stats figures on
a known data set, CSV exports that parse back, the settings modal and its log."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime
from pathlib import Path

from bot.ids import ActionId, BlockId
from bot.services.program.exports import PAIR_COLUMNS, SESSION_COLUMNS
from models import SettingsChange, StallAlert
from tests.factories import (
    ADMIN_ID,
    BOTH_BACKENDS,
    Program,
    bare_environment,
    known_program,
    run_rotnem,
)


@BOTH_BACKENDS
async def test_stalled_pair_alerts_hr_once_and_the_buttons_work(program: Program) -> None:
    pairs = await known_program(program)
    await program.stalls()
    await program.stalls()
    (alert,) = await program.rows(StallAlert)
    assert alert.pair_id == pairs["C"] and alert.stall_started_week == "2026-W48"
    await program.deliver()
    (message,) = [m for m in program.dm(ADMIN_ID) if "no session" in m["text"]]
    assert "<@U0GC>" in message["text"] and "3 week(s)" in message["text"]
    assert "PRIVATE-NOTE" not in str(message)
    await program.click(message, ActionId.STALL_NUDGE, ADMIN_ID)
    await program.click(message, ActionId.STALL_NUDGE, ADMIN_ID)
    await asyncio.sleep(0.05)
    assert len(await program.outbox("stall_nudge")) == 1
    updated = [m for m in program.dm(ADMIN_ID) if "no session" in m["text"]][0]
    assert "friendly nudge" in str(updated["blocks"])
    await program.click(updated, ActionId.STALL_TALK, ADMIN_ID)
    talks = await program.outbox("stall_talk")
    assert sorted(tuple(t.open_users or ()) for t in talks) == [
        tuple(sorted((ADMIN_ID, "U0GC"))),
        tuple(sorted((ADMIN_ID, "U0LC"))),
    ]
    # Not an admin: refused.
    before = len(program.slack.responses())
    await program.click(updated, ActionId.STALL_TALK, "U0GA")
    await program.slack.wait_for("response_url", before + 1)
    assert "Only program admins" in program.slack.responses()[-1]["text"]


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


async def test_csv_exports_parse_back_with_exactly_the_expected_rows(
    program: Program, tmp_path: Path
) -> None:
    pairs = await known_program(program)
    env = bare_environment(DATABASE_URL=str(program.bot.deps.settings.database_url))
    out = tmp_path / "sessions.csv"
    result = await asyncio.to_thread(
        run_rotnem,
        "export",
        "sessions",
        "--format",
        "csv",
        "--output",
        str(out),
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0].keys()) == SESSION_COLUMNS
    assert [
        (r["pair_id"], r["week"], r["reported_by_user_id"], r["usefulness_1_to_5"]) for r in rows
    ] == [
        (str(pairs["A"]), "2026-W51", "U0GA", "4"),
        (str(pairs["A"]), "2026-W51", "U0LA", "2"),
        (str(pairs["B"]), "2026-W48", "U0LB", "5"),
    ]
    assert rows[0]["session_date"] == "2026-12-14"
    assert [r["note_to_hr (PRIVATE)"] for r in rows] == ["", "PRIVATE-NOTE", "PRIVATE-NOTE"]
    result = await asyncio.to_thread(run_rotnem, "export", "pairs", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    pair_rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(pair_rows[0].keys()) == PAIR_COLUMNS
    assert [(r["pair_id"], r["sessions_reported"], r["last_session_week"]) for r in pair_rows] == [
        (str(pairs["A"]), "1", "2026-W51"),
        (str(pairs["B"]), "1", "2026-W48"),
        (str(pairs["C"]), "0", ""),
    ]
    assert "PRIVATE" not in result.stdout
    assert datetime.fromisoformat(pair_rows[0]["started_at"]).tzinfo is not None
    result = await asyncio.to_thread(run_rotnem, "export", "participants", env=env, cwd=tmp_path)
    people = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(p["user_id"] for p in people) == sorted(
        ["U0GA", "U0LA", "U0GB", "U0LB", "U0GC", "U0LC"]
    )
    assert "PRIVATE-NOTE" not in result.stdout
    # /rotnem admin export: the same files, uploaded to the admin's DM.
    await program.command("admin export")
    await program.slack.wait_for("files.completeUploadExternal", 1, timeout=10)
    files = program.slack.files()
    assert sorted(f.name.split("-")[1] for f in files) == ["pairs", "participants", "sessions"]
    sessions_file = next(f for f in files if "sessions" in f.name)
    assert list(csv.reader(io.StringIO(sessions_file.content.decode())))[1:] == [
        list(r.values()) for r in rows
    ]


async def test_settings_modal_refuses_bad_values_by_field_and_logs_changes(
    program: Program,
) -> None:
    await program.command("admin settings")
    await program.slack.wait_for("views.open", 1)
    view = program.slack.open_views(ADMIN_ID)[-1]
    answers = {
        BlockId.SETTINGS_CYCLE_WEEKS: "12",
        BlockId.SETTINGS_NUDGE_DAY: "1",
        BlockId.SETTINGS_NUDGE_HOUR: "9",
        BlockId.SETTINGS_CHECKIN_DELAY: "3",
        BlockId.SETTINGS_STALL_WEEKS: "0",
        BlockId.SETTINGS_TZ: "prefer_close",
        BlockId.SETTINGS_AUTO: "no",
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
