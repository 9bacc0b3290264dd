"""Getting data in and out in other systems' shapes: CSV results import (FHIR later)."""
