"""Preparing for a review: results shared with the patient, read in words against their
targets, and the agenda they write (the patient's side, and the logic staff pages share)."""
