"""Importing results from a CSV file: every kind of bad row is reported with its line and a
reason staff can act on, and a file with any bad row imports nothing."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.support.factories import (
    make_patient,
    make_result,
    make_review,
    result_types,
)
from webapp.extensions import db
from webapp.interop.csv_results import (
    MAX_ROWS,
    RowProblem,
    check_against_practice,
    decode,
    import_results,
    read_csv,
)
from webapp.models import AuditEvent, Result, ResultImport, ResultSource

TODAY = date(2026, 3, 20)
HEADER = "nhs_number,result_code,value,unit,date\n"
NHS = "9990000018"  # valid: check digit 8
OTHER_NHS = "9990000026"


def reading(*lines: str, header: str = HEADER):
    return read_csv(header + "\n".join(lines) + "\n", today=TODAY)


def problems(*lines: str, header: str = HEADER) -> list[RowProblem]:
    return reading(*lines, header=header).problems


# --- good files ------------------------------------------------------------------------------


def test_a_good_file_is_read_whole():
    result = reading(f"{NHS},hba1c,53,mmol/mol,2026-03-14",
                     f"{NHS},blood-pressure,135/85,mmHg,14/03/2026",
                     f"{NHS},foot-risk,Moderate risk,,14/03/2026",
                     f"{OTHER_NHS},egfr,58,mL/min/1.73m2,2026-03-01")
    assert result.ok
    assert [(r.line, r.spec.code) for r in result.rows] == [
        (2, "hba1c"), (3, "blood-pressure"), (4, "foot-risk"), (5, "egfr")]
    assert result.rows[1].value.systolic == 135 and result.rows[1].value.diastolic == 85
    assert result.rows[2].value.category == "moderate"
    assert result.rows[0].taken_on == date(2026, 3, 14)


def test_columns_can_come_in_any_order_with_the_names_spreadsheets_use():
    result = reading(f"14/03/2026,53,{NHS[:3]} {NHS[3:6]} {NHS[6:]},HbA1c,mmol/mol",
                     header="Date,Value,NHS number,Result code,Units\n")
    assert result.ok, result.problems
    assert result.rows[0].nhs_number == NHS


def test_a_phq_9_score_comes_with_its_question_9_answer():
    result = reading(f"{NHS},phq-9,8,,2026-03-01,1",
                     header="nhs_number,result_code,value,unit,date,item_9\n")
    assert result.ok, result.problems
    assert result.rows[0].value.item_9 == 1


def test_excel_files_with_a_byte_order_mark_or_windows_encoding_are_text():
    assert decode("\ufeffnhs_number".encode()) == "nhs_number"
    assert decode("caf\xe9".encode("cp1252")) == "café"
    assert decode(b"\x89PNG\r\n\x1a\n\x00\x00") is None


# --- bad rows, each kind ---------------------------------------------------------------------


def test_a_bad_nhs_number_is_reported_with_its_line():
    assert problems(f"{NHS},hba1c,53,mmol/mol,2026-03-14",
                    "9990000019,hba1c,53,mmol/mol,2026-03-14",
                    "12345,hba1c,53,mmol/mol,2026-03-14") == [
        RowProblem(3, "NHS number 9990000019: This is not a valid NHS number. Check the "
                      "digits and try again"),
        RowProblem(4, "NHS number 12345: NHS number must be 10 digits, like 485 777 3456"),
    ]


def test_an_unknown_result_code_is_reported():
    assert problems(f"{NHS},hba1,53,mmol/mol,2026-03-14") == [
        RowProblem(2, "Unknown result code hba1. Use a code from the result catalogue, like "
                      "hba1c or blood-pressure")]


@pytest.mark.parametrize(("row", "message"), [
    (f"{NHS},hba1c,7.5,%,2026-03-14",
     "Wrong unit % for HbA1c: the service takes HbA1c in mmol/mol (IFCC), not % (DCCT)"),
    (f"{NHS},total-cholesterol,4.8,mg/dL,2026-03-14",
     "Wrong unit mg/dL for Total cholesterol: use mmol/L"),
    (f"{NHS},weight,72.5,,2026-03-14", "The unit is missing for Weight: use kg"),
    (f"{NHS},cat,14,points per day,2026-03-14",
     "Wrong unit points per day for COPD Assessment Test (CAT): it has no unit, so leave "
     "the unit empty"),
])
def test_a_wrong_or_missing_unit_is_reported(row, message):
    assert problems(row) == [RowProblem(2, message)]


def test_units_written_another_common_way_are_accepted():
    result = reading(f"{NHS},egfr,58,ml/min/1.73m²,2026-03-14",
                     f"{NHS},fev1,65,%,2026-03-14", f"{NHS},total-cholesterol,4.8,MMOL/L,"
                     "2026-03-14")
    assert result.ok, result.problems


@pytest.mark.parametrize(("value", "message"), [
    ("2026-13-01", "Date 2026-13-01 is not a real date"),
    ("31/02/2026", "Date 31/02/2026 is not a real date"),
    ("14.03.26", "Date 14.03.26 is not a date: write it like 2026-03-14 or 14/03/2026"),
    ("", "Date (empty) is not a date: write it like 2026-03-14 or 14/03/2026"),
    ("2026-03-21", "Date 21 March 2026 is in the future"),
    ("01/01/1850", "Date 1 January 1850 is too long ago: check the year"),
])
def test_a_bad_date_is_reported(value, message):
    assert problems(f"{NHS},hba1c,53,mmol/mol,{value}") == [RowProblem(2, message)]


def test_a_value_out_of_range_says_so_and_shows_what_the_file_has():
    assert problems(f"{NHS},hba1c,530,mmol/mol,2026-03-14",
                    f"{NHS},blood-pressure,85/135,mmHg,2026-03-14",
                    f"{NHS},foot-risk,fine,,2026-03-14",
                    f"{NHS},weight,heavy,kg,2026-03-13") == [
        RowProblem(2, "HbA1c must be between 20 and 200 (the file has 530)"),
        RowProblem(3, "Diastolic blood pressure (the bottom number) must be lower than "
                      "systolic (the top number) (the file has 85/135)"),
        RowProblem(4, "Foot risk value fine is not one of: low, moderate, high, active"),
        RowProblem(5, "Enter weight as a number, like 72.5 (the file has heavy)"),
    ]


def test_a_phq_9_score_without_question_9_is_refused():
    assert problems(f"{NHS},phq-9,8,,2026-03-01") == [RowProblem(
        2, "PHQ-9 (mood questionnaire) needs the answer to question 9 (thoughts of "
           "self-harm), 0 to 3, in an item_9 column")]


def test_a_row_repeated_in_the_file_is_a_duplicate():
    assert problems(f"{NHS},hba1c,53,mmol/mol,2026-03-14",
                    f"{OTHER_NHS},hba1c,53,mmol/mol,2026-03-14",
                    f"{NHS},HbA1c,54,mmol/mol,14/03/2026") == [
        RowProblem(4, "Repeats line 2: the same patient, result and date")]


def test_every_problem_on_a_row_is_reported():
    found = problems("123,nothing,53,mmol/mol,soon")
    assert [p.line for p in found] == [2, 2, 2]
    assert [p.message.split(" ")[0] for p in found] == ["NHS", "Unknown", "Date"]


def test_a_row_with_the_wrong_number_of_values_is_reported():
    assert problems(f"{NHS},hba1c,53,mmol/mol") == [
        RowProblem(2, "Has 4 values but the first line names 5 columns")]


def test_line_numbers_count_blank_lines_and_the_header():
    assert problems("", f"{NHS},hba1c,999,mmol/mol,2026-03-14")[0].line == 3


@pytest.mark.parametrize(("text", "message"), [
    ("", "The file is empty"),
    ("nhs_number,value,unit,date\n",
     "The first line must name the columns nhs_number, result_code, value, unit, date. "
     "Missing: result_code"),
    (HEADER, "The file has a header but no results"),
])
def test_a_file_that_is_not_a_results_file_is_explained(text, message):
    assert read_csv(text, today=TODAY).file_problems == [message]


def test_a_file_with_too_many_rows_is_refused():
    rows = "".join(f"{NHS},hba1c,53,mmol/mol,2026-03-14\n" for _ in range(MAX_ROWS + 1))
    assert read_csv(HEADER + rows, today=TODAY).file_problems == [
        "The file has more than 5,000 results. Split it into smaller files"]


# --- against the practice --------------------------------------------------------------------


def test_a_patient_not_in_this_practice_or_a_result_already_stored_is_reported(app, world):
    rows = reading(f"{world.patient.nhs_number},hba1c,53,mmol/mol,2026-03-14",
                   f"{world.other_patient.nhs_number},hba1c,53,mmol/mol,2026-03-14",
                   f"{world.patient.nhs_number},egfr,60,mL/min/1.73m2,2026-03-14").rows
    found = check_against_practice(
        rows, {world.patient.nhs_number: world.patient},
        {(world.patient.id, "egfr", date(2026, 3, 14))})
    spaced = world.other_patient.nhs_number_spaced
    assert found == [
        RowProblem(3, f"No patient with NHS number {spaced} in this practice"),
        RowProblem(4, "eGFR on 14 March 2026 is already recorded for this patient"),
    ]


def _import(world, text: str):
    result_types()
    return import_results(text.encode(), filename="results.csv",
                          practice_id=world.practice.id, by=world.hca, today=TODAY)


def test_a_good_file_is_imported_into_each_patients_open_review_unshared(app, world):
    review = make_review(world.patient)
    outcome = _import(world, HEADER
                      + f"{world.patient.nhs_number},hba1c,53,mmol/mol,2026-03-14\n"
                      + f"{world.patient2.nhs_number},blood-pressure,150/95,mmHg,2026-03-10\n")
    db.session.commit()
    assert outcome.ok and outcome.imported == 2
    assert outcome.patients == sorted([world.patient.id, world.patient2.id])
    stored = {r.result_code: r for r in db.session.scalars(select(Result))}
    assert stored["hba1c"].review_id == review.id
    assert stored["blood-pressure"].review_id is None  # patient2 has no review open
    assert all(r.shared_at is None and r.source is ResultSource.IMPORTED
               for r in stored.values())
    assert db.session.scalar(select(ResultImport.row_count)) == 2


def test_a_file_with_one_bad_row_imports_nothing(app, world):
    outcome = _import(world, HEADER
                      + f"{world.patient.nhs_number},hba1c,53,mmol/mol,2026-03-14\n"
                      + f"{world.other_patient.nhs_number},hba1c,53,mmol/mol,2026-03-14\n")
    db.session.commit()
    assert not outcome.ok
    assert outcome.problems_by_line() == [
        (3, [f"No patient with NHS number {world.other_patient.nhs_number_spaced} in this "
             "practice"])]
    assert db.session.scalar(select(func.count()).select_from(Result)) == 0
    assert db.session.scalar(select(func.count()).select_from(ResultImport)) == 0


def test_importing_the_same_file_twice_reports_every_row_as_already_recorded(app, world):
    text = HEADER + f"{world.patient.nhs_number},hba1c,53,mmol/mol,2026-03-14\n"
    assert _import(world, text).ok
    db.session.commit()
    again = _import(world, text)
    assert [p.line for p in again.problems] == [2]
    assert db.session.scalar(select(func.count()).select_from(Result)) == 1


# --- the page --------------------------------------------------------------------------------


def upload(client, content: bytes, filename: str = "results.csv",
           content_type: str = "text/csv"):
    import io

    return client.submit("/import/results", {"file": (io.BytesIO(content), filename,
                                                      content_type)},
                         content_type="multipart/form-data")


def test_staff_import_a_file_and_are_told_what_happened(app, client, world):
    result_types()
    client.sign_in_quickly(world.hca)
    response = upload(client, (HEADER + f"{world.patient.nhs_number},hba1c,53,mmol/mol,"
                               f"{date.today():%Y-%m-%d}\n").encode())
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported 1 result for 1 patient. They are not shared with patients yet" in page
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.subject == "results"))
    assert [(e.action, e.patient_id, e.actor_id) for e in events] == [
        ("created", world.patient.id, world.hca.id)]


def test_the_page_lists_every_bad_line_and_imports_nothing(app, client, world):
    result_types()
    client.sign_in_quickly(world.clinician)
    content = (HEADER + f"{world.patient.nhs_number},hba1c,53,mmol/mol,2026-01-14\n"
               + "1234567890,hba1c,53,mmol/mol,2026-01-14\n"
               + f"{world.patient.nhs_number},hba1c,53,%,2026-01-15\n").encode()
    response = upload(client, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing has been imported" in page
    assert "2 lines of the file have problems" in page
    assert "NHS number 1234567890: This is not a valid NHS number" in page
    assert "Wrong unit % for HbA1c" in page
    assert db.session.scalar(select(func.count()).select_from(Result)) == 0


@pytest.mark.parametrize(("content", "filename", "content_type", "message"), [
    (b"%PDF-1.4", "results.pdf", "application/pdf", "The selected file must be a CSV"),
    (b"nhs_number", "results.csv", "image/png", "The selected file must be a CSV"),
    (b"\x00\x01\x02binary", "results.csv", "text/csv",
     "The selected file is not a CSV text file"),
    (b"a" * (1024 * 1024 + 1), "results.csv", "text/csv",
     "The selected file must be smaller than 1 MB"),
])
def test_an_upload_that_is_not_a_small_csv_is_refused(app, client, world, content, filename,
                                                      content_type, message):
    client.sign_in_quickly(world.hca)
    response = upload(client, content, filename, content_type)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_no_file_at_all_asks_for_one(app, client, world):
    client.sign_in_quickly(world.hca)
    response = client.submit("/import/results", {}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Select a CSV file" in response.get_data(as_text=True)


def test_results_from_another_practice_file_never_reach_this_one(app, client, world):
    """A practice can only import into its own patients, even with a right NHS number."""
    result_types()
    other = make_patient(world.other_practice)
    make_result(other, "hba1c", "60", taken_on=date(2026, 1, 1))
    db.session.commit()
    client.sign_in_quickly(world.clinician)
    response = upload(client, (HEADER + f"{other.nhs_number},hba1c,53,mmol/mol,"
                                        "2026-01-14\n").encode())
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Result)) == 1
