"""`rotnem report --html` and `rotnem export outcomes` as an operator runs them, on the program's
database (in this process, as a fresh one would run them)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from bot.services.report.outcomes import COLUMNS, NOTE
from tests.factories import BOTH_BACKENDS, Program, learning_program, run_cli


@BOTH_BACKENDS
async def test_html_report_is_one_self_contained_page(program: Program, tmp_path: Path) -> None:
    await learning_program(program)
    out = tmp_path / "report.html"
    result = await run_cli(program, tmp_path, "report", "--html", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Wrote the program report to {out}.\n"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert len(re.findall(r'<img src="data:image/png;base64,', page)) == 7
    # No external asset: nothing loaded from a URL (scripts, styles, images, fonts).
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "url(" not in page and "@import" not in page
    assert "5 people want Power BI; no guide teaches it — recruit one." in page
    assert "<li>Excel formulas: fewer than 5 learners</li>" in page
    assert "Definitions" in page and "Two-way share:" in page
    bad = await run_cli(program, tmp_path, "report", "--html", str(tmp_path / "no" / "r.html"))
    assert bad.returncode == 2
    assert "Cannot write --html" in bad.stderr and "No such file or directory" in bad.stderr


@BOTH_BACKENDS
async def test_outcomes_export_has_a_row_per_person_and_tool(
    program: Program, tmp_path: Path
) -> None:
    await learning_program(program)
    result = await run_cli(program, tmp_path, "export", "outcomes")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == NOTE and "HR's own data export of individuals" in lines[0]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    assert tuple(rows[0]) == COLUMNS
    assert [
        (
            r["user_id"],
            r["tool"],
            r["baseline_confidence_1_to_5"],
            r["latest_confidence_1_to_5"],
            r["final_confidence_1_to_5"],
            r["learned_teach_back"],
            r["learned_on"],
            r["still_using"],
        )
        for r in rows
    ] == [
        ("U0RL1", "ChatGPT", "1", "4", "", "yes", "2026-12-03", "yes"),
        ("U0RL1", "Excel formulas", "1", "3", "3", "", "", ""),
        ("U0RL2", "ChatGPT", "2", "4", "", "yes", "2026-12-03", "yes"),
        ("U0RL2", "Excel formulas", "1", "4", "4", "", "", ""),
        ("U0RL3", "ChatGPT", "2", "3", "", "yes", "2026-12-03", "sometimes"),
        ("U0RL3", "Excel formulas", "2", "4", "4", "", "", ""),
        ("U0RL4", "ChatGPT", "1", "5", "", "yes", "2026-12-03", "no"),
        ("U0RL5", "ChatGPT", "3", "4", "", "yes", "2026-12-03", "yes"),
    ]
    assert rows[0]["name"] == "U0RL1 L" and rows[0]["still_using_answered_on"] == "2026-12-04"
