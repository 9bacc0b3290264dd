"""Progress logging and history for care-plan actions."""
