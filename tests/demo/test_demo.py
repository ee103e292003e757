"""`rotnem demo` at a small size, through the CLI's own entry: it runs through, its figures are
the database's, and its HTML page shows every message the fake Slack recorded, escaped."""

from __future__ import annotations

import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import bot.demo.run as demo_run
from bot.cli import main
from bot.demo import html as html_page
from bot.demo.options import DemoOptions
from bot.demo.output import DemoResult
from bot.demo.slacktext import Names, block_texts, plain


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
    database.write_bytes(b"an old demo database that must be replaced")
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
        prompted = db.execute(
            "SELECT count(*) FROM weekly_prompts WHERE skipped_reason IS NULL"
        ).fetchone()[0]
        ratings = [r for (r,) in db.execute("SELECT rating FROM session_reports")]
        joined = db.execute("SELECT count(*) FROM participants").fetchone()[0]
    assert pairs >= 2 and sessions >= 1 and ratings
    assert figure(out, "Pairs made") == str(pairs)
    assert figure(out, "Sessions held") == f"{sessions} in {prompted} pair-week(s) prompted"
    assert figure(out, "Meet rate") == f"{sessions / prompted:.0%}"
    average = sum(ratings) / len(ratings)
    assert figure(out, "Average rating") == f"{average:.1f} / 5 from {len(ratings)} report(s)"
    assert figure(out, "People").startswith(f"8, of whom {joined} joined")
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
