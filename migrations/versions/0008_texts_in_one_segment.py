"""Texts say which session moved and what to prepare in the treatment type's own short line.

A reschedule notice keeps the start its session had (notification.moved_from); a treatment type
gets a short preparation line for texts (treatment_type.sms_preparation). Treatment types set up
before this keep the line every text used to carry, so their reminders still say it.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

EARLIER_LINE = "No food 4h before. Bring a ride home: no driving till the next day."


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moved_from', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('treatment_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sms_preparation', sa.String(length=160), nullable=False,
                                      server_default=''))
    op.execute(sa.text("UPDATE treatment_type SET sms_preparation = :line").bindparams(line=EARLIER_LINE))


def downgrade():
    with op.batch_alter_table('treatment_type', schema=None) as batch_op:
        batch_op.drop_column('sms_preparation')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('moved_from')
