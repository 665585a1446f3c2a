"""users.session_generation: ending every earlier session of an agency user

Revision ID: 0002_user_sessions
Revises: 0001_master
Create Date: 2026-12-01 09:00:00

A session stores the generation its user had at login; logout, a password change and "sign out
everywhere" increment it, so every session issued before no longer counts.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0002_user_sessions'
down_revision: Union[str, Sequence[str], None] = '0001_master'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
