"""Installing Rotnem by OAuth over real HTTP: the browser's round trip through /slack/install and
/slack/oauth_redirect, every way an install is refused (a page and a 4xx, never a 500), and each
request answered with the token of its own workspace — or of its Grid org, where one program
spans the org's workspaces."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update

from bot.clock import ManualClock
from bot.i18n import LANGUAGES, speaking
from bot.ids import ActionId
from bot.install import pages
from bot.install.oauth import BOT_SCOPES, NOT_INSTALLED
from bot.sandbox import FakeSlack, SlackRequester, installing
from bot.sandbox.installing import Browser
from models import (
    OutboxMessage,
    Pair,
    Participant,
    ProcessedEvent,
    SlackBots,
    SlackOAuthStates,
    Workspace,
)
from tests.factories import (
    ADMIN_ID,
    BOTH_BACKENDS,
    ROOT,
    SIGNING_SECRET,
    Program,
    RunningBot,
    command_modal,
    count,
    deliver_all,
    eventually,
    join,
    profile_answers,
    rows,
    start_bot,
    tool_ids,
)

ACME = "T0ACME001"
INITECH = "T0INITEC1"
ORG = "E0GLOBEX1"
EAST, WEST = "T0EAST001", "T0WEST001"
ANNA, BORIS = "U0ANNA001", "U0BORIS01"


@pytest.fixture
async def bot(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> AsyncIterator[RunningBot]:
    """The app installed by OAuth: no bot token, only the app's client credentials."""
    fake_slack.add_user(ANNA, real_name="Anna Acme", tz="Europe/Paris")
    fake_slack.add_user(BORIS, real_name="Boris Initech", tz="America/New_York")
    fake_slack.add_user(ADMIN_ID, real_name="Hana HR", tz="Europe/London")
    async with start_bot(database_url=database_url, slack=fake_slack, clock=clock, oauth=True) as b:
        yield b


@pytest.fixture
async def browser(bot: RunningBot) -> AsyncIterator[Browser]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield Browser(client, bot.url)


def from_workspace(
    bot: RunningBot,
    team_id: str,
    *,
    enterprise_id: str | None = None,
    is_enterprise_install: bool = False,
) -> RunningBot:
    """The bot as reached from another workspace (of a Grid org, with `enterprise_id`)."""
    requester = SlackRequester(
        bot.url,
        SIGNING_SECRET,
        slack=bot.slack,
        team_id=team_id,
        enterprise_id=enterprise_id,
        is_enterprise_install=is_enterprise_install,
    )
    return replace(bot, requester=requester)


def team_of_token(slack: FakeSlack, authorization: str) -> str | None:
    """The workspace (or org) whose install issued the bearer token of a call."""
    grant = slack.grant_of(authorization.removeprefix("Bearer "))
    assert grant is not None, f"not a token from an install: {authorization}"
    return grant.team_id or grant.enterprise_id


async def installed_teams(bot: RunningBot) -> list[tuple[str | None, str | None]]:
    async with bot.deps.sessionmaker() as session:
        found = await session.execute(select(SlackBots.c.enterprise_id, SlackBots.c.team_id))
        return sorted((row[0], row[1]) for row in found)


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


# --------------------------------------------------------------------------------------------
# The install itself.


