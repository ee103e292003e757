"""Schema upgrades through Alembic, callable from the CLI and the tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

import migrations

_SCRIPT_LOCATION = Path(migrations.__file__).parent


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at the packaged migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(_SCRIPT_LOCATION))
    # ConfigParser interpolation would choke on a '%' in a password.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(_SCRIPT_LOCATION))


def head_revision() -> str:
    """The revision `upgrade` brings a database to."""
    head = _scripts().get_current_head()
    assert head is not None, "the packaged migrations have one head"
    return head


def known_revisions() -> set[str]:
    """Every revision of the packaged migrations."""
    return {script.revision for script in _scripts().walk_revisions()}


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema to `revision` (synchronous: Alembic runs its own event loop)."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
