"""The web pages of installing by OAuth: "Add to Slack", installed, and each way it can fail.

Every text from Slack (a workspace's name) goes through `html.escape`; the pages need no
scripts, so a strict Content-Security-Policy goes with them. They are written in the language in
force (`bot.i18n.speaking`): the browser's, as `language_of_browser` negotiates it from its
Accept-Language header.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, _, current_language

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


def language_of_browser(accept_language: str | None) -> str:
    """The language of `LANGUAGES` a browser prefers by its Accept-Language header
    ("fr-FR,fr;q=0.9,en;q=0.5" → "fr"), else English ("pt-BR", no header, a malformed one)."""
    from babel.core import negotiate_locale

    ranked: list[tuple[float, str]] = []
    for item in (accept_language or "").split(","):
        tag, _semicolon, parameters = item.strip().partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _equals, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        tag = tag.strip().lower()  # language tags are case-insensitive
        if tag and tag != "*" and quality > 0:
            ranked.append((quality, tag))
    # Highest quality first; equal ones keep the browser's order (the sort is stable).
    preferred = [tag for _quality, tag in sorted(ranked, key=lambda item: -item[0])]
    return negotiate_locale(preferred, list(LANGUAGES), sep="-") or DEFAULT_LANGUAGE


def _page(title: str, *paragraphs: str) -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f'<!doctype html><html lang="{current_language()}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def add_to_slack(authorize_url: str) -> str:
    """The page at /slack/install: what Rotnem is, and the button to Slack's permission screen."""
    button = escape(_("Add to Slack"))  # not inside the f-string: pybabel would not see it
    return _page(
        _("Add Rotnem to Slack"),
        _(
            "Rotnem runs a reverse-mentoring program in Slack: people who know today's tools "
            "teach leaders, and leaders share how the company works."
        ),
        f'<a class="button" href="{escape(authorize_url)}">{button}</a>',
        _(
            "Slack shows what Rotnem may do and asks you to allow it. Finish in this browser "
            "within 10 minutes."
        ),
    )


def installed(where: str, open_url: str, command: str, *, org_wide: bool) -> str:
    """The page after a completed install: where it is installed, and what to do next."""
    steps = (
        _(
            'Next: <a href="{url}">choose the workspaces</a> of the organisation that use '
            "Rotnem, then type <code>{command} help</code> in any of them."
        )
        if org_wide
        else _(
            'Next: <a href="{url}">open Slack</a> and type <code>{command} help</code> in any '
            "channel or DM."
        )
    )
    return _page(
        _("Rotnem is installed in {where}").format(where=where),
        steps.format(url=escape(open_url), command=escape(command)),
        _(
            "People join with <code>{command} join</code>; the program's admins "
            "(ROTNEM_ADMINS) run the rounds."
        ).format(command=escape(command)),
    )


@dataclass(frozen=True)
class Failure:
    """Why an install did not complete: the page's title, its explanation (English, marked for
    the catalog: `failed` translates them), the HTTP status, and what Slack said when the
    reason is one of Slack's we do not know (the explanation's `{reason}`)."""

    title: str
    explanation: str
    status: int
    slack_said: str | None = None


FAILURES: dict[str, Failure] = {
    "access_denied": Failure(
        N_("The install was cancelled"),
        N_("Nothing was installed: the permission screen in Slack was cancelled."),
        403,
    ),
    # No cookie, or a cookie for another install: the link was opened in another browser, or
    # someone else's link was followed.
    "invalid_browser": Failure(
        N_("This install link does not belong to this browser"),
        N_("Nothing was installed: an install must finish in the browser that started it."),
        400,
    ),
    # Not signed by this server, expired, or already used.
    "invalid_state": Failure(
        N_("This install link has expired or was already used"),
        N_("Nothing was installed: each install link works once, within 10 minutes."),
        400,
    ),
    "missing_code": Failure(
        N_("Slack did not send an install code"), N_("Nothing was installed."), 400
    ),
    # Slack refused the code: already exchanged (a reloaded page), or too old.
    "invalid_code": Failure(
        N_("This install was already completed or has expired"),
        N_(
            "Nothing new was installed: Slack accepts each install code once. If Rotnem does "
            "not answer in Slack, install it again."
        ),
        400,
    ),
    "storage_error": Failure(
        N_("The install could not be saved"),
        N_(
            "Slack approved the install but Rotnem could not save it. Please try again in a minute."
        ),
        503,
    ),
}


def failure_of(reason: str) -> Failure:
    """The failure page for Bolt's or Slack's `reason` (an unknown one reads as Slack's)."""
    return FAILURES.get(
        reason,
        Failure(
            N_("Slack did not complete the install"),
            N_("Nothing was installed (Slack said: {reason})."),
            400,
            slack_said=reason[:100],
        ),
    )


def failed(failure: Failure) -> str:
    explanation = _(failure.explanation)
    if failure.slack_said is not None:
        explanation = explanation.format(reason=failure.slack_said)
    start_again = _('<a href="{path}">Start the install again</a>.').format(path=INSTALL_PATH)
    return _page(_(failure.title), escape(explanation), start_again)
