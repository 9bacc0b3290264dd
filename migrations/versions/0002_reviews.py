"""reviews

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 14:03:09.650232

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('clinician_id', sa.Integer(), nullable=True),
    sa.Column('gathering_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('conversation_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('shared_by_id', sa.Integer(), nullable=True),
    sa.Column('agenda_submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('conversation_done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['clinician_id'], ['users.id'], name=op.f('fk_reviews_clinician_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_reviews_created_by_id_users')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_reviews_patient_id_patients')),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_reviews_practice_id_practices')),
    sa.ForeignKeyConstraint(['shared_by_id'], ['users.id'], name=op.f('fk_reviews_shared_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_practice_id'), ['practice_id'], unique=False)




def downgrade():

    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_practice_id'))
        batch_op.drop_index(batch_op.f('ix_reviews_patient_id'))

    op.drop_table('reviews')

