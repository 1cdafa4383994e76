"""An induction course keeps its minimum gap, so a session moved later keeps it too.

Courses booked before this had no record of their gap; they get the default, 24 hours.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_gap_hours', sa.Integer(), nullable=True))
    op.execute("UPDATE course SET min_gap_hours = 24 WHERE kind = 'induction'")


def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('min_gap_hours')
