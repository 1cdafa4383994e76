"""A course may be booked with a named clinician, for continuity of care.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clinician_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_course_clinician_id_clinician'), 'clinician',
                                    ['clinician_id'], ['id'])


def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_course_clinician_id_clinician'), type_='foreignkey')
        batch_op.drop_column('clinician_id')
