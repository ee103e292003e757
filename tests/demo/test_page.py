"""The demo page by value, from what a fake Slack recorded: files the bot uploaded are shown
inline, a message whose buttons were used is shown answered, times are on the reader's clock,
text is escaped, and the page needs nothing outside itself."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient

from bot.demo import html as html_page
from bot.demo.conversations import Click, Entry, conversations
from bot.demo.html_blocks import Render
from bot.demo.slacktext import Names
from bot.demo.transcript import Places
from bot.sandbox.driver import SlackDriver
from bot.sandbox.fake_slack import DEFAULT_TOKEN, FakeSlack
from bot.sandbox.signing import SlackRequester
from tests.demo.html_tree import Node, parse

HR, GUIDE, LEARNER = "UHR00001", "UGD00001", "ULN00001"
ZONES = {HR: "Europe/Berlin", GUIDE: "America/New_York", LEARNER: "Asia/Tokyo"}
NAMES = Names(
    users={HR: "Hana Ito", GUIDE: "Gus Okafor", LEARNER: "Lena Berg"}, channels={"C1": "mentoring"}
)
# A PNG's signature and a little more: enough for the page to know it is one.
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))
MONDAY = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        for user, zone in ZONES.items():
            fake.add_user(user, real_name=NAMES.user(user), tz=zone)
        yield fake


def build_page(slack: FakeSlack, driver: SlackDriver, group: str | None = None) -> Node:
    """The page of what ``slack`` recorded, with HR's DM and (optionally) a pair's group DM."""
    driver.sync()
    dm_of = {driver.dm_channel(user): user for user in ZONES}
    members = {group: (LEARNER, GUIDE)} if group else {}
    places = Places(NAMES, members, dm_of, guides={group: GUIDE} if group else {})
    files = slack.files()
    render = Render(NAMES, {f.id: f for f in files})
    raw = html_page.page(
        title="t",
        intro="i",
        figures=[("Pairs made", "1")],
        under_the_hood=[("Run time", "1.0 s")],
        conversations=conversations(driver, slack.messages(), files, places),
        homes=[],
        hr=[HR],
        render=render,
        clocks=html_page.Clocks(ZONES, "Europe/London", render),
    )
    assert_self_contained(raw)
    return parse(raw)


def assert_self_contained(raw: str) -> None:
    assert "<script" not in raw and "<link" not in raw and "@import" not in raw
    assert "url(" not in raw
    for attribute in re.findall(r'(?:src|href)="([^"]*)"', raw):
        assert attribute.startswith(("#", "data:")), attribute


def driver_for(slack: FakeSlack) -> SlackDriver:
    # Only what the fake recorded is read: the requester never sends anything here.
    requester = SlackRequester("http://127.0.0.1:9", "secret", slack=slack)
    return SlackDriver(slack, requester, now=lambda: MONDAY)


def test_files_uploaded_to_hr_are_shown_inline_in_hrs_screens(slack: FakeSlack) -> None:
    driver = driver_for(slack)
    client = WebClient(token=DEFAULT_TOKEN, base_url=slack.api_url)
    dm = driver.dm_channel(HR)
    upload = client.files_upload_v2(
        channel=dm,
        content=PNG,
        filename="meet-rate.png",
        title="Meet rate per week",
        initial_comment="Your *program report*",
    )
    chart = upload["files"][0]["id"]
    client.files_upload_v2(channel=dm, content=b"person,tool\n", filename="outcomes.csv")
    client.chat_postMessage(
        channel=dm,
        text="Charts",
        blocks=[
            {"type": "image", "slack_file": {"id": chart}, "alt_text": "Meet rate: 80 %"},
            {"type": "image", "image_url": "https://example.com/x.png", "alt_text": "External"},
        ],
    )
    tree = build_page(slack, driver)
    [hr] = [s for s in tree.by_class("hr", "section") if s.attrs.get("id") == f"c-{dm}"]
    inline = f"data:image/png;base64,{base64.b64encode(PNG).decode()}"
    images = hr.find_all(lambda n: n.tag == "img")
    assert [i.attrs["src"] for i in images] == [inline, inline]
    assert [i.attrs["alt"] for i in images] == ["Meet rate per week", "Meet rate: 80 %"]
    text = hr.text()
    assert "Meet rate per week" in text and "Your program report" in text
    assert "[image: External]" in text, "an outside image is named, never fetched"
    [download] = hr.find_all(lambda n: n.tag == "a" and "download" in n.attrs)
    assert download.attrs["download"] == "outcomes.csv"
    assert download.attrs["href"].endswith(base64.b64encode(b"person,tool\n").decode())


def test_a_message_whose_buttons_were_used_is_shown_answered() -> None:
    blocks = (
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Pairing proposal*"}},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Approve"}},
                {"type": "button", "text": {"type": "plain_text", "text": "Discard"}},
            ],
        },
    )
    render = Render(NAMES)
    clocks = html_page.Clocks(ZONES, "Europe/London", render)

    def shown(clicks: tuple[Click, ...]) -> Node:
        entry = Entry("ephemeral", 3, MONDAY, "D1", user=HR, blocks=blocks, clicks=clicks)
        return parse(html_page.entry_html(entry, (HR,), render, clocks, "rotnem"))

    fresh = shown(())
    assert not fresh.by_class("answered") and "Answered" not in fresh.text()
    answered = shown((Click(HR, "Approve"),))
    buttons = answered.find_all(lambda n: n.tag == "button")
    assert len(buttons) == 2 and all("answered" in b.classes for b in buttons)
    assert "✓ Answered: Hana Ito clicked “Approve”" in answered.text()
    assert "Only Hana Ito sees this" in answered.text()


def test_times_are_on_each_readers_clock_and_group_dms_name_the_guide_first(
    slack: FakeSlack,
) -> None:
    driver = driver_for(slack)
    client = WebClient(token=DEFAULT_TOKEN, base_url=slack.api_url)
    group = client.conversations_open(users=[LEARNER, GUIDE])["channel"]["id"]
    client.chat_postMessage(channel=group, text="Welcome, you two")
    client.chat_postMessage(channel=driver.dm_channel(LEARNER), text="Did you meet?")
    client.chat_postMessage(channel="C1", text="New pairs")
    tree = build_page(slack, driver, group)
    times = {
        article.attrs["data-channel"]: time.text()
        for article in tree.find_all(lambda n: n.tag == "article")
        for time in article.find_all(lambda n: n.tag == "time")
    }
    assert times[driver.dm_channel(LEARNER)] == "Mon 1 Feb, 18:00 (Asia/Tokyo)"
    assert times["C1"] == "Mon 1 Feb, 09:00 (Europe/London)"
    assert times[group] == (
        "Gus: Mon 1 Feb, 04:00 (America/New_York) · Lena: Mon 1 Feb, 18:00 (Asia/Tokyo)"
    )
    [title] = [
        s.text() for s in tree.find_all(lambda n: n.tag == "summary") if "group DM" in s.text()
    ]
    assert title.startswith("group DM Gus + Lena")
    assert "Gus Okafor (guide) and Lena Berg (learner)" in tree.text()


def test_the_page_escapes_what_slack_text_contains() -> None:
    names = Names(users={"U1": "Ana <b>&"}, channels={})
    blocks = (
        {"type": "section", "text": {"type": "mrkdwn", "text": "*hi* <@U1> &lt;script&gt;"}},
        {"type": "context", "elements": [{"type": "plain_text", "text": "<img src=x>"}]},
        {
            "type": "actions",
            "elements": [{"type": "button", "text": {"type": "plain_text", "text": '"Go" & <b>'}}],
        },
    )
    render = Render(names)
    clocks = html_page.Clocks({}, "UTC", render)
    entry = Entry("message", 1, None, "D1", text="x", blocks=blocks, ts="1.000001")
    out = html_page.entry_html(entry, (), render, clocks, "rotnem")
    assert "<script>" not in out and "<img" not in out and "<b>&" not in out
    assert "&lt;script&gt;" in out and "&lt;img src=x&gt;" in out
    assert "<b>hi</b>" in out and "@Ana &lt;b&gt;&amp;" in out
    assert "disabled>&quot;Go&quot; &amp; &lt;b&gt;</button>" in out
