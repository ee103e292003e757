"""Schema upgrades through Alembic, callable from the CLI and the tests.

Every process checks the schema's revision when it starts, but only `rotnem migrate` (and
`serve` without --no-migrate) changes it: the revisions are read from the migration files'
headers, and Alembic (about 11 MB) is imported only to upgrade or downgrade.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import migrations

if TYPE_CHECKING:
    from alembic.config import Config

_SCRIPT_LOCATION = Path(migrations.__file__).parent


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at the packaged migrations and the given database."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_SCRIPT_LOCATION))
    # ConfigParser interpolation would choke on a '%' in a password.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


@cache
def _down_revisions() -> dict[str, frozenset[str]]:
    """Each packaged revision and the revisions it follows, from the files' `revision` and
    `down_revision` assignments (Alembic's own header; read, not executed)."""
    graph: dict[str, frozenset[str]] = {}
    for path in sorted((_SCRIPT_LOCATION / "versions").glob("*.py")):
        header: dict[str, object] = {}
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
                targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
                for target in targets:
                    if isinstance(target, ast.Name) and target.id in _HEADER:
                        header[target.id] = ast.literal_eval(node.value)
        revision, down = header.get("revision"), header.get("down_revision")
        if isinstance(revision, str):
            follows = (down,) if isinstance(down, str) else down or ()
            assert isinstance(follows, tuple | list), f"{path.name}: down_revision"
            graph[revision] = frozenset(map(str, follows))
    return graph


_HEADER = {"revision", "down_revision"}


def head_revision() -> str:
    """The revision `upgrade` brings a database to."""
    graph = _down_revisions()
    heads = set(graph).difference(*graph.values())
    assert len(heads) == 1, "the packaged migrations have one head"
    return heads.pop()


def known_revisions() -> set[str]:
    """Every revision of the packaged migrations."""
    return set(_down_revisions())


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema to `revision` (synchronous: Alembic runs its own event loop)."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)
