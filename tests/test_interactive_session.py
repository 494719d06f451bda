"""The pure session logic of interactive assessment: order, back, review, precedence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mutual_detector.interactive.prompts import display_value
from mutual_detector.interactive.session import Session, drive
from mutual_detector.interactive.steps import (
    BACK,
    DONE,
    META_FIELDS,
    SKIP,
    InvalidReply,
    MetaPrompt,
    QuestionPrompt,
    ReviewPrompt,
    Step,
    check_selection,
    parse_meta,
    parse_typed,
)
from mutual_detector.loading import load_answers, load_questionnaire
from mutual_detector.model.answers import DONT_KNOW, Answer, AnswersFile
from mutual_detector.model.questionnaire import Questionnaire

ASSETS = Path(__file__).parent / "assets"
TODAY = dt.date(2026, 11, 25)
MINI_ANSWERS = load_answers(ASSETS / "mini-answers.yaml").answers


@pytest.fixture(scope="module")
def mini() -> Questionnaire:
    return load_questionnaire(ASSETS / "mini.yaml").questionnaire


def _session(q: Questionnaire, **kwargs: Any) -> Session:
    kwargs.setdefault("today", TODAY)
    return Session(q, **kwargs)


def _key(step: Step) -> str:
    assert isinstance(step, MetaPrompt | QuestionPrompt), step
    return step.key


def _answer_all(session: Session, replies: list[tuple[str, Any]]) -> None:
    """Reply to each step in turn, checking that the expected step is asked."""
    for key, reply in replies:
        assert key == _key(session.step())
        session.reply(reply)


META = [
    ("meta:service", "Day services"),
    ("meta:organisation", "Anytown"),
    ("meta:assessor", "J. Smith"),
]
FULL = [
    *META,
    ("appetite", "most"),
    ("unions", False),
    ("turnover", 12),
    ("readiness", 4),
    ("equity", False),
    ("members", ["staff", "community"]),
    ("notes", SKIP),
]


def _bare(answers: AnswersFile) -> dict[str, Any]:
    return {qid: a.value for qid, a in answers.answers.items()}


class TestOrder:
    def test_metadata_first_then_questions_in_order(self, mini: Questionnaire) -> None:
        """Service, organisation and assessor come first, then the questions; then review."""
        session = _session(mini)
        _answer_all(session, FULL)
        assert isinstance(session.step(), ReviewPrompt)
        session.confirm()
        assert DONE is session.step()

    def test_the_answers_match_the_same_answers_from_a_file(self, mini: Questionnaire) -> None:
        """Typing the mini answers gives the mini answers file (but the note on unions)."""
        session = _session(mini)
        _answer_all(session, FULL)
        result = session.answers_file()
        assert result.status == "complete"
        assert MINI_ANSWERS.metadata == result.metadata
        assert _bare(MINI_ANSWERS) == _bare(result)
        assert list(_bare(MINI_ANSWERS)) == list(_bare(result))
        assert (mini.id, mini.version, mini.sha256) == (
            result.questionnaire,
            result.questionnaire_version,
            result.questionnaire_sha256,
        )

    def test_progress_line(self, mini: Questionnaire) -> None:
        """Each question shows its topic and its place among the questions that apply."""
        session = _session(mini)
        _answer_all(session, [*META, ("appetite", "most")])
        step = session.step()
        assert isinstance(step, QuestionPrompt)
        assert step.progress == "Suitability · 2 of 7"  # settled: nothing left opens a question
        assert (
            step.section,
            step.help,
            step.why,
        ) == ("Staff", "Formally consulted.", "Smoother transitions.")
        assert step.citations[0].title == "Introduction to Public Service Mutuals"

    def test_the_count_as_it_stands_and_why_it_moves(self, mini: Questionnaire) -> None:
        """ "n of N" counts the questions that apply now; it says why N moves (#17)."""
        session = _session(mini)
        _answer_all(session, META)
        first = session.step()
        assert isinstance(first, QuestionPrompt)
        # appetite decides whether `unions` is asked: the count is not settled yet.
        assert first.progress == "Suitability · 1 of about 6"
        assert first.count_note == (
            "6 questions so far: the count changes as your answers open or close questions."
        )
        assert session.step() == first  # asked again: the same words
        session.reply("most")
        second = session.step()
        assert isinstance(second, QuestionPrompt)
        assert second.progress == "Suitability · 2 of 7"
        assert second.count_note == (
            "Now 7 questions, 1 more than before: your answers open or close questions as you go."
        )
        assert session.step().count_note == second.count_note  # type: ignore[union-attr]
        session.reply(False)
        third = session.step()
        assert isinstance(third, QuestionPrompt)
        assert (third.progress, third.count_note) == ("Suitability · 3 of 7", None)
        session.back()
        session.back()  # to appetite, then "few": `unions` no longer applies
        session.reply("few")
        after = session.step()
        assert isinstance(after, QuestionPrompt)
        assert after.count_note is not None
        assert after.count_note.startswith("Now 6 questions, 1 fewer than before")

    def test_a_question_whose_condition_is_false_is_skipped(self, mini: Questionnaire) -> None:
        """appetite == few makes `unions` not apply, so turnover comes next."""
        session = _session(mini)
        _answer_all(session, [*META, ("appetite", "few")])
        assert _key(session.step()) == "turnover"

    def test_choices_of_each_kind(self, mini: Questionnaire) -> None:
        """Scale points carry their labels; yes/no is Yes then No."""
        session = _session(mini)
        _answer_all(session, [*META, ("appetite", "most")])
        step = session.step()
        assert isinstance(step, QuestionPrompt)
        assert [(c.value, c.label) for c in step.choices] == [(True, "Yes"), (False, "No")]
        _answer_all(session, [("unions", True), ("turnover", 3)])
        step = session.step()
        assert isinstance(step, QuestionPrompt)
        assert [c.label for c in step.choices] == ["1 – Not at all", "2", "3", "4", "5 – Fully"]


class TestBack:
    def test_no_back_from_the_first_step(self, mini: Questionnaire) -> None:
        """The first step offers no back, and asking for it is refused."""
        session = _session(mini)
        step = session.step()
        assert isinstance(step, MetaPrompt)
        assert not step.can_go_back
        with pytest.raises(InvalidReply, match="first question"):
            session.reply(BACK)

    def test_back_then_forward_shows_the_answer_again(self, mini: Questionnaire) -> None:
        """Back twice and forward again walks through the answers already given."""
        session = _session(mini)
        _answer_all(session, [*META, ("appetite", "most"), ("unions", True)])
        session.reply(BACK)
        session.reply(BACK)
        step = session.step()
        assert isinstance(step, QuestionPrompt)
        assert (step.key, step.current) == ("appetite", "most")
        _answer_all(session, [("appetite", "some"), ("unions", False)])
        assert _key(session.step()) == "turnover"
        assert _bare(session.answers_file("draft")) == {"appetite": "some", "unions": False}

    def test_typed_back_words(self, mini: Questionnaire) -> None:
        """'<' or 'back' typed into a text prompt goes back."""
        session = _session(mini)
        _answer_all(session, META[:2])
        session.reply("back")
        assert _key(session.step()) == "meta:organisation"
        session.reply("<")
        assert _key(session.step()) == "meta:service"

    def test_changing_an_answer_drops_answers_that_no_longer_apply(
        self, mini: Questionnaire
    ) -> None:
        """appetite changed to few removes the unions answer, and says so."""
        session = _session(mini)
        _answer_all(session, [*META, ("appetite", "most"), ("unions", True), ("turnover", 5)])
        session.reply(BACK)
        session.reply(BACK)
        session.reply(BACK)
        assert _key(session.step()) == "appetite"
        session.reply("few")
        assert (session.take_notices()) == [
            "1 answer no longer apply after that change, so removed: 'Are the unions engaged?'"
        ]
        assert _key(session.step()) == "turnover"
        assert _bare(session.answers_file("draft")) == {"appetite": "few", "turnover": 5}

    def test_a_question_that_starts_to_apply_is_asked(self, mini: Questionnaire) -> None:
        """few -> most brings `unions` back, and it is asked next."""
        session = _session(mini)
        _answer_all(session, [*META, ("appetite", "few"), ("turnover", 5)])
        session.reply(BACK)
        session.reply(BACK)
        _answer_all(session, [("appetite", "most"), ("unions", True), ("turnover", 5)])
        assert _key(session.step()) == "readiness"


class TestReview:
    def _at_review(self, mini: Questionnaire) -> Session:
        session = _session(mini)
        _answer_all(session, FULL)
        return session

    def test_rows(self, mini: Questionnaire) -> None:
        """Every metadata field, the notes on the whole assessment and every applicable question,
        with the answer as read."""
        step = self._at_review(mini).step()
        assert isinstance(step, ReviewPrompt)
        shown = [(r.key, r.shown, r.origin) for r in step.rows]
        assert shown == [
            ("meta:service", "Day services", "typed"),
            ("meta:organisation", "Anytown", "typed"),
            ("meta:assessor", "J. Smith", "typed"),
            ("meta:date", "2026-11-25", "default"),
            ("meta:notes", "—", None),
            ("appetite", "Most", "typed"),
            ("unions", "No", "typed"),
            ("turnover", "12%", "typed"),
            ("readiness", "4", "typed"),
            ("equity", "No", "typed"),
            ("members", "Staff, Community", "typed"),
            ("notes", "—", None),
        ]
        assert list(range(1, 13)) == [r.number for r in step.rows]

    def test_change_one_answer_then_back_to_review(self, mini: Questionnaire) -> None:
        """Changing an answer asks just that one, then returns to the review."""
        session = self._at_review(mini)
        session.change("readiness")
        step = session.step()
        assert isinstance(step, QuestionPrompt)
        assert step.current == 4
        session.reply(5)
        assert isinstance(session.step(), ReviewPrompt)
        session.change("meta:date")
        session.reply("2026-12-01")
        assert isinstance(session.step(), ReviewPrompt)
        session.confirm()
        result = session.answers_file()
        assert (5, dt.date(2026, 12, 1)) == (
            result.answers["readiness"].value,
            result.metadata.date,
        )

    def test_a_change_that_needs_a_new_answer_asks_it(self, mini: Questionnaire) -> None:
        """few -> some at the review makes `unions` apply; it is asked before the review."""
        session = _session(mini)
        _answer_all(
            session,
            [
                *META,
                ("appetite", "few"),
                ("turnover", 3),
                ("readiness", 2),
                ("equity", True),
                ("members", []),
                ("notes", "x"),
            ],
        )
        session.change("appetite")
        session.reply("some")
        assert _key(session.step()) == "unions"
        session.reply(DONT_KNOW)
        assert isinstance(session.step(), ReviewPrompt)

    def test_back_from_the_review_goes_to_the_last_question(self, mini: Questionnaire) -> None:
        """Back at the review shows the last question again."""
        session = self._at_review(mini)
        session.back()
        assert _key(session.step()) == "notes"


class TestPrefill:
    def test_only_missing_answers_are_asked(self, mini: Questionnaire) -> None:
        """With most answers from a file, only the missing ones are asked."""
        partial = {
            k: v for k, v in MINI_ANSWERS.answers.items() if k not in ("readiness", "members")
        }
        session = _session(mini, answers=partial, metadata=MINI_ANSWERS.metadata)
        _answer_all(session, [("readiness", 3), ("members", ["users"]), ("notes", SKIP)])
        assert isinstance(session.step(), ReviewPrompt)
        result = session.answers_file()
        assert MINI_ANSWERS.answers["unions"] == result.answers["unions"]  # note kept
        assert MINI_ANSWERS.metadata == result.metadata

    def test_file_answers_are_validated_like_typed_ones(self, mini: Questionnaire) -> None:
        """A bad answer from a file is reported and asked again; unknown ids are ignored."""
        answers = {
            "appetite": Answer(value="lots"),
            "turnover": Answer(value=120),
            "nonsense": Answer(value=1),
            "unions": Answer(value=True),
        }
        session = _session(mini, answers=answers, metadata=MINI_ANSWERS.metadata)
        assert session.rejected == [
            (
                "appetite",
                "A204",
                "'lots' is not an option (choose from most, some, few); it will be asked again",
            ),
            ("turnover", "A203", "120 is above the maximum 100; it will be asked again"),
            ("nonsense", "A201", "is not a question of this questionnaire, so it is ignored"),
            ("unions", "A205", "does not apply given the earlier answers, so it is ignored"),
        ]
        assert session.missing_required() == [
            "appetite",
            "turnover",
            "readiness",
            "equity",
            "members",
        ]
        assert _key(session.step()) == "appetite"

    def test_changing_a_file_answer_keeps_its_note(self, mini: Questionnaire) -> None:
        """A typed value replaces the file's value but keeps its note and evidence."""
        session = _session(mini, answers=MINI_ANSWERS.answers, metadata=MINI_ANSWERS.metadata)
        assert _key(session.step()) == "notes"  # the only question left, though optional
        session.reply(SKIP)
        assert isinstance(session.step(), ReviewPrompt)
        session.change("unions")
        session.reply(True)
        answer = session.answers_file().answers["unions"]
        assert Answer(value=True, note="Not yet", evidence="minutes") == answer

    def test_command_line_beats_file_and_is_never_asked(self, mini: Questionnaire) -> None:
        """Command-line answers override the file, are not asked and cannot be changed."""
        session = _session(
            mini,
            answers={"appetite": Answer(value="few")},
            fixed_answers={"appetite": Answer(value="most")},
            fixed_metadata={"service": "From the command line"},
        )
        assert _key(session.step()) == "meta:organisation"
        review_keys = [k for k, _ in FULL if k not in ("meta:service", "appetite")]
        _answer_all(session, [(k, v) for k, v in FULL if k in review_keys])
        step = session.step()
        assert isinstance(step, ReviewPrompt)
        assert (
            step.row("appetite").editable,
            step.row("appetite").origin,
        ) == (False, "command line")
        with pytest.raises(InvalidReply, match="command line"):
            session.change("appetite")
        result = session.answers_file()
        assert (
            result.answers["appetite"].value,
            result.metadata.service,
        ) == ("most", "From the command line")

    def test_typed_beats_file(self, mini: Questionnaire) -> None:
        """A value typed at the review replaces the one from the file."""
        session = _session(mini, answers=MINI_ANSWERS.answers, metadata=MINI_ANSWERS.metadata)
        session.change("turnover")
        session.reply(30)
        assert session.answers_file().answers["turnover"].value == 30
        assert _key(session.step()) == "notes"  # still unanswered, so asked before the review
        session.reply(SKIP)
        step = session.step()
        assert isinstance(step, ReviewPrompt)
        assert (step.row("turnover").origin, step.row("readiness").origin) == ("typed", "file")


class TestReplies:
    def _prompt(self, mini: Questionnaire, qid: str, **answers: Any) -> QuestionPrompt:
        given = {
            "appetite": Answer(value="most"),
            **{k: Answer(value=v) for k, v in answers.items()},
        }
        session = _session(mini, answers=given, metadata=MINI_ANSWERS.metadata)
        session.change(qid)
        step = session.step()
        assert isinstance(step, QuestionPrompt)
        return step

    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("12", 12),
            (" 1,2 ", 12),
            ("12.5", 12.5),
            ("12%", 12),
            ("12 %", 12),
            ("12.0", 12),
            ("?", DONT_KNOW),
            ("Don't know", DONT_KNOW),
            ("<", BACK),
            ("BACK", BACK),
        ],
    )
    def test_numbers(self, mini: Questionnaire, typed: str, expected: object) -> None:
        """Numbers may have thousands separators or the unit; ? and < are words."""
        prompt = self._prompt(mini, "turnover")
        assert expected == parse_typed(prompt, typed)

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("lots", "Please type a number, e.g. 12 or 3.5."),
            ("120", "120 is above the maximum 100."),
            ("-1", "-1 is below the minimum 0."),
            ("", "Please answer this question (or ? if you don't know)."),
            ("nan", "Please type an ordinary number."),
        ],
    )
    def test_number_messages(self, mini: Questionnaire, typed: str, message: str) -> None:
        """Bad numbers get the message of the model's check."""
        with pytest.raises(InvalidReply) as info:
            parse_typed(self._prompt(mini, "turnover"), typed)
        assert message == info.value.message

    def test_optional_text(self, mini: Questionnaire) -> None:
        """An optional text question can be skipped with Enter; text is stripped."""
        prompt = self._prompt(mini, "notes")
        assert SKIP is parse_typed(prompt, "   ")
        assert parse_typed(prompt, " hello ") == "hello"
        assert parse_typed(prompt, "1" * 10) == "1" * 10
        with pytest.raises(InvalidReply, match="longer than 2000"):
            parse_typed(prompt, "x" * 2001)

    def test_skip_of_a_required_question_is_refused(self, mini: Questionnaire) -> None:
        """SKIP is only for optional questions."""
        session = _session(mini)
        _answer_all(session, META)
        with pytest.raises(InvalidReply, match="Please answer"):
            session.reply(SKIP)
        with pytest.raises(InvalidReply, match="not an option"):
            session.reply("lots")
        assert _key(session.step()) == "appetite"

    def test_dont_know_only_where_allowed(self, mini: Questionnaire) -> None:
        """A question with dont_know: false refuses '?'."""
        data = mini.model_dump(mode="json")
        next(q for q in data["questions"] if q["id"] == "turnover")["dont_know"] = False
        strict = Questionnaire.model_validate(data)
        prompt = self._prompt(strict, "turnover")
        assert not prompt.allows_dont_know
        with pytest.raises(InvalidReply, match="not allowed"):
            parse_typed(prompt, "?")

    @pytest.mark.parametrize(
        ("selected", "expected"),
        [
            ([], []),
            (["community", "staff"], ["community", "staff"]),
            ([DONT_KNOW], DONT_KNOW),
            ([BACK], BACK),
        ],
    )
    def test_checkbox_selections(
        self, mini: Questionnaire, selected: list[Any], expected: Any
    ) -> None:
        """Ticked options are the answer; Don't know and Back stand alone."""
        assert expected == check_selection(self._prompt(mini, "members"), selected)

    def test_checkbox_specials_with_others(self, mini: Questionnaire) -> None:
        """Don't know ticked with an option is refused with a message."""
        with pytest.raises(InvalidReply, match="on its own"):
            check_selection(self._prompt(mini, "members"), ["staff", DONT_KNOW])

    def test_metadata(self) -> None:
        """Service is needed; organisation may be blank; dates are YYYY-MM-DD."""
        service, organisation, _, date = META_FIELDS
        with pytest.raises(InvalidReply, match="needed"):
            parse_meta(service, "  ")
        assert SKIP is parse_meta(organisation, "")
        assert dt.date(2026, 2, 3) == parse_meta(date, "2026-02-03")
        with pytest.raises(InvalidReply, match="YYYY-MM-DD"):
            parse_meta(date, "3/2/2026")

    @pytest.mark.parametrize(
        ("qid", "value", "shown"),
        [
            ("appetite", "few", "Few"),
            ("members", [], "(none of these)"),
            ("readiness", 1, "1 – Not at all"),
            ("readiness", 3, "3"),
            ("turnover", 12.0, "12%"),
            ("unions", True, "Yes"),
            ("notes", "hi", "hi"),
            ("unions", DONT_KNOW, "Don't know"),
            ("notes", None, "—"),
        ],
    )
    def test_display_value(self, mini: Questionnaire, qid: str, value: Any, shown: str) -> None:
        """Answers read as labels in the review."""
        assert shown == display_value(mini.question_index[qid], value)


