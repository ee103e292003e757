"""`rotnem demo` at a small size, through the CLI's own entry: it runs through, its figures are
the database's, and its HTML page shows every message the fake Slack recorded, escaped."""

from __future__ import annotations

import re
import secrets
import sqlite3
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect

import bot.demo.run as demo_run
from bot.cli import main
from bot.db import create_engine
from bot.demo import html as html_page
from bot.demo.database import fresh_database
from bot.demo.options import DemoOptions
from bot.demo.output import DemoResult
from bot.demo.slacktext import Names, block_texts, plain
from tests.databases import (
    drop_postgres_database,
    postgres_url,
    require_postgres,
    run_sync,
    upgrade,
)


class Articles(HTMLParser):
    """The visible text of every message (`<article data-channel data-ts>`) and Home tab."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: dict[tuple[str, str], list[str]] = {}
        self.homes: dict[str, list[str]] = {}
        self._stack: list[tuple[str, list[str] | None]] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        found = dict(attrs)
        sink: list[str] | None = None
        if tag == "article" and "data-ts" in found:
            sink = self.texts.setdefault((str(found["data-channel"]), str(found["data-ts"])), [])
        elif "data-home" in found:
            sink = self.homes.setdefault(str(found["data-home"]), [])
        if tag in ("br", "div", "h3", "button", "time", "hr"):
            self.handle_data("\n")  # line and block breaks, as a browser shows them
        if tag not in ("br", "hr", "meta"):
            self._stack.append((tag, sink))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            opened, _ = self._stack.pop()
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, sink in self._stack:
            if sink is not None:
                sink.append(data)


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run of `rotnem demo --people 8 --weeks 2` (the module's tests read it)."""
    folder = tmp_path_factory.mktemp("demo")
    database = folder / "demo.db"
    fresh_database(f"sqlite:///{database}")  # the database of an earlier run, to be replaced
    page = folder / "demo.html"
    results: list[DemoResult] = []
    original = demo_run.run

    def keep(options: DemoOptions) -> DemoResult:
        results.append(original(options))
        return results[-1]

    patch = pytest.MonkeyPatch()
    patch.setattr(demo_run, "run", keep)
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(
                [
                    "demo",
                    "--people", "8",
                    "--weeks", "2",
                    "--seed", "7",
                    "--database", f"sqlite+aiosqlite:///{database}",
                    "--html", str(page),
                ]
            )  # fmt: skip
    finally:
        patch.undo()
    return {
        "code": code,
        "out": out.getvalue(),
        "err": err.getvalue(),
        "result": results[0] if results else None,
        "database": database,
        "page": page,
        "folder": folder,
    }


def figure(out: str, name: str) -> str:
    summary = out.split("\nSummary\n")[-1]
    match = re.search(rf"^\s*{re.escape(name)}: (.+)$", summary, re.MULTILINE)
    assert match, f"no {name!r} in the summary:\n{out[-2000:]}"
    return match.group(1)


def test_runs_through_and_writes_its_files(demo: dict[str, Any]) -> None:
    assert demo["code"] == 0, demo["err"]
    assert demo["err"] == ""
    out = demo["out"]
    assert "previous demo database was deleted" in out
    assert "types: /rotnem join" in out and "refuses it and shows" in out
    assert "Approve and introduce" in out and "#mentoring-announcements" in out
    assert "group DM" in out and "DM to" in out
    for kind in ("sessions", "pairs", "participants"):
        csv = demo["folder"] / f"demo-{kind}.csv"
        assert csv.exists() and csv.read_text().count("\n") >= 2, kind
    assert (demo["folder"] / "demo-transcript.txt").exists()


def test_summary_figures_are_the_databases(demo: dict[str, Any]) -> None:
    out = demo["out"]
    with sqlite3.connect(demo["database"]) as db:
        pairs = db.execute("SELECT count(*) FROM pairs").fetchone()[0]
        sessions = db.execute("SELECT count(*) FROM pair_sessions").fetchone()[0]
        prompted, met = db.execute(
            "SELECT count(*), count(s.id) FROM weekly_prompts w LEFT JOIN pair_sessions s"
            " ON s.pair_id = w.pair_id AND s.iso_week = w.iso_week"
            " WHERE w.prompt_id IS NOT NULL"
        ).fetchone()
        ratings = [r for (r,) in db.execute("SELECT rating FROM session_reports")]
        joined = db.execute("SELECT count(*) FROM participants").fetchone()[0]
        covering = db.execute(
            "SELECT tool_name, count(DISTINCT session_id) FROM session_reports"
            " WHERE tool_name IS NOT NULL GROUP BY tool_name ORDER BY 2 DESC, 1 LIMIT 5"
        ).fetchall()
    assert pairs >= 2 and sessions >= 1 and ratings and covering
    assert figure(out, "Pairs made") == str(pairs)
    assert figure(out, "Sessions") == str(sessions)
    assert (
        figure(out, "Meet rate")
        == f"{met / prompted:.0%} ({met} of {prompted} prompted pair-weeks met)"
    )
    average = sum(ratings) / len(ratings)
    assert figure(out, "Usefulness") == f"{average:.1f} / 5 from {len(ratings)} report(s)"
    assert figure(out, "Sessions covering each tool") == ", ".join(
        f"{name} ({n})" for name, n in covering
    )
    assert figure(out, "People").startswith(f"8, of whom {joined} joined")
    participants = re.fullmatch(r"(\d+) \((.*)\)", figure(out, "Participants"))
    assert participants, "the total, then its parts"
    total, parts = participants.groups()
    split = [int(part.split()[0]) for part in parts.split("; ")[0].split(", ")]
    assert len(split) == 4 and sum(split) == int(total)
    result = demo["result"]
    assert result is not None
    calls = result.driver.slack.calls()
    assert figure(out, "Slack calls made").startswith(f"{len(calls)} (")
    assert figure(out, "429s handled") == str(sum(1 for c in calls if c.status == 429))


