"""Free-text intake: clinical notes and patients' own words → a Case and findings with their source words."""

from nerveroot.intake.models import Intake, ParsedFinding
from nerveroot.intake.parse import parse_note

__all__ = ["Intake", "ParsedFinding", "parse_note"]
