"""The gate in front of the app, over real HTTP: bodies over the limit refused before they are
read, signatures checked on the raw bytes (every odd timestamp a plain 401), malformed bodies a
400 whether signed or not, one log line per refusal and never a body, Socket Mode held to the
same shapes — and hundreds of hostile requests that change nothing."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.gate import BODY_LIMIT
from bot.gate.signature import BadSignature, Signatures
from bot.ids import ActionId
from bot.sandbox import block_actions_payload
from bot.sandbox.signing import (
    FORM_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    event_body,
    sign,
    slash_command_body,
    view_submission_payload,
)
from models import Base, Workspace
from tests.factories import (
    GUIDE,
    HOME_OPENED,
    MANAGER,
    NEWCOMER,
    SIGNING_SECRET,
    RunningBot,
    command,
    count,
    open_modal,
    participant,
    profile_answers,
    tool_ids,
)

REFUSED = {400, 401, 413, 415}
JSONish = dict[str, Any]


# --------------------------------------------------------------------------------------------
# Requests as Slack (or someone else) would send them.


def command_body(bot: RunningBot, text: str = "help", **fields: str) -> str:
    values: dict[str, Any] = {
        "command": "/rotnem",
        "text": text,
        "user_id": NEWCOMER,
        "team_id": bot.requester.team_id,
        "channel_id": "C0GENERAL1",
        "trigger_id": "1.2.3",
        "response_url": bot.slack.new_response_url(channel="C0GENERAL1", user=NEWCOMER),
    }
    return slash_command_body(**(values | fields))


def click_payload(**changes: Any) -> JSONish:
    payload = block_actions_payload(
        user_id=NEWCOMER,
        action_id=ActionId.JOIN,
        block_id="b",
        trigger_id="1.2.3",
        view={"id": "V1", "type": "home", "blocks": []},
    )
    return payload | changes


def submission_payload(**view_changes: Any) -> JSONish:
    view = {"id": "V1", "type": "modal", "callback_id": "profile", "blocks": []}
    payload = view_submission_payload(view=view, user_id=NEWCOMER, values={})
    payload["view"] |= view_changes
    return payload


def event(**changes: Any) -> str:
    body = json.loads(event_body(HOME_OPENED, event_id="Ev0GATE01", event_time=int(time.time())))
    body["event"] |= changes
    return json.dumps(body)


def form(payload: Any) -> str:
    return urlencode({"payload": json.dumps(payload)})


def slack_signature(timestamp: str, body: bytes) -> str:
    """`X-Slack-Signature` as Slack computes it, for any bytes (slack_sdk's wants UTF-8)."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()


async def signed_post(
    bot: RunningBot,
    body: str | bytes,
    content_type: str | None = FORM_CONTENT_TYPE,
    *,
    timestamp: str | None = None,
) -> httpx.Response:
    """POST `body` signed with the bot's secret (at `timestamp`, a header value as sent)."""
    raw = body.encode() if isinstance(body, str) else body
    stamp = timestamp if timestamp is not None else str(int(time.time()))
    headers: dict[str, Any] = {
        "X-Slack-Request-Timestamp": stamp.encode(),
        "X-Slack-Signature": slack_signature(stamp, raw),
    }
    if content_type is not None:
        headers["Content-Type"] = content_type
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(bot.events_url, content=raw, headers=headers)


async def exchange(url: str, head: dict[str, str], parts: Sequence[bytes] = ()) -> int:
    """Write a request by hand — its head, then `parts` of the body, never necessarily all of
    it — and return the status of the answer."""
    where = urlsplit(url)
    assert where.hostname is not None and where.port is not None
    reader, writer = await asyncio.open_connection(where.hostname, where.port)
    try:
        lines = "".join(f"{name}: {value}\r\n" for name, value in head.items())
        writer.write(
            f"POST {where.path} HTTP/1.1\r\nHost: {where.hostname}\r\n{lines}\r\n".encode()
        )
        for part in parts:
            writer.write(part)
            await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    finally:
        writer.close()
    return int(status_line.split()[1])


def refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.gate"]


def assert_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert "Traceback" not in caplog.text


async def snapshot(bot: RunningBot) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table."""
    async with bot.deps.sessionmaker() as session:
        return {
            table.name: sorted(map(tuple, await session.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


# --------------------------------------------------------------------------------------------
# 1. The body limit, before reading.


async def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    head = {"Content-Type": JSON_CONTENT_TYPE, "Content-Length": str(40 * 1024 * 1024)}
    # Nothing of the body is ever sent: an answer can only come from the header.
    assert await exchange(bot.events_url, head) == 413
    [line] = refusals(caplog)
    assert line.startswith(
        f"Refused a Slack request with 413: body over {BODY_LIMIT} bytes "
        "(41943040 bytes declared, from 127.0.0.1:"
    )


async def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(bot: RunningBot) -> None:
    head = {
        "Content-Type": JSON_CONTENT_TYPE,
        "Transfer-Encoding": "chunked",
        **sign(SIGNING_SECRET, b"{}", int(time.time())),
    }
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    # One chunk past the limit and no end: a gate that read to the end would never answer.
    assert await exchange(bot.events_url, head, [chunk] * (BODY_LIMIT // len(piece) + 1)) == 413


async def test_an_unsigned_chunked_body_is_refused_before_any_of_it_is_read(
    bot: RunningBot,
) -> None:
    head = {"Content-Type": JSON_CONTENT_TYPE, "Transfer-Encoding": "chunked"}
    assert await exchange(bot.events_url, head) == 401


# --------------------------------------------------------------------------------------------
# 2. The signature, on the raw bytes, before anything is parsed.


@pytest.mark.parametrize(
    ("timestamp", "reason"),
    [
        ("abc", "timestamp is not Unix seconds"),
        ("1e9", "timestamp is not Unix seconds"),
        ("12.5", "timestamp is not Unix seconds"),
        ("", "no timestamp"),
        ("²", "timestamp is not Unix seconds"),
        ("0x6553f100", "timestamp is not Unix seconds"),
        ("-5", "timestamp is not Unix seconds"),
        ("9" * 5000, "timestamp is not Unix seconds"),
        ("1700000000", "timestamp"),  # years ago
    ],
)
async def test_an_odd_timestamp_is_a_plain_401_like_any_bad_signature(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, timestamp: str, reason: str
) -> None:
    # Signed "correctly" for that timestamp: only its oddness can refuse it.
    response = await signed_post(bot, command_body(bot), timestamp=timestamp)
    assert (response.status_code, response.json()) == (401, {"error": "invalid request"})
    [line] = refusals(caplog)
    assert line.startswith(f"Refused a Slack request with 401: {reason}")
    assert await count(bot.deps.sessionmaker, Workspace) == 0
    assert_no_traceback(caplog)


@pytest.mark.parametrize(
    "signature", [None, "", "v0=", "v1=" + "0" * 64, "v0=" + "Z" * 64, "v0=" + "é" * 64]
)
async def test_a_missing_or_odd_signature_is_a_plain_401(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, signature: str | None
) -> None:
    headers: dict[str, Any] = {"X-Slack-Request-Timestamp": str(int(time.time()))}
    headers["Content-Type"] = FORM_CONTENT_TYPE
    if signature is not None:
        headers["X-Slack-Signature"] = signature.encode()
    async with httpx.AsyncClient() as client:
        response = await client.post(bot.events_url, content=command_body(bot), headers=headers)
    assert response.status_code == 401
    assert await count(bot.deps.sessionmaker, Workspace) == 0
    assert_no_traceback(caplog)


async def test_a_signature_over_other_bytes_is_refused(bot: RunningBot) -> None:
    body = command_body(bot)
    headers = sign(SIGNING_SECRET, body, int(time.time())) | {"Content-Type": FORM_CONTENT_TYPE}
    async with httpx.AsyncClient() as client:
        response = await client.post(bot.events_url, content=body + "&x=1", headers=headers)
    assert response.status_code == 401


# --------------------------------------------------------------------------------------------
# 3. Malformed bodies: 400 even when signed, never a 500 nor a traceback.

MALFORMED: list[tuple[str, Callable[[RunningBot], str | bytes], str]] = [
    ("payload=null", lambda bot: form(None), FORM_CONTENT_TYPE),
    ("payload=[]", lambda bot: form([]), FORM_CONTENT_TYPE),
    ('payload="x"', lambda bot: form("x"), FORM_CONTENT_TYPE),
    ("payload=42", lambda bot: form(42), FORM_CONTENT_TYPE),
    ("payload is not JSON", lambda bot: "payload=%7Bnot-json", FORM_CONTENT_TYPE),
    ("an unknown payload type", lambda bot: form({"type": "shortcut"}), FORM_CONTENT_TYPE),
    ("actions an object", lambda bot: form(click_payload(actions={})), FORM_CONTENT_TYPE),
    ("actions empty", lambda bot: form(click_payload(actions=[])), FORM_CONTENT_TYPE),
    ("an action a string", lambda bot: form(click_payload(actions=["x"])), FORM_CONTENT_TYPE),
    ("user.id a number", lambda bot: form(click_payload(user={"id": 7})), FORM_CONTENT_TYPE),
    ("user.id not an ID", lambda bot: form(click_payload(user={"id": "u<1>"})), FORM_CONTENT_TYPE),
    ("a view without type", lambda bot: form(submission_payload(type=None)), FORM_CONTENT_TYPE),
    (
        "a view without state.values",
        lambda bot: form(submission_payload(state={"values": []})),
        FORM_CONTENT_TYPE,
    ),
    (
        # Bolt looks for the user in an edited message when the event has none.
        "event.message.user a number",
        lambda bot: event(type="message", user=None, message={"user": 5}),
        JSON_CONTENT_TYPE,
    ),
    ("event.user a number", lambda bot: event(user=42), JSON_CONTENT_TYPE),
    ("event.type missing", lambda bot: event(type=None), JSON_CONTENT_TYPE),
    ("app_home_opened without user", lambda bot: event(user=None), JSON_CONTENT_TYPE),
    ("app_home_opened with a user object", lambda bot: event(user={"id": "U1"}), JSON_CONTENT_TYPE),
    ("user_change with a user ID", lambda bot: event(type="user_change"), JSON_CONTENT_TYPE),
    (
        "team_join's user.id not an ID",
        lambda bot: event(type="team_join", user={"id": "nobody"}),
        JSON_CONTENT_TYPE,
    ),
    ("event not an object", lambda bot: json.dumps({"type": "event_callback"}), JSON_CONTENT_TYPE),
    ("JSON not an object", lambda bot: "[1, 2]", JSON_CONTENT_TYPE),
    ("JSON not UTF-8", lambda bot: event().encode()[:-2] + b'"\xff"}', JSON_CONTENT_TYPE),
    ("JSON with NaN", lambda bot: '{"type": "event_callback", "x": NaN}', JSON_CONTENT_TYPE),
    (
        "JSON 50,000 deep",
        lambda bot: '{"a": ' + "[" * 50_000 + "]" * 50_000 + "}",
        JSON_CONTENT_TYPE,
    ),
    ("a command without user_id", lambda bot: command_body(bot, user_id=""), FORM_CONTENT_TYPE),
    ("a form field twice", lambda bot: command_body(bot) + "&user_id=U2", FORM_CONTENT_TYPE),
    ("a form that is not UTF-8", lambda bot: b"command=%2Frotnem&text=%FF", FORM_CONTENT_TYPE),
    ("a form of 200,000 fields", lambda bot: "a=1&" * 200_000, FORM_CONTENT_TYPE),
]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [pytest.param(build, kind, id=name) for name, build, kind in MALFORMED],
)
async def test_a_malformed_body_is_a_400_signed_or_401_unsigned(
    bot: RunningBot,
    caplog: pytest.LogCaptureFixture,
    body: Callable[[RunningBot], str | bytes],
    content_type: str,
) -> None:
    raw = body(bot)
    response = await signed_post(bot, raw, content_type)
    assert response.status_code == 400
    assert response.text.startswith("malformed request: ")
    async with httpx.AsyncClient() as client:
        unsigned = await client.post(
            bot.events_url, content=raw, headers={"Content-Type": content_type}
        )
    assert unsigned.status_code == 401
    assert await count(bot.deps.sessionmaker, Workspace) == 0
    assert_no_traceback(caplog)
    assert len(refusals(caplog)) == 2


async def test_a_content_type_slack_does_not_send_is_a_415(bot: RunningBot) -> None:
    for content_type in ("text/plain", "multipart/form-data; boundary=x", None):
        response = await signed_post(bot, command_body(bot), content_type)
        assert response.status_code == 415


async def test_url_verification_is_still_answered_and_json_may_name_its_charset(
    bot: RunningBot,
) -> None:
    body = json.dumps({"token": "t", "challenge": "c-1", "type": "url_verification"})
    response = await signed_post(bot, body, "application/json; charset=utf-8")
    assert response.json() == {"challenge": "c-1"}


async def test_bolt_reads_exactly_what_the_gate_checked(bot: RunningBot) -> None:
    # Bolt's own parser takes any form body with "payload" in it for an interaction and finds
    # nothing: a command typed in a channel called #payload-team would go unanswered.
    response = await signed_post(bot, command_body(bot, "help", channel_name="payload-team"))
    assert response.status_code == 200
    assert "/rotnem help" in response.json()["text"]


# --------------------------------------------------------------------------------------------
# 4. One line per refusal, never the body.


async def test_a_profile_sent_with_clock_skew_is_refused_in_one_line_without_its_content(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    view = await open_modal(bot, GUIDE)
    answers = profile_answers(
        role="guide",
        teach=await tool_ids(bot, "ChatGPT"),
        department="Secret Department",
        manager=MANAGER,
        goals="MY-PRIVATE-GOALS",
    )
    caplog.clear()
    bot.requester.now = lambda: time.time() - 400
    response = await bot.requester.submit_view(view=view, user_id=GUIDE, answers=answers)
    assert response.status_code == 401
    [line] = refusals(caplog)
    assert re.fullmatch(
        r"Refused a Slack request with 401: timestamp \+40[01] s from our clock "
        r"\(\d+ bytes declared, from 127\.0\.0\.1:\d+\)",
        line,
    ), line
    for private in ("MY-PRIVATE-GOALS", MANAGER, "Secret Department", "payload"):
        assert private not in caplog.text
    assert await participant(bot, GUIDE) is None


# --------------------------------------------------------------------------------------------
# Hundreds of hostile requests: never a 5xx, no traceback, nothing written, still answering.

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
# Values no field the shapes require may take.
WRONG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=3),
    st.sampled_from(["", "lower-case", "U<script>", "x" * 300]),
)
CONTENT_TYPES = st.sampled_from(
    [FORM_CONTENT_TYPE, JSON_CONTENT_TYPE, "application/json; charset=utf-8", "text/plain", None]
)


def _set(body: JSONish, path: Sequence[str], value: Any, *, delete: bool) -> JSONish:
    node = body
    for key in path[:-1]:
        node = node[key]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return body


# A real request of each kind, and fields of it the shapes require.
REAL: list[tuple[str, Callable[[], JSONish], list[list[str]]]] = [
    (
        "block_actions",
        click_payload,
        [["user", "id"], ["actions"], ["type"], ["user"], ["view", "type"]],
    ),
    (
        "view_submission",
        submission_payload,
        [["user", "id"], ["view", "type"], ["view"], ["view", "state", "values"]],
    ),
    (
        "event_callback",
        lambda: json.loads(event()),
        [["event", "type"], ["event", "user"], ["team_id"], ["event_id"], ["event"]],
    ),
]


@st.composite
def broken_real_request(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """A real request with one required field deleted or of a wrong type."""
    kind, build, paths = draw(st.sampled_from(REAL))
    body = _set(build(), draw(st.sampled_from(paths)), draw(WRONG), delete=draw(st.booleans()))
    if kind == "event_callback":
        return json.dumps(body).encode(), JSON_CONTENT_TYPE
    return form(body).encode(), FORM_CONTENT_TYPE


@st.composite
def broken_command(draw: st.DrawFn) -> tuple[bytes, str | None]:
    fields = {"command": "/rotnem", "text": "help", "user_id": "U0ANA0001", "team_id": "T0001"}
    key = draw(st.sampled_from(["command", "user_id", "team_id"]))
    if draw(st.booleans()):
        del fields[key]
    else:
        fields[key] = draw(st.sampled_from(["", "lower", "U 1", "/", "x" * 100, "²"]))
    return urlencode(fields).encode(), FORM_CONTENT_TYPE


def junk_bodies() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=2048),
        st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
        JSON_VALUES.map(lambda v: json.dumps(v).encode()),
        st.dictionaries(st.text(max_size=10), st.text(max_size=30)).map(
            lambda d: urlencode(d).encode()
        ),
        JSON_VALUES.map(lambda v: form(v).encode()),
        st.integers(100, 60_000).map(lambda n: b"[" * n + b"]" * n),
        st.sampled_from([BODY_LIMIT + 1, 3 * BODY_LIMIT]).map(lambda n: b"a" * n),
        st.binary(min_size=1, max_size=50).map(
            lambda b: b'{"type": "event_callback", "x": "' + b + b'"}'
        ),
    )


HOSTILE = st.one_of(
    broken_real_request(), broken_command(), st.tuples(junk_bodies(), CONTENT_TYPES)
)
ODD_TIMESTAMPS = st.one_of(
    st.sampled_from(["", "abc", "1e9", "12.5", "²", "9" * 40, "-1", "0"]),
    st.integers(301, 10**9).map(lambda skew: str(int(time.time()) - skew)),
)
# Half of them signed with our secret and a fresh timestamp: those must meet the shapes.
SIGNINGS = st.one_of(st.just("now"), st.just("now"), st.none(), ODD_TIMESTAMPS)


def send_hostile(
    client: httpx.Client, url: str, body: bytes, content_type: str | None, signing: str | None
) -> int:
    """POST one hostile request; signed with our secret unless `signing` is None."""
    headers: dict[str, Any] = {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if signing is not None:
        stamp = str(int(time.time())) if signing == "now" else signing
        headers["X-Slack-Request-Timestamp"] = stamp.encode()
        headers["X-Slack-Signature"] = slack_signature(stamp, body)
    return client.post(url, content=body, headers=headers).status_code


async def test_hundreds_of_hostile_requests_change_nothing_and_the_bot_keeps_answering(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    before = await snapshot(bot)
    statuses: list[int] = []

    @settings(
        max_examples=200,
        deadline=timedelta(seconds=2),
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=HOSTILE, signing=SIGNINGS)
    def hostile(request: tuple[bytes, str | None], signing: str | None) -> None:
        body, content_type = request
        status = send_hostile(client, bot.events_url, body, content_type, signing)
        statuses.append(status)
        assert status in REFUSED, (status, body[:200], content_type, signing)

    # Hypothesis drives a blocking client in a thread; the bot serves on this event loop.
    with httpx.Client(timeout=10) as client:
        await asyncio.to_thread(hostile)

    assert len(statuses) >= 200 and set(statuses) <= REFUSED
    assert await snapshot(bot) == before
    assert_no_traceback(caplog)
    help_answer = await asyncio.wait_for(command(bot, NEWCOMER, "help"), timeout=3)
    assert help_answer.status_code == 200
    assert "/rotnem help" in help_answer.json()["text"]


def test_the_signature_is_checked_as_slacks_documented_example_computes_it() -> None:
    # https://docs.slack.dev/authentication/verifying-requests-from-slack/ (worked example).
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
        b"&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
        b"&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F"
        b"commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    headers = {
        "x-slack-request-timestamp": "1531420618",
        "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    }
    signatures = Signatures("8f742231b10e8888abcd99yyyzzz85a5", now=lambda: 1531420618 + 299)
    signatures.verify(signatures.headers(headers), body)
    with pytest.raises(BadSignature, match="does not match"):
        signatures.verify(signatures.headers(headers), body + b" ")
    late = Signatures("8f742231b10e8888abcd99yyyzzz85a5", now=lambda: 1531420618 + 301)
    with pytest.raises(BadSignature, match=r"timestamp \+301 s from our clock"):
        late.headers(headers)