@BOTH_BACKENDS
async def test_install_over_http_then_the_workspace_is_answered_with_its_own_token(
    bot: RunningBot, browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    started = await browser.start()
    assert started.page.status_code == 200
    assert "Add to Slack" in started.page.text
    assert started.cookie == started.state, "the state is tied to this browser by its cookie"
    assert started.authorize["scope"] == [",".join(BOT_SCOPES)]
    assert started.authorize["client_id"] == [installing.CLIENT_ID]

    code = bot.slack.approve_install(team_id=ACME, team_name="Acme & <Co>")
    page = await browser.finish(code=code, state=started.state, cookie=started.cookie)
    assert page.status_code == 200
    assert "Rotnem is installed in Acme &amp; &lt;Co&gt;" in page.text
    assert "/rotnem help" in page.text
    assert "slack-app-oauth-state=deleted" in page.headers["set-cookie"]
    assert await installed_teams(bot) == [(None, ACME)]
    (workspace,) = await rows(bot.deps.sessionmaker, Workspace)
    assert (workspace.team_id, workspace.enterprise_id, workspace.uninstalled_at) == (
        ACME,
        None,
        None,
    )

    acme = from_workspace(bot, ACME)
    help_ack = await acme.requester.command(
        command="/rotnem", user_id=ANNA, channel_id="C0ACME001", text="help"
    )
    assert help_ack.status_code == 200 and "/rotnem join" in help_ack.text
    _, modal = await command_modal(acme, ANNA)
    assert modal["title"]["text"] == "Join Rotnem"
    (opened,) = bot.slack.calls("views.open")
    assert team_of_token(bot.slack, opened.headers["authorization"]) == ACME
    no_tracebacks(caplog)


@BOTH_BACKENDS
async def test_two_workspaces_at_once_are_each_answered_with_their_own_token(
    bot: RunningBot, browser: Browser
) -> None:
    for team, name in ((ACME, "Acme"), (INITECH, "Initech")):
        assert (await browser.install(bot.slack, team_id=team, team_name=name)).status_code == 200
    acme, initech = from_workspace(bot, ACME), from_workspace(bot, INITECH)

    triggers = {ANNA: bot.slack.new_trigger_id(ANNA), BORIS: bot.slack.new_trigger_id(BORIS)}
    acks = await asyncio.gather(
        *(
            there.requester.command(
                command="/rotnem",
                user_id=user,
                channel_id="C0SHARED1",
                text="join",
                trigger_id=triggers[user],
            )
            for there, user in ((acme, ANNA), (initech, BORIS))
        )
    )
    assert [ack.status_code for ack in acks] == [200, 200]
    opened = {
        call.args["trigger_id"]: team_of_token(bot.slack, call.headers["authorization"])
        for call in await bot.slack.wait_for("views.open", 2)
    }
    assert opened == {triggers[ANNA]: ACME, triggers[BORIS]: INITECH}

    answers = profile_answers(role="guide", teach=await tool_ids(bot, "Zapier"))
    await asyncio.gather(join(acme, ANNA, answers), join(initech, BORIS, answers))
    people = await rows(bot.deps.sessionmaker, Participant)
    assert sorted((p.team_id, p.user_id) for p in people) == [(ACME, ANNA), (INITECH, BORIS)]


# --------------------------------------------------------------------------------------------
# Refused installs: a page saying why, a 4xx, nothing installed, no traceback.


async def refused(page: httpx.Response, status: int, title: str) -> None:
    assert page.status_code == status, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert title in page.text and 'href="/slack/install"' in page.text


@BOTH_BACKENDS
async def test_a_replayed_state_and_a_code_exchanged_twice_are_refused(
    bot: RunningBot, browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    started = await browser.start()
    code = bot.slack.approve_install(team_id=ACME, team_name="Acme")
    assert (await browser.finish(code=code, state=started.state, cookie=started.cookie)).is_success

    # The same redirect again (a reload, or a copied URL): its state was used up.
    again = await browser.finish(code=code, state=started.state, cookie=started.cookie)
    await refused(again, 400, "This install link has expired or was already used")
    # A fresh state with the code already exchanged: Slack refuses the code.
    fresh = await browser.start()
    twice = await browser.finish(code=code, state=fresh.state, cookie=fresh.cookie)
    await refused(twice, 400, "This install was already completed or has expired")

    assert await installed_teams(bot) == [(None, ACME)]
    no_tracebacks(caplog)


@BOTH_BACKENDS
async def test_foreign_states_are_refused_and_nothing_is_installed(
    bot: RunningBot, browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    mine, theirs = await browser.start(), await browser.start()

    def code() -> str:
        return bot.slack.approve_install(team_id=ACME, team_name="Acme")

    no_cookie = await browser.finish(code=code(), state=mine.state, cookie=None)
    await refused(no_cookie, 400, "This install link does not belong to this browser")
    someone_elses = await browser.finish(code=code(), state=theirs.state, cookie=mine.cookie)
    await refused(someone_elses, 400, "This install link does not belong to this browser")
    # A state (and cookie) this server never signed: refused before the database is asked.
    issued, _, _ = mine.state.rpartition(".")
    forged = f"{issued}.{'0' * 32}"
    unsigned = await browser.finish(code=code(), state=forged, cookie=forged)
    await refused(unsigned, 400, "This install link has expired or was already used")
    missing = await browser.finish(code=code(), state=None, cookie=mine.cookie)
    await refused(missing, 400, "This install link does not belong to this browser")

    assert await installed_teams(bot) == []
    assert bot.slack.count("oauth.v2.access") == 0, "no code is exchanged without a valid state"
    # The person's own install still completes afterwards.
    assert (await browser.finish(code=code(), state=mine.state, cookie=mine.cookie)).is_success
    no_tracebacks(caplog)


@BOTH_BACKENDS
async def test_a_cancelled_install_and_an_expired_state_are_clear_pages(
    bot: RunningBot, browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    started = await browser.start()
    denied = await browser.finish(state=started.state, cookie=started.cookie, error="access_denied")
    await refused(denied, 403, "The install was cancelled")

    late = await browser.start()
    async with bot.deps.sessionmaker.begin() as session:  # eleven minutes pass
        await session.execute(
            update(SlackOAuthStates).values(
                expire_at=datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1)
            )
        )
    code = bot.slack.approve_install(team_id=ACME, team_name="Acme")
    expired = await browser.finish(code=code, state=late.state, cookie=late.cookie)
    await refused(expired, 400, "This install link has expired or was already used")

    assert await installed_teams(bot) == []
    no_tracebacks(caplog)


# --------------------------------------------------------------------------------------------
# The pages in the browser's language (its Accept-Language among Rotnem's languages, else English).


@asynccontextmanager
async def browser_asking(bot: RunningBot, accept_language: str | None) -> AsyncIterator[Browser]:
    headers = {"Accept-Language": accept_language} if accept_language is not None else {}
    async with httpx.AsyncClient(timeout=10, headers=headers) as client:
        yield Browser(client, bot.url)


async def test_a_french_browser_reads_every_install_page_in_french(bot: RunningBot) -> None:
    async with browser_asking(bot, "fr-FR,fr;q=0.9,en;q=0.5") as browser:
        started = await browser.start()
        page = started.page.text
        assert page.startswith('<!doctype html><html lang="fr">')
        assert "<title>Ajouter Rotnem à Slack</title>" in page
        assert ">Ajouter à Slack</a>" in page and "Add to Slack" not in page
        assert started.authorize["client_id"] == [installing.CLIENT_ID]

        code = bot.slack.approve_install(team_id=ACME, team_name="Acme & <Co>")
        done = await browser.finish(code=code, state=started.state, cookie=started.cookie)
        assert done.status_code == 200
        assert done.text.startswith('<!doctype html><html lang="fr">')
        assert "<h1>Rotnem est installé dans Acme &amp; &lt;Co&gt;</h1>" in done.text
        assert ">ouvrez Slack</a> et tapez <code>/rotnem help</code>" in done.text
        assert "<code>/rotnem join</code>" in done.text

        again = await browser.finish(code=code, state=started.state, cookie=started.cookie)
        await refused(again, 400, "Ce lien d&#x27;installation a expiré ou a déjà été utilisé")
        assert again.text.startswith('<!doctype html><html lang="fr">')
        assert '<a href="/slack/install">Recommencer l\'installation</a>.' in again.text

        odd = await browser.finish(state=None, cookie=None, error="team_not_allowed")
        await refused(odd, 400, "Slack n&#x27;a pas terminé l&#x27;installation")
        assert "(réponse de Slack\u00a0: team_not_allowed)" in odd.text
    assert await installed_teams(bot) == [(None, ACME)]


@pytest.mark.parametrize("accept_language", ["pt-BR,pt;q=0.9", None])
async def test_a_browser_asking_for_no_language_rotnem_speaks_reads_english(
    bot: RunningBot, accept_language: str | None
) -> None:
    async with browser_asking(bot, accept_language) as browser:
        started = await browser.start()
        assert started.page.text.startswith('<!doctype html><html lang="en">')
        assert "<title>Add Rotnem to Slack</title>" in started.page.text
        assert ">Add to Slack</a>" in started.page.text

        done = await browser.install(bot.slack, team_id=ACME, team_name="Acme")
        assert done.text.startswith('<!doctype html><html lang="en">')
        assert "<h1>Rotnem is installed in Acme</h1>" in done.text

        denied = await browser.finish(state=None, cookie=None, error="access_denied")
        await refused(denied, 403, "The install was cancelled")
        assert '<a href="/slack/install">Start the install again</a>.' in denied.text


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.5", "fr"),
        ("fr-CA", "fr"),
        ("DE-at", "de"),
        ("es-419,es;q=0.8", "es"),
        ("pt-BR", "en"),
        ("pt-BR,pt;q=0.9,de;q=0.3", "de"),
        ("en-GB,fr;q=0.8", "en"),
        ("de;q=0.4,es;q=0.7", "es"),
        ("fr;q=0,es;q=0.2", "es"),
        ("*", "en"),
        ("", "en"),
        (None, "en"),
        ("fr;q=oops, de", "de"),
    ],
)
def test_the_browsers_language_is_negotiated_among_rotnems(
    accept_language: str | None, language: str
) -> None:
    assert pages.language_of_browser(accept_language) == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_renders_whole_in_every_language(language: str) -> None:
    with speaking(language):
        rendered = [
            pages.add_to_slack("https://slack.com/oauth/v2/authorize?a=1&b=2"),
            pages.installed("Acme", "https://x.example/", "/rotnem", org_wide=False),
            pages.installed("Globex", "https://x.example/", "/rotnem", org_wide=True),
            *(pages.failed(failure) for failure in pages.FAILURES.values()),
            pages.failed(pages.failure_of("something_new")),
        ]
    assert 'href="https://slack.com/oauth/v2/authorize?a=1&amp;b=2"' in rendered[0]
    assert all("<code>/rotnem help</code>" in page for page in rendered[1:3])
    assert all('<a href="/slack/install">' in page for page in rendered[3:])
    for page in rendered:
        assert page.startswith(f'<!doctype html><html lang="{language}">')
        body = page.split("</style>", 1)[1]
        assert "{" not in body and "}" not in body, "every placeholder is filled"


# --------------------------------------------------------------------------------------------
# Requests from a workspace that has not installed Rotnem.


@BOTH_BACKENDS
async def test_a_workspace_without_an_installation_is_told_so_and_nothing_is_written(
    bot: RunningBot, browser: Browser
) -> None:
    assert (await browser.install(bot.slack, team_id=ACME, team_name="Acme")).is_success
    stranger = from_workspace(bot, "T0STRANGE")

    event = {"type": "app_home_opened", "user": ANNA, "channel": "D0HOME001", "tab": "home"}
    response = await stranger.requester.event(event)
    assert response.status_code < 500 and "not installed" in response.text
    url = bot.slack.new_response_url(channel="C0STRANGE", user=ANNA)
    ack = await stranger.requester.command(
        command="/rotnem", user_id=ANNA, channel_id="C0STRANGE", text="join", response_url=url
    )
    assert ack.status_code == 200
    (answer,) = await eventually(lambda: bot.slack.responses(url))
    assert answer["text"] == NOT_INSTALLED

    assert bot.slack.count("views.publish") == bot.slack.count("views.open") == 0
    assert [w.team_id for w in await rows(bot.deps.sessionmaker, Workspace)] == [ACME]
    assert await count(bot.deps.sessionmaker, ProcessedEvent) == 0
    assert await count(bot.deps.sessionmaker, Participant) == 0


# --------------------------------------------------------------------------------------------
# An org-wide install on Enterprise Grid: one program across the org's workspaces.


@BOTH_BACKENDS
async def test_an_org_wide_install_runs_one_program_across_the_orgs_workspaces(
    bot: RunningBot, browser: Browser
) -> None:
    page = await browser.install(
        bot.slack,
        team_id=None,
        enterprise_id=ORG,
        enterprise_name="Globex",
        is_enterprise_install=True,
    )
    assert page.status_code == 200 and "Rotnem is installed in Globex" in page.text
    assert "manage/organization/apps/profile/" in page.text, "next: choose the org's workspaces"
    assert await installed_teams(bot) == [(ORG, None)]

    east = from_workspace(bot, EAST, enterprise_id=ORG, is_enterprise_install=True)
    west = from_workspace(bot, WEST, enterprise_id=ORG, is_enterprise_install=True)
    chatgpt = await tool_ids(bot, "ChatGPT")
    await join(east, ANNA, profile_answers(role="guide", teach=chatgpt, department="Sales"))
    await join(west, BORIS, profile_answers(role="learner", learn=chatgpt, department="Finance"))
    people = await rows(bot.deps.sessionmaker, Participant)
    assert sorted((p.team_id, p.user_id) for p in people) == [(ORG, ANNA), (ORG, BORIS)]
    assert {
        team_of_token(bot.slack, call.headers["authorization"])
        for call in bot.slack.calls("views.open")
    } == {ORG}

    hr = Program(east)
    proposal = await hr.propose()
    assert "Proposed round: 1 pair" in proposal["text"]
    assert f"<@{ANNA}> → <@{BORIS}>" in proposal["text"]
    assert (await hr.click(proposal, ActionId.ROUND_APPROVE)).status_code == 200
    (pair,) = await rows(bot.deps.sessionmaker, Pair)
    guide, learner = (await participant_ids(bot))[ANNA], (await participant_ids(bot))[BORIS]
    assert (pair.team_id, pair.guide_id, pair.learner_id) == (ORG, guide, learner)
    notices = await rows(bot.deps.sessionmaker, OutboxMessage)
    assert notices and {n.team_id for n in notices} == {ORG}
    # The worker sends them with the org's token: the pair's group DM spans both workspaces.
    await deliver_all(bot.dispatcher, bot.clock)
    assert {n.status for n in await rows(bot.deps.sessionmaker, OutboxMessage)} == {"sent"}
    opened = [call for call in bot.slack.calls("conversations.open") if call.ok]
    assert {tuple(sorted(c.args["users"].split(","))) for c in opened} >= {(ANNA, BORIS)}
    posts = bot.slack.calls("chat.postMessage")
    assert posts and {team_of_token(bot.slack, c.headers["authorization"]) for c in posts} == {ORG}


async def participant_ids(bot: RunningBot) -> dict[str, int]:
    return {p.user_id: p.id for p in await rows(bot.deps.sessionmaker, Participant)}


# --------------------------------------------------------------------------------------------
# The scopes an install asks for are the manifest's.


def test_the_install_asks_for_exactly_the_manifests_bot_scopes() -> None:
    lines = (ROOT / "manifest.yml").read_text(encoding="utf-8").splitlines()
    start = lines.index("    bot:") + 1
    scopes = []
    for line in lines[start:]:
        if not line.startswith("      "):
            break
        if line.strip().startswith("- "):
            scopes.append(line.strip()[2:])
    assert tuple(scopes) == BOT_SCOPES
