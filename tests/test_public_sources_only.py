"""Nothing internal reaches a reader (#14): every example, in every report format,
cites only public documents and never names our notes or seed files."""

from __future__ import annotations

import re

import pytest

from mutual_detector.loading import get_questionnaire
from mutual_detector.render import ResultFormat
from report_cases import EXAMPLES, example

#: What an internal reference looks like: our research notes, the seed files, file names.
INTERNAL = re.compile(
    r"project notes|domain research|founding text|domain(-corrections)?\.md|seeds?/|"
    r"\bseed \d|\d{3}_[\w-]+\.txt|sources\.md",
    re.IGNORECASE,
)


def test_the_pattern_catches_what_it_is_for() -> None:
    for text in (
        "Domain research §2.1 (project notes)",
        "Founding text seed 003_public_service_mutuals.txt",
        "see ../shared/domain-corrections.md",
    ):
        assert INTERNAL.search(text), text
    assert not INTERNAL.search("Procurement Act 2023, section 33. legislation.gov.uk, 2023")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", list(ResultFormat), ids=lambda f: f.value)
def test_no_internal_reference_in_any_report(path, fmt: ResultFormat) -> None:  # type: ignore[no-untyped-def]
    result, q = example(path.stem)
    text = fmt.render(result, q, width=100)
    found = INTERNAL.search(text)
    assert found is None, (
        f"{path.name} ({fmt.value}): {text[max(0, found.start() - 60) : found.end() + 20]!r}"
    )


def test_every_builtin_source_is_public() -> None:
    q = get_questionnaire(None).questionnaire
    for source in q.sources:
        assert source.publisher, source.id
        assert source.url, source.id
        assert source.url.startswith(("https://", "http://")), source.id
        assert not INTERNAL.search(
            " ".join(filter(None, [source.title, str(source.note or "")]))
        ), source.id
