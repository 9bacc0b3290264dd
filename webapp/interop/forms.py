from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms.validators import ValidationError

from webapp.interop.csv_results import MAX_BYTES

# What browsers and spreadsheet programs send as the type of a .csv file. Anything else
# (a picture, a PDF, a zipped workbook) is refused before it is read.
CSV_TYPES = frozenset({"text/csv", "text/plain", "application/csv", "text/x-csv",
                       "application/vnd.ms-excel", "text/comma-separated-values",
                       "application/octet-stream"})


class ResultsImportForm(FlaskForm):
    file = FileField("Upload a CSV file", validators=[
        FileRequired("Select a CSV file"),
        FileAllowed(["csv"], "The selected file must be a CSV"),
        FileSize(max_size=MAX_BYTES, message="The selected file must be smaller than 1 MB"),
    ])

    def validate_file(self, field) -> None:
        mimetype = (field.data.mimetype or "").lower()
        if mimetype and mimetype not in CSV_TYPES:
            raise ValidationError("The selected file must be a CSV")
