"""The web pages of installing by OAuth: "Add to Slack", installed, and each way it can fail.

Every text from Slack (a workspace's name) goes through `html.escape`; the pages need no
scripts, so a strict Content-Security-Policy goes with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"

HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Cache-Control": "no-store",
}

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;"
    "color:#1d1c1d;line-height:1.5}a.button{display:inline-block;padding:.6rem 1.2rem;"
    "border-radius:6px;background:#4a154b;color:#fff;text-decoration:none;font-weight:600}"
    "code{background:#f4f4f4;padding:0 .25rem}"
)


def _page(title: str, *paragraphs: str) -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def add_to_slack(authorize_url: str) -> str:
    """The page at /slack/install: what Rotnem is, and the button to Slack's permission screen."""
    return _page(
        "Add Rotnem to Slack",
        "Rotnem runs a reverse-mentoring program in Slack: people who know today's tools "
        "teach leaders, and leaders share how the company works.",
        f'<a class="button" href="{escape(authorize_url)}">Add to Slack</a>',
        "Slack shows what Rotnem may do and asks you to allow it. Finish in this browser "
        "within 10 minutes.",
    )


def installed(where: str, open_url: str, command: str, *, org_wide: bool) -> str:
    """The page after a completed install: where it is installed, and what to do next."""
    steps = (
        f'Next: <a href="{escape(open_url)}">choose the workspaces</a> of the organisation '
        f"that use Rotnem, then type <code>{escape(command)} help</code> in any of them."
        if org_wide
        else f'Next: <a href="{escape(open_url)}">open Slack</a> and type '
        f"<code>{escape(command)} help</code> in any channel or DM."
    )
    return _page(
        f"Rotnem is installed in {where}",
        steps,
        "People join with <code>" + escape(command) + " join</code>; the program's admins "
        "(ROTNEM_ADMINS) run the rounds.",
    )


@dataclass(frozen=True)
class Failure:
    """Why an install did not complete: the page's title, its explanation, the HTTP status."""

    title: str
    explanation: str
    status: int


_START_AGAIN = f'<a href="{INSTALL_PATH}">Start the install again</a>.'

FAILURES: dict[str, Failure] = {
    "access_denied": Failure(
        "The install was cancelled",
        "Nothing was installed: the permission screen in Slack was cancelled.",
        403,
    ),
    # No cookie, or a cookie for another install: the link was opened in another browser, or
    # someone else's link was followed.
    "invalid_browser": Failure(
        "This install link does not belong to this browser",
        "Nothing was installed: an install must finish in the browser that started it.",
        400,
    ),
    # Not signed by this server, expired, or already used.
    "invalid_state": Failure(
        "This install link has expired or was already used",
        "Nothing was installed: each install link works once, within 10 minutes.",
        400,
    ),
    "missing_code": Failure("Slack did not send an install code", "Nothing was installed.", 400),
    # Slack refused the code: already exchanged (a reloaded page), or too old.
    "invalid_code": Failure(
        "This install was already completed or has expired",
        "Nothing new was installed: Slack accepts each install code once. If Rotnem does not "
        "answer in Slack, install it again.",
        400,
    ),
    "storage_error": Failure(
        "The install could not be saved",
        "Slack approved the install but Rotnem could not save it. Please try again in a minute.",
        503,
    ),
}


def failure_of(reason: str) -> Failure:
    """The failure page for Bolt's or Slack's `reason` (an unknown one reads as Slack's)."""
    return FAILURES.get(
        reason,
        Failure(
            "Slack did not complete the install",
            f"Nothing was installed (Slack said: {reason[:100]}).",
            400,
        ),
    )


def failed(failure: Failure) -> str:
    return _page(failure.title, escape(failure.explanation), _START_AGAIN)
