"""The key a program's data is stored under (the `team_id` column of every table).

A workspace installs Rotnem for itself: its team ID. An org-wide install on Enterprise Grid
(`is_enterprise_install`) serves the whole org as one: the enterprise ID, so that a program spans
the org's workspaces and a person (whose user ID is the same in every workspace of the org) is one
participant. With one SLACK_BOT_TOKEN it is always the team ID, as before.

That key is also the workspace's first program. Each further program is the same key with its
number (`T0123~2`): every table, query and notice keyed by `team_id` keeps a program's people,
pairs, settings and wording apart from another's unchanged, and the data from before several
programs existed *is* the first program, without a data migration. What belongs to the
workspace rather than to a program — its install and token, Slack's rate limits, the manager
directory, rules that hold across programs — is read under `workspace_of(key)`. Slack IDs never
contain `~`.
"""

from __future__ import annotations

from sqlalchemy import BindParameter, ColumnElement, or_
from sqlalchemy.orm import QueryableAttribute

PROGRAM_MARK = "~"
FIRST_PROGRAM = 1


def data_key(team_id: str | None, enterprise_id: str | None, is_enterprise_install: bool) -> str:
    """Where the data of a request or install from this team (and org) lives: its first
    program's key."""
    if is_enterprise_install and enterprise_id:
        return enterprise_id
    return team_id or ""


def is_org_key(key: str) -> bool:
    """Whether `key` names a Grid org (an org-wide install) rather than one workspace."""
    return key.startswith("E")


def program_key(workspace: str, number: int) -> str:
    """The key of the workspace's program `number` (the first one's is the workspace's)."""
    return workspace if number == FIRST_PROGRAM else f"{workspace}{PROGRAM_MARK}{number}"


def workspace_of(key: str) -> str:
    """The workspace (or Grid org) a program's key belongs to."""
    return key.partition(PROGRAM_MARK)[0]


def program_number(key: str) -> int:
    """Which of its workspace's programs `key` is (1 for the first)."""
    _workspace, _mark, number = key.partition(PROGRAM_MARK)
    return int(number) if number.isdigit() else FIRST_PROGRAM


def in_workspace(
    column: ColumnElement[str] | QueryableAttribute[str], workspace: str
) -> ColumnElement[bool]:
    """`column` holds the key of one of `workspace`'s programs (rules across programs)."""
    return or_(column == workspace, column.startswith(workspace + PROGRAM_MARK, autoescape=True))


def shared_or_own(
    column: ColumnElement[str | None] | QueryableAttribute[str | None],
    key: str | BindParameter[str],
) -> ColumnElement[bool]:
    """A catalogue row (a tool, a prompt) the program `key` knows: shared by every program (kept
    under no key: the ones we ship) or the program's own."""
    return or_(column.is_(None), column == key)
