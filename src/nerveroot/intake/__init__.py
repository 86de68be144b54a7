"""Free-text intake: clinical notes and patients' own words → a Case and findings with their source words."""

import atexit

from nerveroot import regexes
from nerveroot.intake.lean_imports import import_language_libraries

regexes.preload()  # the patterns compiled below and on the first note, from their saved compiled form
atexit.register(regexes.save)
import_language_libraries()

from nerveroot.intake.models import Intake, ParsedFinding  # noqa: E402
from nerveroot.intake.parse import parse_note  # noqa: E402

__all__ = ["Intake", "ParsedFinding", "parse_note"]
