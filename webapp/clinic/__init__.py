"""The clinician's workspace: reviews, results entry, triage, sharing and the agenda view."""