class _Script:
    """A frontend that replies from a list and records what it was shown."""

    def __init__(self, replies: list[Any]) -> None:
        self.replies = list(replies)
        self.asked: list[str] = []
        self.notices: list[str] = []

    def notice(self, message: str) -> None:
        self.notices.append(message)

    def _next(self) -> Any:
        reply = self.replies.pop(0)
        return reply() if isinstance(reply, Callable) else reply

    def ask(self, prompt: MetaPrompt | QuestionPrompt) -> Any:
        self.asked.append(prompt.key)
        return self._next()

    def review(self, review: ReviewPrompt) -> str | None:
        self.asked.append("review")
        result: str | None = self._next()
        return result


class TestDrive:
    def test_a_whole_run_with_a_mistake(self, mini: Questionnaire) -> None:
        """An invalid reply becomes a notice and the same question is asked again."""
        replies = [v for _, v in FULL[:5]] + [200] + [v for _, v in FULL[5:]]
        script = _Script([*replies, "readiness", 5, None])
        result = drive(_session(mini), script)
        assert script.notices == ["200 is above the maximum 100."]
        assert [
            *[k for k, _ in FULL[:5]],
            "turnover",
            *[k for k, _ in FULL[5:]],
            "review",
            "readiness",
            "review",
        ] == script.asked
        assert result.answers["readiness"].value == 5
        assert result.status == "complete"

    def test_interrupt_leaves_a_draft_to_build(self, mini: Questionnaire) -> None:
        """KeyboardInterrupt propagates; the session still holds the answers so far."""

        def interrupt() -> None:
            raise KeyboardInterrupt

        session = _session(mini)
        with pytest.raises(KeyboardInterrupt):
            drive(session, _Script([*[v for _, v in FULL[:5]], interrupt]))
        draft = session.answers_file("draft")
        assert (draft.status, _bare(draft)) == ("draft", {"appetite": "most", "unions": False})
        assert session.typed_anything
