"""an outbox row can be withdrawn: a pair's weekly prompt or check-in still waiting when the
pair ends is never sent (`outbox_messages.status = 'withdrawn'`)

A downgrade deletes the withdrawn rows (the older version knows no withdrawn state): failed,
they would be re-queued by `rotnem outbox retry --failed` and sent to pairs long ended. Nothing
points at an outbox row, and nothing queues them again: the ticks skip ended pairs.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-16 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = "status IN ('pending', 'sending', 'sent', 'failed'{})"


def _statuses(check: str) -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_messages_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_messages_status"), sa.text(check))


def upgrade() -> None:
    _statuses(_STATUSES.format(", 'withdrawn'"))


def downgrade() -> None:
    op.execute("DELETE FROM outbox_messages WHERE status = 'withdrawn'")
    _statuses(_STATUSES.format(""))
