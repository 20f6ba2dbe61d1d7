"""tenant sensitivity

Adds tenants.sensitivity (a preset name or per-label thresholds, NULL = the model's own)
and messages.thresholds (the sensitivity and thresholds that decided the message's
labels; NULL for messages stored before this revision).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("sensitivity", sa.JSON(), nullable=True))
    with op.batch_alter_table("messages", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("thresholds", sa.JSON(), nullable=True))


def downgrade() -> None:
    # recreate="never": on SQLite a rebuilt tenants table would be dropped with foreign
    # keys on, and that cascades to every client and message. SQLite >= 3.35 drops a
    # plain column in place.
    with op.batch_alter_table("messages", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("thresholds")
    with op.batch_alter_table("tenants", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("sensitivity")
