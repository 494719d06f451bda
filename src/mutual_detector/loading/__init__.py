"""Files -> models: every file any command reads is read here, one way.

One module per job (see docs/architecture.md):

- :mod:`.files`: a file's bytes and text, with bounds (size, pipes, UTF-8);
- :mod:`.located`: the located reader, YAML with ``file:line:column`` marks (the reference);
- :mod:`.readers`: the one place a reader is chosen (fast readers first, then the located one);
- :mod:`.wording`: pydantic's errors in plain words, placed in the file;
- :mod:`.lookup`: which questionnaire a command uses (one lookup, one order);
- :mod:`.questionnaires`: loading a questionnaire and its parts;
- :mod:`.answers`: loading answers and checking them against their questionnaire.

The names below are the package's public surface; import them from here.
"""

from mutual_detector.loading.answers import (
    LoadedAnswers,
    check_answers,
    load_answers,
    parse_answers,
)
from mutual_detector.loading.files import MAX_BYTES, decode, display_path, read_raw, real_path
from mutual_detector.loading.located import (
    HAS_LIBYAML,
    MAX_DEPTH,
    MAX_NODES,
    Document,
    Mark,
    check_format,
    parse_yaml,
)
from mutual_detector.loading.lookup import (
    DEFAULT_QUESTIONNAIRE,
    Finder,
    builtin_dir,
    builtin_paths,
    questionnaire_path,
)
from mutual_detector.loading.questionnaires import (
    LoadedQuestionnaire,
    get_questionnaire,
    load_questionnaire,
    merge_parts,
)
from mutual_detector.loading.readers import parse_document, read_document
from mutual_detector.loading.wording import validate_model, validation_findings

__all__ = [
    "DEFAULT_QUESTIONNAIRE",
    "HAS_LIBYAML",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "Document",
    "Finder",
    "LoadedAnswers",
    "LoadedQuestionnaire",
    "Mark",
    "builtin_dir",
    "builtin_paths",
    "check_answers",
    "check_format",
    "decode",
    "display_path",
    "get_questionnaire",
    "load_answers",
    "load_questionnaire",
    "merge_parts",
    "parse_answers",
    "parse_document",
    "parse_yaml",
    "questionnaire_path",
    "read_document",
    "read_raw",
    "real_path",
    "validate_model",
    "validation_findings",
]
