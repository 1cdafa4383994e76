"""The clinic's time format: the staff pages write times of day as 9:30 AM or as 09:30.

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # 24-hour for clinics set up already: their pages keep looking as they did until the admin
    # chooses.
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_format', sa.String(length=3), server_default='24h', nullable=False))


def downgrade():
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.drop_column('time_format')
