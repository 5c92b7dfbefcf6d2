"""Initial schema: users, sessions, turns, turn_estimates, turn_causes.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create the five memory tables."""
    _create_users()
    _create_sessions()
    _create_turns()
    _create_turn_estimates()
    _create_turn_causes()


def _create_users() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )


def _create_sessions() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sessions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_sessions_user_id_name")),
    )


def _create_turns() -> None:
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_text", sa.Text(), nullable=False),
        sa.Column("reply_text", sa.Text(), nullable=False),
        sa.Column("response_emotion", sa.String(length=32), nullable=False),
        sa.Column("response_valence", sa.Float(), nullable=False),
        sa.Column("response_arousal", sa.Float(), nullable=False),
        sa.Column("response_dominance", sa.Float(), nullable=False),
        sa.Column("response_intensity", sa.Float(), nullable=False),
        sa.Column("fused_label", sa.String(length=32), nullable=False),
        sa.Column("timings", sa.JSON(), nullable=False),
        sa.Column("persona", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"],
                                name=op.f("fk_turns_session_id_sessions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turns")),
        sa.UniqueConstraint("session_id", "index", name=op.f("uq_turns_session_id_index")),
    )


def _create_turn_estimates() -> None:
    op.create_table(
        "turn_estimates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("is_fused", sa.Boolean(), nullable=False),
        sa.Column("modality", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("valence", sa.Float(), nullable=False),
        sa.Column("arousal", sa.Float(), nullable=False),
        sa.Column("dominance", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["turn_id"], ["turns.id"],
                                name=op.f("fk_turn_estimates_turn_id_turns"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turn_estimates")),
    )
    op.create_index(op.f("ix_turn_estimates_turn_id"), "turn_estimates", ["turn_id"])


def _create_turn_causes() -> None:
    op.create_table(
        "turn_causes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("utterance", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["turn_id"], ["turns.id"],
                                name=op.f("fk_turn_causes_turn_id_turns"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turn_causes")),
    )
    op.create_index(op.f("ix_turn_causes_turn_id"), "turn_causes", ["turn_id"])


def downgrade() -> None:
    """Drop the five memory tables (all stored memory is lost)."""
    op.drop_index(op.f("ix_turn_causes_turn_id"), table_name="turn_causes")
    op.drop_table("turn_causes")
    op.drop_index(op.f("ix_turn_estimates_turn_id"), table_name="turn_estimates")
    op.drop_table("turn_estimates")
    op.drop_table("turns")
    op.drop_table("sessions")
    op.drop_table("users")
