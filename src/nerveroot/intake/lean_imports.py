"""Import spaCy and medSpaCy without the parts intake never runs (about a second of each `--text` start).

`import spacy` imports its command line (`spacy.cli`: typer, requests, langcodes, the model downloader) only to
expose `spacy.info`; `import medspacy` imports QuickUMLS (and with it NLTK) only to register the
`medspacy_quickumls` factory, and PyRuSH (with PyFastNER, loguru and `logging.config`) only for the
`medspacy_pysbd` module's import of its sentencizer; this pipeline uses neither (its sentences are split by
`nerveroot_sentences`). While the two packages are first imported, those modules are stand-ins; afterwards the
stand-ins are removed, so a later `import spacy.cli`, `import quickumls` or `import PyRuSH` loads the real
modules. `spacy.info` still works (it loads the command line when called).
Nothing is skipped when either package is already imported.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any

from nerveroot.loading import long_lived

_SPACY_CLI = ("spacy.cli", "spacy.cli.info")
_QUICKUMLS = ("quickumls", "quickumls.spacy_component")
_PYRUSH = "PyRuSH"


def _pyrush() -> ModuleType:
    """A stand-in PyRuSH whose sentencizer loads the real package if anything ever builds one."""
    module = ModuleType(_PYRUSH)

    def sentencizer(*args: Any, **kwargs: Any) -> Any:
        from loguru import logger  # PyRuSH logs sentence text through loguru: keep it silent

        logger.disable(_PYRUSH)
        return importlib.import_module(_PYRUSH).PyRuSHSentencizer(*args, **kwargs)

    module.PyRuSHSentencizer = sentencizer  # type: ignore[attr-defined]
    return module


def _info(*args: Any, **kwargs: Any) -> Any:
    """spaCy's `info`, its command line loaded on first call."""
    return importlib.import_module("spacy.cli.info").info(*args, **kwargs)


def _stand_ins(parent: str, child: str) -> dict[str, ModuleType]:
    outer, inner = ModuleType(parent), ModuleType(child)
    setattr(outer, child.rsplit(".", 1)[1], inner)
    return {parent: outer, child: inner}


def import_language_libraries() -> None:
    """Import spacy and medspacy (registering medSpaCy's factories), skipping the unused parts above."""
    stand_ins: dict[str, ModuleType] = {}
    if "spacy" not in sys.modules:
        stand_ins |= _stand_ins(*_SPACY_CLI)
        stand_ins["spacy.cli.info"].info = _info  # type: ignore[attr-defined]
    if "medspacy" not in sys.modules and "quickumls" not in sys.modules:
        stand_ins |= _stand_ins(*_QUICKUMLS)
    if "medspacy" not in sys.modules and _PYRUSH not in sys.modules:
        stand_ins[_PYRUSH] = _pyrush()
    sys.modules.update(stand_ins)
    try:
        with long_lived():
            import medspacy  # noqa: F401
            import spacy  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
