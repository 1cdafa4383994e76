"""Each treatment type may carry its own course protocol, the defaults a booking leaves out.

Treatment types set up before this have none (NULL), so their courses keep the service's
general defaults (24 hours apart, within 21 days; maintenance every 28 days), as before.

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('treatment_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('protocol', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('treatment_type', schema=None) as batch_op:
        batch_op.drop_column('protocol')
