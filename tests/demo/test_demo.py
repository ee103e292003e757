"""`rotnem demo` at a small size, through the CLI's own entry: it runs through, its figures are
the database's, and its HTML page shows every message the fake Slack recorded, HR's screens,
times on each reader's clock, and links that land, at any width."""

from __future__ import annotations

import contextlib
import io
import json
import re
import secrets
import sqlite3
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
from bot.sandbox.fake_slack.router import UPLOAD_METHOD
from tests.databases import (
    drop_postgres_database,
    postgres_url,
    require_postgres,
    run_sync,
    upgrade,
)
from tests.demo.html_tree import Node, parse


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
    # Web API calls: a file's bytes sent to its upload URL are not one.
    calls = [c for c in result.driver.slack.calls() if c.method != UPLOAD_METHOD]
    assert figure(out, "Slack calls made").startswith(f"{len(calls)} (")
    assert figure(out, "429s handled") == str(sum(1 for c in calls if c.status == 429))


@pytest.fixture(scope="module")
def page(demo: dict[str, Any]) -> Node:
    return parse(demo["page"].read_text(encoding="utf-8"))


def articles(tree: Node) -> dict[tuple[str, str], Node]:
    """The bot's messages by (channel, ts)."""
    return {
        (n.attrs["data-channel"], n.attrs["data-ts"]): n
        for n in tree.find_all(lambda n: n.tag == "article" and "data-ts" in n.attrs)
    }


def test_html_shows_every_recorded_message_and_nothing_from_outside(
    demo: dict[str, Any], page: Node
) -> None:
    result = demo["result"]
    raw = demo["page"].read_text(encoding="utf-8")
    assert "<script" not in raw and "<link" not in raw and "url(" not in raw
    for attribute in re.findall(r'(?:src|href)="([^"]*)"', raw):
        assert attribute.startswith(("#", "data:")), attribute
    shown = articles(page)
    messages = result.messages
    assert len(messages) >= 10 and len(shown) == len(messages)
    names: Names = result.names
    for message in messages:
        key = (message["channel"], message["ts"])
        assert key in shown, f"message {key} is missing from the page"
        text = shown[key].text()
        expected = [
            text for block in message.get("blocks") or [] for text in block_texts(block, names)
        ] or [plain(message.get("text") or "", names)]
        for piece in expected:
            assert squeeze(piece) in text, f"{piece!r} not shown for {key}"
    assert len(page.find_all(lambda n: "data-home" in n.attrs)) == 3  # two people and HR


def test_hr_screens_show_proposal_approval_and_stats_in_order(
    demo: dict[str, Any], page: Node
) -> None:
    result = demo["result"]
    [admin] = result.hr
    [hr] = page.by_class("hr", "section")
    assert hr.attrs["id"] == f"c-{result.driver.dm_channel(admin)}"
    text = hr.text()
    steps = [
        "Tomoko Adeyemi typed /rotnem admin pair",
        "Pairing proposal",
        "can teach",  # the reasons of each pair
        "Without a partner",
        "✓ Answered: Tomoko Adeyemi clicked “Approve and introduce”",
        "Tomoko Adeyemi clicked “Approve and introduce”",
        "Round approved by @Tomoko Adeyemi",
        "Tomoko Adeyemi typed /rotnem admin stats",
        "program stats",
    ]
    where = [text.find(step) for step in steps]
    assert -1 not in where and where == sorted(where), list(zip(steps, where, strict=True))
    assert text.count("Only Tomoko Adeyemi sees this") >= 3
    [proposal] = [a for a in hr.find_all(lambda n: n.tag == "article") if "Pairing" in a.text()]
    buttons = proposal.find_all(lambda n: n.tag == "button")
    assert buttons and all("answered" in b.classes for b in buttons)


def test_program_figures_are_apart_from_the_technical_ones(page: Node) -> None:
    [figures] = page.find_all(lambda n: n.attrs.get("id") == "summary")
    [hood] = page.find_all(lambda n: n.attrs.get("id") == "under-the-hood")
    technical = ("Slack calls made", "429s handled", "Outbox", "Run time")
    assert all(name in hood.text() for name in technical)
    assert not any(name in figures.text() for name in technical)
    assert "Meet rate" in figures.text() and "Pairs made" in figures.text()


def test_times_are_on_the_readers_clock_and_no_iso_weeks(demo: dict[str, Any], page: Node) -> None:
    result = demo["result"]
    posted = {(m.channel, m.ts): m for ms in result.driver.messages.values() for m in ms.values()}
    places = result.places
    checked = 0
    for (channel, ts), article in articles(page).items():
        [time] = article.find_all(lambda n: n.tag == "time")
        readers = places.people(channel)
        zones = {result.zones[u] for u in readers} or {result.program_zone}
        if len(zones) == 1:
            [zone] = zones
            expected = html_page.local_time(posted[(channel, ts)].posted_at, zone)
            assert time.text() == expected
            assert re.fullmatch(r"\w{3} \d{1,2} \w{3}, \d\d:\d\d \([\w/]+\)", expected)
            checked += 1
        else:
            assert all(f"({zone})" in time.text() for zone in zones)
    assert checked >= 5
    for text in (demo["page"].read_text(encoding="utf-8"), demo["out"]):
        assert not re.search(r"\b\d{4}-W\d\d\b", text)


