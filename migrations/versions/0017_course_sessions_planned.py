"""A course keeps how many sessions it was booked with, so a cancelled one leaves it visibly
short until a replacement is booked.

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sessions_planned', sa.Integer(), nullable=True))
    # Until now a course only ever had the sessions it was booked with.
    op.execute("UPDATE course SET sessions_planned = "
               "(SELECT count(*) FROM appointment WHERE appointment.course_id = course.id)")


def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('sessions_planned')
