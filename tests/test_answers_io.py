"""Answers files as YAML text, and the rules for where they are saved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mutual_detector import ANSWERS_FORMAT
from mutual_detector.answers_io import (
    answers_path_for_draft,
    default_answers_path,
    draft_path_for,
    draft_target,
    dump_answers,
    is_draft_file,
    next_free_path,
    slugify,
)
from mutual_detector.loading import load_answers, parse_answers, parse_yaml
from mutual_detector.model.answers import AnswersFile

ASSETS = Path(__file__).parent / "assets"
MINI_ORDER = ["appetite", "unions", "turnover", "readiness", "equity", "members", "notes"]


def _answers(answers: dict[str, object], **top: object) -> AnswersFile:
    data: dict[str, object] = {
        "format": ANSWERS_FORMAT,
        "questionnaire": "mini",
        "answers": answers,
    }
    data.update(top)
    return AnswersFile.model_validate(data)


def _reload(text: str) -> AnswersFile:
    return parse_answers(parse_yaml(text, "saved.yaml")).answers


class TestDump:
    def test_round_trip_of_the_test_answers(self) -> None:
        """The mini answers file survives a dump and a load unchanged."""
        original = load_answers(ASSETS / "mini-answers.yaml").answers
        assert original == _reload(dump_answers(original, order=MINI_ORDER))

    def test_exact_text(self) -> None:
        """Keys in a fixed order; bare values unless there is a note or evidence."""
        answers = _answers(
            {
                "members": ["staff", "community"],
                "appetite": "most",
                "unions": {"value": False, "note": "Not yet", "evidence": "minutes"},
                "turnover": 12,
            },
            status="draft",
            metadata={"date": "2026-11-25", "service": "Day services"},
        )
        expected = (
            "# Draft.\n"
            "# To carry on: x\n"
            "format: mutual-detector/answers@1\n"
            "questionnaire: mini\n"
            "status: draft\n"
            "metadata:\n"
            "  service: Day services\n"
            "  date: 2026-11-25\n"
            "answers:\n"
            "  appetite: most\n"
            "  unions:\n"
            "    value: false\n"
            "    note: Not yet\n"
            "    evidence: minutes\n"
            "  turnover: 12\n"
            "  members: [staff, community]\n"
        )
        assert expected == dump_answers(answers, order=MINI_ORDER, comment="Draft.\nTo carry on: x")

    def test_same_answers_same_bytes_whatever_the_input_order(self) -> None:
        """Without an order, answers are sorted by id, so the text is deterministic."""
        one = _answers({"b": 1, "a": "x", "c": ["y", "n"]})
        two = _answers({"c": ["y", "n"], "a": "x", "b": 1})
        assert dump_answers(one) == dump_answers(two)
        assert dump_answers(one).index("  a: x") < dump_answers(one).index("  b: 1")

    def test_order_puts_unknown_ids_last(self) -> None:
        """Ids missing from the order come after the ordered ones, alphabetically."""
        text = dump_answers(_answers({"zz": 1, "yy": 2, "appetite": "most"}), order=MINI_ORDER)
        assert text.index("appetite") < text.index("yy") < text.index("zz")

    @pytest.mark.parametrize(
        "value",
        ["yes", "no", "true", "null", "12", "2026-01-01", "", "  leading", "a: b", "#x", "é ü"],
    )
    def test_strings_that_look_like_other_things_stay_strings(self, value: str) -> None:
        """Text answers that YAML would read as booleans, numbers or dates are quoted."""
        answers = _answers({"notes": value})
        assert answers == _reload(dump_answers(answers))

    def test_multi_line_text_notes_and_dont_know(self) -> None:
        """Notes, evidence, multi-line text and dont_know survive the round trip."""
        answers = _answers(
            {
                "notes": {"value": "line one\nline two\n", "note": "from: the meeting"},
                "unions": "dont_know",
                "members": [],
                "turnover": 12.5,
            },
            metadata={"notes": "first\nsecond", "assessor": "Ana Núñez"},
            questionnaire_version="1.0",
            questionnaire_sha256="0" * 64,
        )
        assert answers == _reload(dump_answers(answers))

    def test_no_comment_no_header(self) -> None:
        """Without a comment the text starts with the format line."""
        assert dump_answers(_answers({})).startswith("format: mutual-detector/answers@1\n")


class TestPaths:
    @pytest.mark.parametrize(
        ("service", "expected"),
        [
            ("Adult Day Services (North)", "adult-day-services-north"),
            ("  Café — Ünïcode  ", "cafe-unicode"),
            ("!!!", ""),
            ("a" * 100, "a" * 60),
        ],
    )
    def test_slugify(self, service: str, expected: str) -> None:
        """Slugs are lower-case ASCII words joined by hyphens, at most 60 characters."""
        assert expected == slugify(service)

    def test_default_answers_path(self, tmp_path: Path) -> None:
        """Named after the service; after the questionnaire when there is no service."""
        assert tmp_path / "day-services-answers.yaml" == default_answers_path(
            "Day services", "mini", tmp_path
        )
        assert Path("mini-answers.yaml") == default_answers_path(None, "mini")
        assert Path("mini-answers.yaml") == default_answers_path("???", "mini")

    def test_draft_path_round_trip(self) -> None:
        """x-answers.yaml <-> x-answers.draft.yaml; a draft's draft is itself."""
        draft = draft_path_for(Path("out/x-answers.yaml"))
        assert Path("out/x-answers.draft.yaml") == draft
        assert draft == draft_path_for(draft)
        assert Path("out/x-answers.yaml") == answers_path_for_draft(draft)
        assert Path("plain.draft.yaml") == draft_path_for("plain")

    def test_next_free_path(self, tmp_path: Path) -> None:
        """A taken name gets -2, -3, ...; a draft keeps its .draft part."""
        target = tmp_path / "x-answers.yaml"
        assert target == next_free_path(target)
        target.write_text("taken")
        assert tmp_path / "x-answers-2.yaml" == next_free_path(target)
        (tmp_path / "x-answers-2.yaml").write_text("taken")
        assert tmp_path / "x-answers-3.yaml" == next_free_path(target)
        draft = tmp_path / "x.draft.yaml"
        draft.write_text("taken")
        assert tmp_path / "x-2.draft.yaml" == next_free_path(draft)

    def test_a_draft_replaces_only_a_draft(self, tmp_path: Path) -> None:
        """An earlier draft is overwritten; complete answers or other files never are."""
        draft = tmp_path / "x.draft.yaml"
        assert draft == draft_target(draft)
        draft.write_text(dump_answers(_answers({}, status="draft")))
        assert is_draft_file(draft)
        assert draft == draft_target(draft)
        draft.write_text(dump_answers(_answers({})))
        assert not is_draft_file(draft)
        assert tmp_path / "x-2.draft.yaml" == draft_target(draft)
        draft.write_text("not: [valid")
        assert not is_draft_file(draft)
        assert tmp_path / "x-2.draft.yaml" == draft_target(draft)

    def test_dates_are_written_as_dates(self) -> None:
        """The metadata date is an unquoted YAML date."""
        text = dump_answers(_answers({}, metadata={"date": dt.date(2026, 1, 2)}))
        assert "  date: 2026-01-02\n" in text
