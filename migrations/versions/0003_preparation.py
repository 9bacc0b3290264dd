"""results and agendas

The result catalogue as rows, results, practice and personal targets, clinical profiles,
agenda prompts, agendas and preparation notes. (Numbered 0003 but applied after 0004, which
was merged first: the chain is 0001, 0002, 0004, 0003.)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:29:41.944280

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    result_types = op.create_table('result_types',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_result_types'))
    )
    # The catalogue's result types as rows, so results and targets have something to refer
    # to. Later catalogue changes are synced by `flask results sync-catalogue` (and the demo
    # seed), which updates these rows in place.
    from webapp.content.result_catalogue import RESULT_TYPES

    op.bulk_insert(result_types, [
        {"code": spec.code, "name": spec.name, "unit": spec.unit, "kind": spec.kind.value,
         "position": position} for position, spec in enumerate(RESULT_TYPES)])
    op.create_table('agenda_prompts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=True),
    sa.Column('section', sa.Enum('since-last-time', 'topics', 'matters-most', 'results', 'change', name='promptsection', native_enum=False, length=20), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('hint', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('invites_words', sa.Boolean(), nullable=False),
    sa.Column('flag_for_clinician', sa.Boolean(), nullable=False),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_agenda_prompts_practice_id_practices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_prompts')),
    sa.UniqueConstraint('practice_id', 'key', name=op.f('uq_agenda_prompts_practice_id_key'))
    )
    with op.batch_alter_table('agenda_prompts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_prompts_practice_id'), ['practice_id'], unique=False)

    op.create_table('clinical_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('type_1_diabetes', sa.Boolean(), nullable=False),
    sa.Column('on_hypo_causing_drug', sa.Boolean(), nullable=False),
    sa.Column('established_cvd', sa.Boolean(), nullable=False),
    sa.Column('family_background', sa.String(length=40), nullable=True),
    sa.Column('treatment_baselines', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_clinical_profiles_patient_id_patients')),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_clinical_profiles_practice_id_practices')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_clinical_profiles_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinical_profiles')),
    sa.UniqueConstraint('patient_id', name=op.f('uq_clinical_profiles_patient_id'))
    )
    with op.batch_alter_table('clinical_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clinical_profiles_practice_id'), ['practice_id'], unique=False)

    op.create_table('personal_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('result_code', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('at-most', 'below', 'at-least', 'between', 'bp-below', 'one-of', 'reduction', name='targetkind', native_enum=False, length=20), nullable=False),
    sa.Column('low', sa.Numeric(precision=12, scale=3), nullable=True),
    sa.Column('high', sa.Numeric(precision=12, scale=3), nullable=True),
    sa.Column('systolic', sa.Integer(), nullable=True),
    sa.Column('diastolic', sa.Integer(), nullable=True),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_personal_targets_patient_id_patients')),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_personal_targets_practice_id_practices')),
    sa.ForeignKeyConstraint(['result_code'], ['result_types.code'], name=op.f('fk_personal_targets_result_code_result_types')),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_personal_targets_set_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_targets')),
    sa.UniqueConstraint('patient_id', 'result_code', name=op.f('uq_personal_targets_patient_id_result_code'))
    )
    with op.batch_alter_table('personal_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_targets_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_targets_practice_id'), ['practice_id'], unique=False)

    op.create_table('practice_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('result_code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('at-most', 'below', 'at-least', 'between', 'bp-below', 'one-of', 'reduction', name='targetkind', native_enum=False, length=20), nullable=False),
    sa.Column('low', sa.Numeric(precision=12, scale=3), nullable=True),
    sa.Column('high', sa.Numeric(precision=12, scale=3), nullable=True),
    sa.Column('systolic', sa.Integer(), nullable=True),
    sa.Column('diastolic', sa.Integer(), nullable=True),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_practice_targets_practice_id_practices')),
    sa.ForeignKeyConstraint(['result_code'], ['result_types.code'], name=op.f('fk_practice_targets_result_code_result_types')),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_practice_targets_set_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_targets')),
    sa.UniqueConstraint('practice_id', 'result_code', name=op.f('uq_practice_targets_practice_id_result_code'))
    )
    with op.batch_alter_table('practice_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_targets_practice_id'), ['practice_id'], unique=False)

    op.create_table('result_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_result_imports_imported_by_id_users')),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_result_imports_practice_id_practices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_imports'))
    )
    with op.batch_alter_table('result_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_imports_practice_id'), ['practice_id'], unique=False)

    op.create_table('agendas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at_ms', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_agendas_patient_id_patients')),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_agendas_practice_id_practices')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_agendas_review_id_reviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agendas')),
    sa.UniqueConstraint('review_id', name=op.f('uq_agendas_review_id'))
    )
    with op.batch_alter_table('agendas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agendas_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agendas_practice_id'), ['practice_id'], unique=False)

    op.create_table('preparation_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('triaged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('triaged_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_preparation_notes_patient_id_patients')),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_preparation_notes_practice_id_practices')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_preparation_notes_review_id_reviews')),
    sa.ForeignKeyConstraint(['triaged_by_id'], ['users.id'], name=op.f('fk_preparation_notes_triaged_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_preparation_notes_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_preparation_notes')),
    sa.UniqueConstraint('review_id', name=op.f('uq_preparation_notes_review_id'))
    )
    with op.batch_alter_table('preparation_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_preparation_notes_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_preparation_notes_practice_id'), ['practice_id'], unique=False)

    op.create_table('results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('result_code', sa.String(length=40), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('number', sa.Numeric(precision=12, scale=3), nullable=True),
    sa.Column('systolic', sa.Integer(), nullable=True),
    sa.Column('diastolic', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('item_9', sa.Integer(), nullable=True),
    sa.Column('source', sa.Enum('entered', 'imported', name='resultsource', native_enum=False, length=20), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_results_entered_by_id_users')),
    sa.ForeignKeyConstraint(['import_id'], ['result_imports.id'], name=op.f('fk_results_import_id_result_imports')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_results_patient_id_patients')),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_results_practice_id_practices')),
    sa.ForeignKeyConstraint(['result_code'], ['result_types.code'], name=op.f('fk_results_result_code_result_types')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_results_review_id_reviews')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_results_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_results')),
    sa.UniqueConstraint('patient_id', 'result_code', 'taken_on', name=op.f('uq_results_patient_id_result_code_taken_on'))
    )
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_results_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_results_practice_id'), ['practice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_results_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_results_shared_at'), ['shared_at'], unique=False)

    op.create_table('agenda_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('prompt_id', sa.Integer(), nullable=False),
    sa.Column('ticked', sa.Boolean(), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_id'], ['agendas.id'], name=op.f('fk_agenda_entries_agenda_id_agendas')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_agenda_entries_patient_id_patients')),
    sa.ForeignKeyConstraint(['prompt_id'], ['agenda_prompts.id'], name=op.f('fk_agenda_entries_prompt_id_agenda_prompts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_entries')),
    sa.UniqueConstraint('agenda_id', 'prompt_id', name=op.f('uq_agenda_entries_agenda_id_prompt_id'))
    )
    with op.batch_alter_table('agenda_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_entries_agenda_id'), ['agenda_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_entries_patient_id'), ['patient_id'], unique=False)

    op.create_table('agenda_priorities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('prompt_id', sa.Integer(), nullable=True),
    sa.Column('result_code', sa.String(length=40), nullable=True),
    sa.Column('words', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_id'], ['agendas.id'], name=op.f('fk_agenda_priorities_agenda_id_agendas')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_agenda_priorities_patient_id_patients')),
    sa.ForeignKeyConstraint(['prompt_id'], ['agenda_prompts.id'], name=op.f('fk_agenda_priorities_prompt_id_agenda_prompts')),
    sa.ForeignKeyConstraint(['result_code'], ['result_types.code'], name=op.f('fk_agenda_priorities_result_code_result_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_priorities')),
    sa.UniqueConstraint('agenda_id', 'rank', name=op.f('uq_agenda_priorities_agenda_id_rank'))
    )
    with op.batch_alter_table('agenda_priorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_priorities_agenda_id'), ['agenda_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_priorities_patient_id'), ['patient_id'], unique=False)

    op.create_table('agenda_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('result_code', sa.String(length=40), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agenda_id'], ['agendas.id'], name=op.f('fk_agenda_results_agenda_id_agendas')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_agenda_results_patient_id_patients')),
    sa.ForeignKeyConstraint(['result_code'], ['result_types.code'], name=op.f('fk_agenda_results_result_code_result_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_results')),
    sa.UniqueConstraint('agenda_id', 'result_code', name=op.f('uq_agenda_results_agenda_id_result_code'))
    )
    with op.batch_alter_table('agenda_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_results_agenda_id'), ['agenda_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_results_patient_id'), ['patient_id'], unique=False)



def downgrade():
    with op.batch_alter_table('agenda_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_results_patient_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_results_agenda_id'))

    op.drop_table('agenda_results')
    with op.batch_alter_table('agenda_priorities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_priorities_patient_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_priorities_agenda_id'))

    op.drop_table('agenda_priorities')
    with op.batch_alter_table('agenda_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_entries_patient_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_entries_agenda_id'))

    op.drop_table('agenda_entries')
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_results_shared_at'))
        batch_op.drop_index(batch_op.f('ix_results_review_id'))
        batch_op.drop_index(batch_op.f('ix_results_practice_id'))
        batch_op.drop_index(batch_op.f('ix_results_patient_id'))

    op.drop_table('results')
    with op.batch_alter_table('preparation_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_preparation_notes_practice_id'))
        batch_op.drop_index(batch_op.f('ix_preparation_notes_patient_id'))

    op.drop_table('preparation_notes')
    with op.batch_alter_table('agendas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agendas_practice_id'))
        batch_op.drop_index(batch_op.f('ix_agendas_patient_id'))

    op.drop_table('agendas')
    with op.batch_alter_table('result_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_imports_practice_id'))

    op.drop_table('result_imports')
    with op.batch_alter_table('practice_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_targets_practice_id'))

    op.drop_table('practice_targets')
    with op.batch_alter_table('personal_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_targets_practice_id'))
        batch_op.drop_index(batch_op.f('ix_personal_targets_patient_id'))

    op.drop_table('personal_targets')
    with op.batch_alter_table('clinical_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clinical_profiles_practice_id'))

    op.drop_table('clinical_profiles')
    with op.batch_alter_table('agenda_prompts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_prompts_practice_id'))

    op.drop_table('agenda_prompts')
    op.drop_table('result_types')
