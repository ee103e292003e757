"""each program's prompt catalogue: the shared prompts (the ones we ship) plus the prompts a
program adds itself (`prompts.team_id`, the program's key), as its tool catalogue (0018)

Where the data says which program a prompt from before is for, it moves there: a prompt about a
program's own tool (0018) could only ever reach that program's pairs, so it becomes that
program's (and goes when its workspace is deleted). Every other prompt stays shared, HR's
included, as 0018 kept HR's tools: a prompt records who added it, not where, and a user ID does
not name a workspace (ROTNEM_ADMINS act in every workspace, a Grid user is in several). Guessing
could take a prompt from the workspace that wrote it, and the weekly prompts other workspaces
already got from it would then point at a prompt kept under another workspace's key, which
`rotnem workspace delete` could not remove. Every program keeps the prompts it could get, and
from now on a program's additions are its own.

A downgrade makes the programs' own prompts shared again (the catalogue was one for everyone
before).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-15 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("prompts", sa.Column("team_id", sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE prompts SET team_id = (SELECT tools.team_id FROM tools WHERE tools.id = "
        "prompts.tool_id) WHERE tool_id IN (SELECT id FROM tools WHERE team_id IS NOT NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("prompts", schema=None) as batch_op:
        batch_op.drop_column("team_id")
