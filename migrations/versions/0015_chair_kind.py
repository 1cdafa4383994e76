"""A chair is a treatment chair or a room: a recovery or consult room is never booked for a dose.

Every place set up before this was booked as a chair, so each existing row stays a chair.

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('chair', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='chair', nullable=False))
        batch_op.create_check_constraint(op.f('ck_chair_kind_known'), "kind IN ('chair', 'room')")


def downgrade():
    with op.batch_alter_table('chair', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_chair_kind_known'), type_='check')
        batch_op.drop_column('kind')
