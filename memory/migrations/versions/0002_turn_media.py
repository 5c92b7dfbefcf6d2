"""Raw media of a turn (recordings, webcam frames), written only when the app's setting allows it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Add the turn_media table (existing turns keep no media: none was ever stored)."""
    op.create_table(
        "turn_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("mime_type", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["turn_id"], ["turns.id"],
                                name=op.f("fk_turn_media_turn_id_turns"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turn_media")),
    )
    op.create_index(op.f("ix_turn_media_turn_id"), "turn_media", ["turn_id"])


def downgrade() -> None:
    """Drop the turn_media table (stored media are lost; turns are kept)."""
    op.drop_index(op.f("ix_turn_media_turn_id"), table_name="turn_media")
    op.drop_table("turn_media")
