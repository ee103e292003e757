"""The key a workspace's data is stored under (the `team_id` column of every table).

A workspace installs Rotnem for itself: its team ID. An org-wide install on Enterprise Grid
(`is_enterprise_install`) serves the whole org as one: the enterprise ID, so that a program spans
the org's workspaces and a person (whose user ID is the same in every workspace of the org) is one
participant. With one SLACK_BOT_TOKEN it is always the team ID, as before.
"""

from __future__ import annotations


def data_key(team_id: str | None, enterprise_id: str | None, is_enterprise_install: bool) -> str:
    """Where the data of a request or install from this team (and org) lives."""
    if is_enterprise_install and enterprise_id:
        return enterprise_id
    return team_id or ""


def is_org_key(key: str) -> bool:
    """Whether `key` names a Grid org (an org-wide install) rather than one workspace."""
    return key.startswith("E")
