"""`/rotnem admin report` over signed HTTP on both databases: the DM with the figures and its
uploaded charts (real PNGs, each with its figures as alt text), the refusal for non-admins,
the empty program, and the anonymity threshold changed through the settings modal."""

from __future__ import annotations

from typing import Any

from bot.ids import BlockId
from models import ParticipantTool, SettingsChange
from tests.factories import (
    ADMIN_ID,
    BOTH_BACKENDS,
    JSON,
    LEARNING_LEARNERS,
    SETTINGS_AS_OPENED,
    Program,
    learning_program,
    participant_ids,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHARTS = {
    "rotnem-report-confidence.png",
    "rotnem-report-meetings.png",
    "rotnem-report-fit.png",
    "rotnem-report-surveys.png",
    "rotnem-report-two-way.png",
    "rotnem-report-learned.png",
    "rotnem-report-skills-gap.png",
}


async def _report(program: Program, user: str = ADMIN_ID) -> tuple[str, JSON]:
    """Ask for the report; the command's own answer and the admin's last answer after it."""
    before = len(program.slack.ephemerals(user))
    response = await program.command("admin report", user=user)
    assert response.status_code == 200
    answers = await program.answers(before + 1, user=user)
    return str(response.json()["text"]), answers[-1]


def _text(message: JSON) -> str:
    """What the message shows: its blocks' text (and the fallback)."""

    def walk(node: Any) -> str:
        if isinstance(node, dict):
            return " ".join(walk(v) for k, v in node.items() if k in ("text", "elements", "fields"))
        if isinstance(node, list):
            return " ".join(walk(v) for v in node)
        return str(node)

    return walk(message.get("blocks", [])) + "\n" + str(message["text"])


@BOTH_BACKENDS
async def test_the_report_dm_has_the_figures_and_charts_with_text_fallbacks(
    program: Program,
) -> None:
    await learning_program(program)
    ack, answer = await _report(program)
    assert "Preparing the program report" in ack
    assert answer["text"] == "Sent the program report to our DM (7 charts)."
    (dm,) = program.dm(ADMIN_ID)
    shown = _text(dm)
    for figure in (
        "Participants: 10 (10 in a pair, 0 waitlisted, 0 not yet matched, 0 paused)",
        "Sessions this cycle (since 23 Nov 2026): 5; meet rate 100% (5 of 5 prompted "
        "pair-weeks met)",
        "Confidence before → now: 1.5 → 4 (median, 5 learners)",
        "• ChatGPT: 2 (1–2) → 4 (4–4), 5 learners",
        "• Excel formulas: fewer than 5 learners",
        "Asked 10, answered 10: good fit 7, still deciding 2, not a good fit 1.",
        "Mid-cycle survey: 6 answered, usefulness 4.3 / 5, 83% would recommend it.",
        "End-of-cycle survey: fewer than 5 answers.",
        "60%: 3 of this cycle's 5 sessions with a reported direction went both ways",
        "Tools learned (teach-backs): 5, by 5 learners.",
        "Still using: 80% (4 of 5 follow-ups answered yes or sometimes).",
        "5 people want Power BI; no guide teaches it — recruit one.",
        "Meet rate: pair-weeks in which the pair reported a session",  # the footer
    ):
        assert figure in shown, figure
    # HR sees aggregates only: nobody is named.
    assert not any(user in shown or f"{user} L" in shown for user in LEARNING_LEARNERS)
    files = program.slack.files()
    assert {f.name for f in files} == CHARTS
    assert all(f.content.startswith(PNG_SIGNATURE) for f in files)
    assert {f.channel_id for f in files} == {program.slack.dm_channel(ADMIN_ID)}
    alt = {f.name: f.alt_txt or "" for f in files}
    assert "5 people want Power BI; no guide teaches it" in alt["rotnem-report-skills-gap.png"]
    assert "good fit 7, still deciding 2, not a good fit 1" in alt["rotnem-report-fit.png"]
    assert "• ChatGPT: 2 (1–2) → 4 (4–4)" in alt["rotnem-report-confidence.png"]
    # Nothing reached a channel.
    reports = [m for m in program.slack.messages() if "program report" in m["text"]]
    assert [m["channel"] for m in reports] == [program.slack.dm_channel(ADMIN_ID)]


@BOTH_BACKENDS
async def test_a_non_admin_is_refused_and_gets_nothing(program: Program) -> None:
    await learning_program(program)
    response = await program.command("admin report", user="U0NOBODY1")
    assert "admin" in response.json()["text"].lower()
    assert program.slack.count("files.getUploadURLExternal") == 0
    assert program.dm("U0NOBODY1") == [] and program.dm(ADMIN_ID) == []


@BOTH_BACKENDS
async def test_an_empty_program_says_what_the_report_will_show_and_when(program: Program) -> None:
    _, answer = await _report(program)
    assert answer["text"] == "Sent the program report to our DM."
    (dm,) = program.dm(ADMIN_ID)
    shown = _text(dm)
    assert "No data yet. Here is what this report will show, and when." in shown
    assert "After the first sessions are reported" in shown
    assert (
        "The mid-cycle survey" not in shown
        and "it goes out in week 6 of the 12-week cycle" in shown
    )
    assert program.slack.files() == []


@BOTH_BACKENDS
async def test_anonymity_threshold_set_in_the_settings_modal(program: Program) -> None:
    await learning_program(program)
    await program.command("admin settings")
    await program.slack.wait_for("views.open", 1)
    view = program.slack.open_views(ADMIN_ID)[-1]
    answers = {**SETTINGS_AS_OPENED, BlockId.SETTINGS_ANONYMITY_K: "1"}
    bad = await program.bot.requester.submit_view(view=view, user_id=ADMIN_ID, answers=answers)
    assert bad.json()["errors"] == {
        BlockId.SETTINGS_ANONYMITY_K: "Anonymity threshold: enter a whole number from 2 to 50."
    }
    answers[BlockId.SETTINGS_ANONYMITY_K] = "3"
    ok = await program.bot.requester.submit_view(view=view, user_id=ADMIN_ID, answers=answers)
    assert ok.status_code == 200 and ok.text in ("", "null")
    changes = await program.rows(SettingsChange)
    assert [(c.field, c.old_value, c.new_value) for c in changes] == [("anonymity_k", "5", "3")]
    await _report(program)
    report = next(m for m in program.dm(ADMIN_ID) if "program report" in m["text"])
    shown = _text(report)
    assert "• Excel formulas: 1 (1–1.5) → 4 (3.5–4), 3 learners" in shown
    assert "End-of-cycle survey: 3 answered" in shown
    assert "fewer than 3 learners" not in shown and "fewer than 3 answers" not in shown


async def test_charts_that_fail_to_upload_are_explained(program: Program) -> None:
    await learning_program(program)
    program.slack.fail("files.getUploadURLExternal", error="file_uploads_disabled")
    _, answer = await _report(program)
    assert "charts could not be uploaded (file_uploads_disabled)" in answer["text"]
    assert len(program.dm(ADMIN_ID)) == 1  # the figures arrived anyway


async def test_tools_people_typed_with_dollar_signs_are_charted_as_typed(program: Program) -> None:
    await learning_program(program)
    async with program.bot.deps.sessionmaker.begin() as session:
        ids = await participant_ids(session)
        for typed in ("$$ pricing", "Excel $A$1 refs"):  # matplotlib would read these as math
            session.add(
                ParticipantTool(
                    participant_id=ids[LEARNING_LEARNERS[0]], direction="learn", other_name=typed
                )
            )
    _ack, answer = await _report(program)
    assert answer["text"] == "Sent the program report to our DM (7 charts)."
    (dm,) = program.dm(ADMIN_ID)
    assert "$$ pricing" in _text(dm)
    (gap,) = [f for f in program.slack.files() if f.name == "rotnem-report-skills-gap.png"]
    assert gap.content.startswith(PNG_SIGNATURE) and "$$ pricing" in (gap.alt_txt or "")
