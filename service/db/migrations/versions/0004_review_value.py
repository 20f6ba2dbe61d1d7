"""review queue and client value

Adds review_items (labels whose score sat near the threshold, waiting for an agent),
review_cursors (how far the queue has read each tenant's messages) and client_values
(revenue and/or plan a tenant attached to a client).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 17:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("message_pk", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("feedback_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_review_items_tenant_id_tenants"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_pk"], ["messages.id"],
                                name=op.f("fk_review_items_message_pk_messages"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["feedback_id"], ["feedback.id"],
                                name=op.f("fk_review_items_feedback_id_feedback"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
        sa.UniqueConstraint("message_pk", "label", name="uq_review_items_message_label"),
    )
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.create_index("ix_review_items_tenant_decision", ["tenant_id", "decision"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_review_items_feedback_id"), ["feedback_id"],
                              unique=False)
    op.create_table(
        "review_cursors",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("last_message_pk", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_review_cursors_tenant_id_tenants"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_review_cursors")),
    )
    op.create_table(
        "client_values",
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("plan", sa.String(length=100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_pk"], ["clients.id"],
                                name=op.f("fk_client_values_client_pk_clients"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("client_pk", name=op.f("pk_client_values")),
    )


def downgrade() -> None:
    op.drop_table("client_values")
    op.drop_table("review_cursors")
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_items_feedback_id"))
        batch_op.drop_index("ix_review_items_tenant_decision")
    op.drop_table("review_items")