def test_sidebar_links_land_on_open_sections_and_fold_at_phone_width(
    demo: dict[str, Any], page: Node
) -> None:
    raw = demo["page"].read_text(encoding="utf-8")
    ids = [n.attrs["id"] for n in page.walk() if "id" in n.attrs]
    assert len(ids) == len(set(ids))
    targets = {n.attrs["id"]: n for n in page.walk() if "id" in n.attrs}
    [nav] = page.find_all(lambda n: n.tag == "nav")
    links = [a.attrs["href"] for a in nav.find_all(lambda n: n.tag == "a")]
    assert len(links) >= 15
    for link in links:
        assert link.startswith("#") and link[1:] in targets, link
        target = targets[link[1:]]
        folded = [d for d in target.ancestors() if d.tag == "details" and "open" not in d.attrs]
        assert not folded, f"{link} lands inside a folded section"
    assert 'name="viewport" content="width=device-width' in raw
    phone = re.search(r"@media \(max-width:(\d+)px\)\{(.*?)\n\}", raw, re.DOTALL)
    assert phone and int(phone.group(1)) >= 600
    rules = phone.group(2)
    assert "nav{display:none" in rules and ".toc-toggle:checked~main>nav{display:block}" in rules
    assert "main{display:block" in rules
    [toggle] = page.find_all(lambda n: n.tag == "label" and n.attrs.get("for") == "toc")
    assert toggle.text() == "☰ Contents"


def test_group_dms_are_named_guide_first(demo: dict[str, Any], page: Node) -> None:
    result = demo["result"]
    with sqlite3.connect(demo["database"]) as db:
        guides = dict(
            db.execute(
                "SELECT pairs.group_channel_id, participants.user_id FROM pairs "
                "JOIN participants ON participants.id = pairs.guide_id"
            ).fetchall()
        )
    titles = {
        s.attrs["id"][2:]: s.find_all(lambda n: n.tag == "summary")[0].text()
        for s in page.find_all(lambda n: n.tag == "section" and n.attrs.get("id", "")[:2] == "c-")
    }
    assert len(guides) >= 2
    for channel, guide in guides.items():
        first = result.names.user(guide).split(" ")[0]
        assert titles[channel].startswith(f"group DM {first} + "), titles[channel]
    assert f"group DM {result.names.user(guide).split(' ')[0]} + " in demo["out"]


# The same texts in French (bot/locales/fr) and English: the introduction's heading, a weekly
# prompt's heading, the check-in's question, and its "We met" button.
FRENCH = ("Comment ça marche", "Cette semaine", "Avez-vous pu rencontrer", "On s'est vus")
ENGLISH = ("How this works", "This week", "Did you and", "We met")


def said_in(result: DemoResult, channel: str) -> str:
    """Everything the bot wrote in ``channel``, its blocks' text included."""
    return "\n".join(
        event.text + json.dumps(event.blocks, ensure_ascii=False)
        for event in result.driver.events
        if event.kind == "message" and event.channel == channel
    )


def test_one_pair_reads_rotnem_in_french_from_introduction_to_check_in(
    demo: dict[str, Any],
) -> None:
    result: DemoResult = demo["result"]
    driver = result.driver
    french = {user for user in result.zones if driver.language(user) == "fr"}
    assert len(french) == 2, "one guide and their learner read Slack in French"
    groups = {channel: set(members) for channel, members in result.places.members.items()}
    [ours] = [channel for channel, members in groups.items() if members == french]
    theirs = next(channel for channel, members in groups.items() if not members & french)
    intro, prompt, question, met = FRENCH
    group = said_in(result, ours)
    assert intro in group and prompt in group, group[:600]
    english = said_in(result, theirs)
    assert ENGLISH[0] in english and ENGLISH[1] in english
    assert intro not in english and prompt not in english
    for user in french:
        dm = said_in(result, driver.dm_channel(user))
        assert question in dm and ENGLISH[2] not in dm
        # They answer like everyone else, on the buttons they read.
        clicks = [e.text for e in driver.events if e.kind == "click" and e.user == user]
        assert any(met in text for text in clicks), clicks
    for user in groups[theirs]:
        assert ENGLISH[2] in said_in(result, driver.dm_channel(user))
    assert figure(demo["out"], "Languages") == "1 pair reads Rotnem in French"
    # The story transcript shows their conversation in full, in French.
    assert intro in demo["out"] and question in demo["out"]


def test_with_locale_en_nobody_reads_french(tmp_path: Path) -> None:
    database = tmp_path / "english.db"
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(
            [
                "demo",
                "--people", "8",
                "--weeks", "1",
                "--locale", "en",
                "--transcript", "full",
                "--database", f"sqlite+aiosqlite:///{database}",
            ]
        )  # fmt: skip
    assert code == 0, err.getvalue()
    text = out.getvalue()
    assert ENGLISH[0] in text and ENGLISH[2] in text
    assert not [word for word in (*FRENCH, "Rejoindre Rotnem") if word in text]
    assert "Languages:" not in text


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
    assert "Meet rate" in first and "Outbox:" in first
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
