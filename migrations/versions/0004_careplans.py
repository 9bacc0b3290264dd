"""care plans and progress

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 14:07:19.191613

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('support_services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_support_services_practice_id_practices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_services'))
    )
    with op.batch_alter_table('support_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_services_practice_id'), ['practice_id'], unique=False)

    op.create_table('care_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('check_in_after_days', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_care_plans_patient_id_patients')),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_care_plans_practice_id_practices')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_care_plans_review_id_reviews')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_care_plans_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_plans')),
    sa.UniqueConstraint('review_id', name=op.f('uq_care_plans_review_id'))
    )
    with op.batch_alter_table('care_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_plans_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_plans_practice_id'), ['practice_id'], unique=False)

    op.create_table('care_plan_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('care_plan_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['care_plan_id'], ['care_plans.id'], name=op.f('fk_care_plan_revisions_care_plan_id_care_plans')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_care_plan_revisions_patient_id_patients')),
    sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], name=op.f('fk_care_plan_revisions_saved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_plan_revisions')),
    sa.UniqueConstraint('care_plan_id', 'number', name=op.f('uq_care_plan_revisions_care_plan_id_number'))
    )
    with op.batch_alter_table('care_plan_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_plan_revisions_care_plan_id'), ['care_plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_plan_revisions_patient_id'), ['patient_id'], unique=False)

    op.create_table('care_plan_support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('care_plan_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['care_plan_id'], ['care_plans.id'], name=op.f('fk_care_plan_support_care_plan_id_care_plans')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_care_plan_support_patient_id_patients')),
    sa.ForeignKeyConstraint(['service_id'], ['support_services.id'], name=op.f('fk_care_plan_support_service_id_support_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_plan_support')),
    sa.UniqueConstraint('care_plan_id', 'service_id', name=op.f('uq_care_plan_support_care_plan_id_service_id'))
    )
    with op.batch_alter_table('care_plan_support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_plan_support_care_plan_id'), ['care_plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_plan_support_patient_id'), ['patient_id'], unique=False)

    op.create_table('check_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('care_plan_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('wants_change', sa.Boolean(), nullable=False),
    sa.Column('change_request', sa.Text(), nullable=False),
    sa.Column('change_handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['care_plan_id'], ['care_plans.id'], name=op.f('fk_check_ins_care_plan_id_care_plans')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_check_ins_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_ins'))
    )
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_ins_care_plan_id'), ['care_plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_ins_patient_id'), ['patient_id'], unique=False)

    op.create_table('goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('care_plan_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['care_plan_id'], ['care_plans.id'], name=op.f('fk_goals_care_plan_id_care_plans')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_goals_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goals'))
    )
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goals_care_plan_id'), ['care_plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goals_patient_id'), ['patient_id'], unique=False)

    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('care_plan_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=300), nullable=False),
    sa.Column('where', sa.String(length=200), nullable=False),
    sa.Column('when', sa.String(length=200), nullable=False),
    sa.Column('times', sa.Integer(), nullable=False),
    sa.Column('per', sa.Enum('day', 'week', name='per', native_enum=False, length=20), nullable=False),
    sa.Column('measure_unit', sa.String(length=40), nullable=True),
    sa.Column('measure_target', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('confidence', sa.Integer(), nullable=False),
    sa.Column('barriers', sa.Text(), nullable=False),
    sa.Column('helps', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['care_plan_id'], ['care_plans.id'], name=op.f('fk_actions_care_plan_id_care_plans')),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_actions_goal_id_goals')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_actions_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_care_plan_id'), ['care_plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_patient_id'), ['patient_id'], unique=False)

    op.create_table('check_in_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_in_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('going', sa.Enum('well', 'ok', 'hard', name='howitisgoing', native_enum=False, length=20), nullable=False),
    sa.Column('confidence', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_check_in_answers_action_id_actions')),
    sa.ForeignKeyConstraint(['check_in_id'], ['check_ins.id'], name=op.f('fk_check_in_answers_check_in_id_check_ins')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_check_in_answers_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in_answers'))
    )
    with op.batch_alter_table('check_in_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_in_answers_check_in_id'), ['check_in_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_in_answers_patient_id'), ['patient_id'], unique=False)

    op.create_table('progress_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('body_hash', sa.String(length=64), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('done', 'partly', 'not_today', name='progressstatus', native_enum=False, length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('reason', sa.Enum('unwell', 'away', 'other', name='skipreason', native_enum=False, length=20), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_progress_entries_action_id_actions')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_progress_entries_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_entries')),
    sa.UniqueConstraint('client_id', name=op.f('uq_progress_entries_client_id'))
    )
    with op.batch_alter_table('progress_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_entries_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_entries_local_date'), ['local_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_entries_patient_id'), ['patient_id'], unique=False)




def downgrade():

    with op.batch_alter_table('progress_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_entries_patient_id'))
        batch_op.drop_index(batch_op.f('ix_progress_entries_local_date'))
        batch_op.drop_index(batch_op.f('ix_progress_entries_action_id'))

    op.drop_table('progress_entries')
    with op.batch_alter_table('check_in_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_in_answers_patient_id'))
        batch_op.drop_index(batch_op.f('ix_check_in_answers_check_in_id'))

    op.drop_table('check_in_answers')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actions_patient_id'))
        batch_op.drop_index(batch_op.f('ix_actions_goal_id'))
        batch_op.drop_index(batch_op.f('ix_actions_care_plan_id'))

    op.drop_table('actions')
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goals_patient_id'))
        batch_op.drop_index(batch_op.f('ix_goals_care_plan_id'))

    op.drop_table('goals')
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_ins_patient_id'))
        batch_op.drop_index(batch_op.f('ix_check_ins_care_plan_id'))

    op.drop_table('check_ins')
    with op.batch_alter_table('care_plan_support', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_plan_support_patient_id'))
        batch_op.drop_index(batch_op.f('ix_care_plan_support_care_plan_id'))

    op.drop_table('care_plan_support')
    with op.batch_alter_table('care_plan_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_plan_revisions_patient_id'))
        batch_op.drop_index(batch_op.f('ix_care_plan_revisions_care_plan_id'))

    op.drop_table('care_plan_revisions')
    with op.batch_alter_table('care_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_plans_practice_id'))
        batch_op.drop_index(batch_op.f('ix_care_plans_patient_id'))

    op.drop_table('care_plans')
    with op.batch_alter_table('support_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_services_practice_id'))

    op.drop_table('support_services')

