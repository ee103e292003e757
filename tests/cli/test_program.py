"""HR's CSV exports: `rotnem export` as an operator runs it (in this process, as a fresh one
would run it) and `/rotnem admin export`, parsed back."""

from __future__ import annotations

import asyncio
import csv
import io
import os
from datetime import datetime
from pathlib import Path

from bot.services.program.exports import PAIR_COLUMNS, SESSION_COLUMNS
from tests.factories import Program, known_program, run_cli


async def test_csv_exports_parse_back_with_exactly_the_expected_rows(
    program: Program, tmp_path: Path
) -> None:
    pairs = await known_program(program)
    out = tmp_path / "sessions.csv"
    result = await run_cli(
        program, tmp_path, "export", "sessions", "--format", "csv", "--output", str(out)
    )
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0].keys()) == SESSION_COLUMNS
    # One row per session, both partners' reports side by side.
    assert [
        (r["pair_id"], r["week"], r["tools"], r["guide_rating"], r["learner_rating"]) for r in rows
    ] == [
        (str(pairs["A"]), "2026-W51", "ChatGPT", "4", "2"),
        (str(pairs["B"]), "2026-W48", "LinkedIn", "", "5"),
    ]
    assert rows[0]["session_date"] == "2026-12-14"
    assert [r["learner_note_to_hr (PRIVATE)"] for r in rows] == ["PRIVATE-NOTE", "PRIVATE-NOTE"]
    assert [r["guide_note_to_hr (PRIVATE)"] for r in rows] == ["", ""]
    result = await run_cli(program, tmp_path, "export", "pairs")
    assert result.returncode == 0, result.stderr
    pair_rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(pair_rows[0].keys()) == PAIR_COLUMNS
    assert [(r["pair_id"], r["sessions"], r["last_session_week"]) for r in pair_rows] == [
        (str(pairs["A"]), "1", "2026-W51"),
        (str(pairs["B"]), "1", "2026-W48"),
        (str(pairs["C"]), "0", ""),
    ]
    assert "PRIVATE" not in result.stdout
    assert datetime.fromisoformat(pair_rows[0]["started_at"]).tzinfo is not None
    result = await run_cli(program, tmp_path, "export", "participants")
    people = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(p["user_id"] for p in people) == sorted(
        ["U0GA", "U0LA", "U0GB", "U0LB", "U0GC", "U0LC"]
    )
    assert "PRIVATE-NOTE" not in result.stdout
    # /rotnem admin export: the same files, uploaded to the admin's DM.
    await program.command("admin export")
    await program.slack.wait_for("files.completeUploadExternal", 1, timeout=10)
    files = program.slack.files()
    assert sorted(f.name.split("-")[1] for f in files) == [
        "changes",
        "outcomes",
        "pairs",
        "participants",
        "sessions",
    ]
    sessions_file = next(f for f in files if "sessions" in f.name)
    assert list(csv.reader(io.StringIO(sessions_file.content.decode("utf-8-sig"))))[1:] == [
        list(r.values()) for r in rows
    ]


async def test_an_output_that_cannot_be_written_is_one_line_and_exit_2(
    program: Program, tmp_path: Path
) -> None:
    await program.join("U0GA", "Gia", "guide", teaches=["ChatGPT"])
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() == 0:
        # Root writes anywhere it has a mode for; sysfs refuses new files to everyone.
        unwritable = Path("/sys/rotnem-export.csv")
    else:
        locked.chmod(0o500)
        unwritable = locked / "pairs.csv"
    bad = {
        str(tmp_path / "missing" / "pairs.csv"): "No such file or directory",
        str(tmp_path): "Is a directory",
        str(unwritable): "Permission denied",
    }
    results = await asyncio.gather(
        *(run_cli(program, tmp_path, "export", "pairs", "--output", path) for path in bad)
    )
    for (path, reason), result in zip(bad.items(), results, strict=True):
        assert result.returncode == 2, result.stderr
        assert result.stderr == f"Cannot write --output {path}: {reason}.\n"
        assert result.stdout == ""


async def test_export_names_the_programs_to_choose_from_and_exports_the_one_given(
    program: Program, tmp_path: Path
) -> None:
    await known_program(program)
    sprint = await program.new_program("AI sprint")
    await program.pair("U0SPRINTG1", "U0SPRINTL1", program=sprint)
    asked = await run_cli(program, tmp_path, "export", "pairs")
    assert asked.returncode != 0
    assert f"{program.team_id} (Reverse mentoring)" in asked.stderr
    assert f"{sprint} (AI sprint)" in asked.stderr
    result = await run_cli(program, tmp_path, "export", "pairs", "--team", sprint)
    assert result.returncode == 0, result.stderr
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 1
    missing = await run_cli(program, tmp_path, "export", "pairs", "--team", f"{program.team_id}~9")
    assert missing.returncode != 0 and "No program" in missing.stderr
