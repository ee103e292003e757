"""Installing the app by OAuth against the fake Slack, the way a person's browser does it.

`Browser.start` opens /slack/install (the state cookie and the authorize URL's `state`);
`finish` follows Slack's redirect back with the code the fake issued when someone approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import httpx

from bot.sandbox.fake_slack import FakeSlack

CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "sandbox-client-secret"
STATE_SECRET = "sandbox-state-secret"
STATE_COOKIE = "slack-app-oauth-state"

OAUTH_ENVIRONMENT = {
    "SLACK_CLIENT_ID": CLIENT_ID,
    "SLACK_CLIENT_SECRET": CLIENT_SECRET,
    "SLACK_STATE_SECRET": STATE_SECRET,
}


def accept_app(slack: FakeSlack, *, token_lifetime: int = 43200) -> None:
    """The fake Slack knows the app's client credentials (oauth.v2.access accepts them)."""
    slack.accept_app(CLIENT_ID, CLIENT_SECRET, token_lifetime=token_lifetime)


@dataclass(frozen=True)
class Started:
    """An install begun in a browser: the page, the link to Slack's permission screen (its
    query as parsed), the state Slack will send back, the cookie."""

    page: httpx.Response
    authorize: dict[str, list[str]]
    state: str
    cookie: str


class Browser:
    """A person's browser on the app's server (the state cookie is Secure: sent by hand here,
    as the server is plain HTTP on 127.0.0.1)."""

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self._client = client
        self._base = base_url.rstrip("/")

    async def start(self) -> Started:
        """Open /slack/install: the "Add to Slack" page, with a fresh state and its cookie."""
        page = await self._client.get(f"{self._base}/slack/install")
        page.raise_for_status()
        cookies: SimpleCookie = SimpleCookie()
        for header in page.headers.get_list("set-cookie"):
            cookies.load(header)
        cookie = cookies[STATE_COOKIE].value
        authorize = parse_qs(urlsplit(_authorize_url(page.text)).query)
        return Started(page, authorize, authorize["state"][0], cookie)

    async def finish(
        self, *, code: str | None = None, state: str | None, cookie: str | None, **query: str
    ) -> httpx.Response:
        """Slack's redirect back to /slack/oauth_redirect (with `code`, or `error=…`)."""
        params = {**query}
        if code is not None:
            params["code"] = code
        if state is not None:
            params["state"] = state
        headers = {"Cookie": f"{STATE_COOKIE}={cookie}"} if cookie is not None else {}
        return await self._client.get(
            f"{self._base}/slack/oauth_redirect", params=params, headers=headers
        )

    async def install(
        self,
        slack: FakeSlack,
        *,
        team_id: str | None,
        team_name: str = "",
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        is_enterprise_install: bool = False,
        rotation: bool = False,
    ) -> httpx.Response:
        """The whole install: start, approve in Slack, come back; the redirect's page."""
        started = await self.start()
        code = slack.approve_install(
            team_id=team_id,
            team_name=team_name,
            enterprise_id=enterprise_id,
            enterprise_name=enterprise_name,
            is_enterprise_install=is_enterprise_install,
            rotation=rotation,
        )
        return await self.finish(code=code, state=started.state, cookie=started.cookie)


def _authorize_url(page: str) -> str:
    """The "Add to Slack" link of the install page."""
    start = page.index('href="https://slack.com/oauth/v2/authorize') + len('href="')
    return page[start : page.index('"', start)].replace("&amp;", "&")
