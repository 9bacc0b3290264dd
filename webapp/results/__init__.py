"""Result values, targets, bands and red-flag triage: pure logic, no Flask or database."""