def test_html_parses_and_shows_every_recorded_message(demo: dict[str, Any]) -> None:
    result = demo["result"]
    raw = demo["page"].read_text(encoding="utf-8")
    parser = Articles()
    parser.feed(raw)
    parser.close()
    assert "script" not in parser.tags and "<script" not in raw
    assert "http://" not in raw.replace("http://127.0.0.1", "") or "src=" not in raw
    messages = result.messages
    assert len(messages) >= 10
    names: Names = result.names
    for message in messages:
        key = (message["channel"], message["ts"])
        assert key in parser.texts, f"message {key} is missing from the page"
        shown = squeeze("".join(parser.texts[key]))
        expected = [
            text for block in message.get("blocks") or [] for text in block_texts(block, names)
        ] or [plain(message.get("text") or "", names)]
        for text in expected:
            assert squeeze(text) in shown, f"{text!r} not shown for {key}"
    assert len(parser.texts) == len(messages)
    assert len(parser.homes) == 3  # two participants and the admin


def test_the_page_escapes_what_slack_text_contains() -> None:
    names = Names(users={"U1": "Ana <b>&"}, channels={})
    message = {
        "channel": "D1",
        "ts": "1.000001",
        "text": "x",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "*hi* <@U1> &lt;script&gt;"}},
            {"type": "context", "elements": [{"type": "plain_text", "text": "<img src=x>"}]},
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": '"Go" & <b>'}}
                ],
            },
        ],
    }
    out = html_page.message_html(message, names, when=None, bot_name="rotnem")
    assert "<script>" not in out and "<img" not in out and "<b>&" not in out
    assert "&lt;script&gt;" in out and "&lt;img src=x&gt;" in out
    assert "<b>hi</b>" in out and "@Ana &lt;b&gt;&amp;" in out
    assert "disabled>&quot;Go&quot; &amp; &lt;b&gt;</button>" in out


def test_usage_errors_exit_2_and_bot_errors_exit_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["demo", "--people", "1"])
    assert usage.value.code == 2
    capsys.readouterr()
    code = main(["demo", "--database", "sqlite+aiosqlite:///:memory:"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("rotnem demo failed:") and err.count("\n") == 1
    assert "Traceback" not in err


def test_refuses_a_database_it_did_not_create_and_leaves_it_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"someone's notes")
    bot_database = tmp_path / "rotnem.db"
    upgrade(f"sqlite+aiosqlite:///{bot_database}")
    before = bot_database.read_bytes()
    for file in (notes, bot_database):
        code = main(["demo", "--database", f"sqlite:///{file}"])
        err = capsys.readouterr().err
        assert code == 2
        assert err.startswith(f"rotnem demo refused: --database {file} holds data rotnem demo did")
        assert err.count("\n") == 1
    assert notes.read_bytes() == b"someone's notes" and bot_database.read_bytes() == before


def run_demo(database_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """A small `rotnem demo` on `database_url`; its summary without the run time."""
    args = ["--people", "4", "--weeks", "1", "--transcript", "none", "--database", database_url]
    code = main(["demo", *args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out.split("\nSummary\n")[1].split("\n  Run time:")[0]


def test_on_postgresql_it_creates_its_database_and_starts_afresh_each_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    require_postgres()
    monkeypatch.chdir(tmp_path)  # the CSV files go to the current folder
    name = f"rotnem_demo_{secrets.token_hex(4)}"
    url = postgres_url(name)
    try:
        first = run_demo(url, capsys)
        second = run_demo(url, capsys)
    finally:
        drop_postgres_database(name)
    assert "Sessions held" in first and "Outbox:" in first
    assert second == first, "a second run starts from nothing, so it tells the same story"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_refuses_a_postgresql_database_with_other_tables(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["demo", "--database", database_url])
    err = capsys.readouterr().err
    assert code == 2 and "holds data rotnem demo did not create" in err, err
    assert err.count("\n") == 1
    engine = create_engine(database_url)

    async def tables() -> list[str]:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: inspect(c).get_table_names())
        await engine.dispose()
        return names

    assert "participants" in run_sync(tables), "left as it was"
