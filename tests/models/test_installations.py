"""Our declaration of slack_sdk's installation tables matches the one slack_sdk's stores use."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table

from models.installations import SlackBots, SlackInstallations, SlackOAuthStates


def _shape(table: Table) -> dict[str, object]:
    return {
        "columns": [(c.name, repr(c.type), c.nullable, c.primary_key) for c in table.columns],
        "indexes": sorted(
            (index.name, tuple(c.name for c in index.columns)) for index in table.indexes
        ),
    }


def test_the_tables_are_slack_sdks_column_for_column() -> None:
    theirs = MetaData()
    expected = {
        "slack_bots": SQLAlchemyInstallationStore.build_bots_table(theirs, "slack_bots"),
        "slack_installations": SQLAlchemyInstallationStore.build_installations_table(
            theirs, "slack_installations"
        ),
        "slack_oauth_states": SQLAlchemyOAuthStateStore.build_oauth_states_table(
            theirs, "slack_oauth_states"
        ),
    }
    ours = {t.name: t for t in (SlackBots, SlackInstallations, SlackOAuthStates)}
    assert {name: _shape(t) for name, t in ours.items()} == {
        name: _shape(t) for name, t in expected.items()
    }
