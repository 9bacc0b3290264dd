"""The audit trail of who looked at or changed a patient's information."""
