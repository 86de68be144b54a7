"""Fast start: the command line imports heavy libraries only for the commands that need them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("spacy", "medspacy", "sqlalchemy", "bm25s", "fastapi", "numpy")


def _imported_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_help_imports_no_heavy_library() -> None:
    assert _imported_after("import nerveroot.interfaces.cli") == set()


def test_assessing_a_json_case_needs_no_language_pipeline_or_database() -> None:
    code = (
        "from typer.testing import CliRunner\nfrom nerveroot.interfaces.cli import app\n"
        "r = CliRunner().invoke(app, ['assess', 'examples/runner_l4.json', '--format', 'json'])\n"
        "assert r.exit_code == 0"
    )
    assert _imported_after(code) & {"spacy", "medspacy", "sqlalchemy", "fastapi"} == set()


def test_reading_notes_skips_the_spacy_command_line_and_quickumls_yet_both_still_load() -> None:
    code = (
        "import sys\nimport nerveroot.intake\n"
        "skipped = [m for m in ('spacy.cli', 'quickumls', 'nltk', 'requests') if m in sys.modules]\n"
        "assert skipped == [], skipped\n"
        "import spacy\nassert spacy.info()['spacy_version'] == spacy.__version__\n"
        "from quickumls.spacy_component import SpacyQuickUMLS"
    )
    assert _imported_after(code) >= {"spacy", "medspacy"}
