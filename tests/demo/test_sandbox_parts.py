"""The demo's sandbox parts by value: the seeded workspace, the driver's button and modal
reading, and the fake's incremental logs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient

from bot.blocks.checkins import checkin_message
from bot.blocks.enrollment import profile_modal
from bot.i18n import speaking
from bot.sandbox import FakeSlack
from bot.sandbox.driver import Message, SlackDriver
from bot.sandbox.people import make_workspace, roles_for
from bot.sandbox.signing import SlackRequester
from bot.sandbox.surfaces import (
    DriverError,
    Msg,
    answers_by_label,
    find_button,
    options_of,
    reads_as,
)
from bot.services.checkins import CheckinNotice
from bot.services.tools import ToolInfo

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)


def test_workspace_is_seeded_and_shaped_like_a_company() -> None:
    first, again, other = make_workspace(60, 7), make_workspace(60, 7), make_workspace(60, 8)
    assert first.people == again.people and first.people != other.people
    assert first.admin.is_admin and not any(p.is_admin for p in first.participants)
    roles = [p.role for p in first.participants]
    assert roles.count("guide") == 20 and roles.count("learner") == 30
    assert roles.count("both") == 9
    assert len({p.name for p in first}) == 60 and len({p.user_id for p in first}) == 60
    continents = {p.tz.split("/")[0] for p in first}
    assert {"Europe", "America", "Asia"} <= continents
    for person in first.participants:
        if person.manager_id is not None:
            boss = first.person(person.manager_id)
            assert boss.manager_id is None and boss.department == person.department
        assert (person.role in ("guide", "both")) == bool(person.teaches)
        assert (person.role in ("learner", "both")) == bool(person.learns)
    assert roles_for(7) == ["guide"] * 2 + ["learner"] * 4 + ["both"]
    with pytest.raises(ValueError):
        make_workspace(2, 7)


def test_buttons_are_found_by_their_visible_text() -> None:
    blocks = checkin_message(CheckinNotice(checkin_id=12, attempt=1, partner="U1")).to_dict()[
        "blocks"
    ]
    assert find_button(blocks, "We met").action_id == "checkin_met"
    assert find_button(blocks, "not yet").value == "12:1"
    with pytest.raises(DriverError, match="no button “Approve” here; there is “✅ We met”"):
        find_button(blocks, "Approve")
    with pytest.raises(DriverError, match="several buttons match"):
        find_button(blocks, "we")


def test_modals_are_filled_by_label_and_option_text() -> None:
    catalogue = [
        ToolInfo(id=3, name="ChatGPT", description="", category="AI", removed=False),
        ToolInfo(id=4, name="Canva", description="", category="Design", removed=False),
    ]
    view = profile_modal(catalogue=catalogue, profile=None).to_dict()
    for block in view["blocks"]:
        block.setdefault("block_id", "x")
    values = answers_by_label(
        view,
        {
            "How would you like to take part?": "Both ways",
            "Tools I can teach": ["Canva"],
            "Department / team": "R&D",
            "My manager": "U0BOSS",
        },
    )
    assert values == {
        "profile_role": "both",
        "profile_teach": ["4"],
        "profile_department": "R&D",
        "profile_manager": "U0BOSS",
    }
    assert options_of(view, "How many learners can you take on?") == ["1", "2", "3"]
    with pytest.raises(DriverError, match="no field “Favourite colour”"):
        answers_by_label(view, {"Favourite colour": "blue"})
    with pytest.raises(DriverError, match="no single option “Excel”"):
        answers_by_label(view, {"Tools I can teach": ["Excel"]})


def test_fake_logs_can_be_read_incrementally() -> None:
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test-token", base_url=fake.api_url)
        client.auth_test()
        seen = len(fake.calls())
        client.chat_postMessage(channel="C1", text="hello")
        assert [c.method for c in fake.calls_since(seen)] == ["chat.postMessage"]
        assert fake.calls_since(seen + 1) == []
        url = fake.new_response_url(channel="C1", user="U1")
        import httpx

        httpx.post(url, json={"text": "only you"})
        assert fake.responses_since(0) == [(url, {"text": "only you"})]
        assert fake.responses_since(1) == []


def test_the_driver_reads_each_person_in_their_language() -> None:
    with FakeSlack() as fake:
        fake.add_user("UFR", real_name="Camille", locale="fr-FR")
        fake.add_user("UEN", real_name="Ben")
        driver = SlackDriver(
            fake, SlackRequester("http://127.0.0.1:9", "secret", slack=fake), now=lambda: NOW
        )
        assert (driver.language("UFR"), driver.language("UEN")) == ("fr", "en")
        assert driver.says("UFR", "✅ We met") == "✅ On s'est vus"
        notice = CheckinNotice(checkin_id=12, attempt=1, partner="UEN")
        channel = driver.dm_channel("UFR")
        with speaking("fr"):
            blocks = checkin_message(notice).to_dict()["blocks"]
        message = Message(channel, "1.0", "", blocks, NOW, 0)
        remind = Msg.of(
            "⏳ Not yet — remind me in {count} day",
            "⏳ Not yet — remind me in {count} days",
            2,
            count=2,
        )
        assert driver.has_button(message, "✅ We met") and driver.has_button(message, remind)
        # Whole texts only: the second check-in's "⏳ Not yet" is not this one's reminder.
        assert not driver.has_button(message, "⏳ Not yet")
        # The English text is not on a French message, and the error says what is.
        with pytest.raises(DriverError, match="there is “✅ On s'est vus”"):
            find_button(blocks, "✅ We met")
        # A text the bot cut to Slack's length limit reads as the whole one it begins.
        assert reads_as("Cómo funcionan las cosas aquí (« Dale la vuelta al espe…", "Cómo "
                        "funcionan las cosas aquí («Dale la vuelta al espejo»)")  # fmt: skip
        assert not reads_as("Ambas cosas", "Ambas")
        # In English, the same message for Ben reads as it always did.
        english = Message(driver.dm_channel("UEN"), "2.0", "", _blocks_of(notice), NOW, 1)
        assert driver.has_button(english, "✅ We met")


def _blocks_of(notice: CheckinNotice) -> list[dict[str, object]]:
    blocks: list[dict[str, object]] = checkin_message(notice).to_dict()["blocks"]
    return blocks
