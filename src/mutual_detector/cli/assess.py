"""``mutual-detector assess``: score one set of answers and report.

Three steps, kept apart so that each can be replaced on its own:
:func:`get_answers` (read and validate the answers and their questionnaire),
:func:`score` (the pure engine) and :func:`report` (render to text). The
command writes the text to stdout or, atomically, to ``--output``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mutual_detector.cli.options import (
    MinBandOpt,
    MinScoreOpt,
    NoColorOpt,
    OutputOpt,
    QuestionnaireOpt,
)
from mutual_detector.errors import InputError, Outcome, UsageError
from mutual_detector.render import ResultFormat
from mutual_detector.terminal import FILE, Terminal

if TYPE_CHECKING:
    from mutual_detector.gate import Gate
    from mutual_detector.loading import LoadedAnswers, LoadedQuestionnaire
    from mutual_detector.model.answers import Answer
    from mutual_detector.model.findings import Finding
    from mutual_detector.model.questionnaire import Questionnaire
    from mutual_detector.model.result import Result


@dataclass(frozen=True)
class Inputs:
    """Answers that passed validation, their questionnaire, and any warnings."""

    questionnaire: LoadedQuestionnaire
    answers: LoadedAnswers
    warnings: tuple[Finding, ...]


@dataclass(frozen=True)
class CommandLineAnswers:
    """Metadata and answers given on the command line: they win over typed and file answers."""

    metadata: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)
    #: ``ID=VALUE`` as typed after each ``--set``, by question id (for messages).
    given: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.metadata or self.answers)


def parse_command_line_answers(
    service: str | None, organisation: str | None, assessor: str | None, sets: list[str]
) -> CommandLineAnswers:
    """``--service`` etc. and ``--set ID=VALUE`` (VALUE read as YAML: ``true``, ``12``, ``[a, b]``)."""
    import yaml

    from mutual_detector.model.answers import Answer

    metadata = {
        name: value
        for name, value in (
            ("service", service),
            ("organisation", organisation),
            ("assessor", assessor),
        )
        if value is not None
    }
    answers: dict[str, Answer] = {}
    given: dict[str, str] = {}
    for item in sets:
        qid, sep, raw = item.partition("=")
        if not sep or not qid.strip():
            raise UsageError(
                f"--set {item!r}: write it as QUESTION_ID=VALUE, e.g. --set unions=true"
            )
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
            answers[qid.strip()] = Answer(value=value)
            given[qid.strip()] = item
        except (yaml.YAMLError, ValueError) as exc:
            reason = str(exc).splitlines()[0]
            raise UsageError(f"--set {item!r}: the value is not valid ({reason})") from None
    return CommandLineAnswers(metadata, answers, given)


def get_answers(
    answers_path: Path | None,
    questionnaire_ref: str | None,
    *,
    resume: Path | None = None,
    no_input: bool = False,
    save_answers: Path | None = None,
    fixed: CommandLineAnswers | None = None,
    review: bool = False,
    force: bool = False,
) -> Inputs:
    """Load ``answers_path`` and its questionnaire; raise with located findings if invalid.

    The questionnaire is ``questionnaire_ref`` (a built-in id or a path), or the
    one the answers file names. Nothing is scored or written if anything fails.

    If required answers are missing (or no file is given), they are asked at the
    terminal (:mod:`mutual_detector.interactive`); with ``--no-input`` or no
    terminal that fails with exit 5 instead. ``--resume`` continues a draft.
    ``--review`` shows the answers for review at the terminal even if none is missing.
    A ``--set`` that does not fit the questionnaire is a usage error (exit 2).
    ``save_answers`` is honoured even when nothing is asked (a copy of the
    answers); an existing file is replaced only with ``force`` or if the user says so.
    """
    from mutual_detector.command_line import check_set_answers
    from mutual_detector.model.checks import missing_required

    fixed = fixed or CommandLineAnswers()
    if answers_path is not None and resume is not None:
        raise UsageError("use --answers or --resume, not both (--resume continues a draft)")
    source = resume or answers_path
    can_ask = not no_input and sys.stdin.isatty()
    if source is None:
        # The first question is asked while this loads (time to first prompt).
        def load() -> LoadedQuestionnaire:
            from mutual_detector.loading import get_questionnaire

            return get_questionnaire(questionnaire_ref)

        source_q: Callable[[], LoadedQuestionnaire] = load
        if fixed.answers:  # a wrong --set fails now, not after the first answer
            early = load()
            check_set_answers(early.questionnaire, fixed.answers, fixed.given)
            source_q = _ready(early)

        from mutual_detector.interactive.collect import collect_answers

        collected = collect_answers(
            source_q,
            no_input=no_input,
            save_answers=save_answers,
            fixed_metadata=fixed.metadata,
            fixed_answers=fixed.answers,
            review=review,
            force=force,
        )
        return Inputs(collected.questionnaire, collected.loaded, ())
    from mutual_detector.loading import check_answers, get_questionnaire, load_answers

    loaded = load_answers(source)
    questionnaire = get_questionnaire(questionnaire_ref, answers=loaded)
    check_set_answers(questionnaire.questionnaire, fixed.answers, fixed.given)
    replaced = {(qid,) for qid in fixed.answers}
    findings = check_answers(loaded, questionnaire)
    # A bad value in the file that --set replaces is no problem (--set was checked above).
    errors = [
        f
        for f in findings
        if f.level == "error" and not (f.path[:1] == ("answers",) and f.path[1:2] in replaced)
    ]
    if errors and not can_ask:
        raise InputError(errors[0].one_line(), errors)
    warnings = tuple(f for f in findings if f.level != "error")
    given = loaded.answers.answers
    if (
        errors
        or resume is not None
        or review
        or fixed
        or missing_required(questionnaire.questionnaire, given)
    ):
        # Answers from the file are checked again there like typed ones; bad ones are asked.
        from mutual_detector.interactive.collect import collect_answers

        collected = collect_answers(
            questionnaire,
            answers=loaded,
            resume=resume,
            no_input=no_input,
            save_answers=save_answers,
            fixed_metadata=fixed.metadata,
            fixed_answers=fixed.answers,
            review=review,
            force=force,
        )
        kept = tuple(f for f in warnings if f.rule not in ("A205", "A207"))  # dealt with there
        return Inputs(collected.questionnaire, collected.loaded, kept)
    if save_answers is not None:  # nothing to ask: --save-answers gets a copy (README)
        from mutual_detector.interactive.saving import save_copy

        order = [q.id for q in questionnaire.questionnaire.ordered_questions]
        save_copy(loaded, save_answers, order, force=force, interactive=can_ask, emit=_say)
    return Inputs(questionnaire, loaded, warnings)


def _ready(loaded: LoadedQuestionnaire) -> Callable[[], LoadedQuestionnaire]:
    """A loader for a questionnaire that is loaded already."""
    return lambda: loaded


def _say(line: str) -> None:
    sys.stderr.write(line + "\n")


def _gate_questionnaire(source: Path | None, ref: str | None) -> Questionnaire:
    from mutual_detector.loading import get_questionnaire, load_answers

    answers = load_answers(source) if ref is None and source is not None else None
    return get_questionnaire(ref, answers=answers).questionnaire


def timestamp() -> str:
    """Now in UTC (``SOURCE_DATE_EPOCH`` when set, for reproducible output)."""
    import datetime as dt

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if epoch.isdigit() and len(epoch) <= 12:
        with contextlib.suppress(OverflowError, OSError, ValueError):
            when = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return when.isoformat().replace("+00:00", "Z")


def score(inputs: Inputs, *, whatif: bool = True) -> Result:
    """Run the engine on validated inputs."""
    from mutual_detector.engine import assess as run_engine

    return run_engine(
        inputs.questionnaire.questionnaire,
        inputs.answers.answers,
        whatif=whatif,
        timestamp=timestamp(),
    )


def report(
    result: Result, inputs: Inputs, fmt: ResultFormat, *, width: int = 80, color: bool = False
) -> str:
    """The result as text in ``fmt``."""
    return fmt.render(result, inputs.questionnaire.questionnaire, width=width, color=color)


def output_format(fmt: ResultFormat | None, output: Path | None) -> ResultFormat:
    """``--format``, else what ``--output``'s extension names, else text.

    An extension that names no format (``report.pdf``, ``.csv``) is a usage error
    (exit 2) unless ``--format`` says what to write; a name without one is text.
    """
    if fmt is not None:
        return fmt
    if output is None:
        return ResultFormat.text
    implied = ResultFormat.for_path(output.name)
    if implied is None:
        from mutual_detector.outputs import refuse_unknown_extension

        refuse_unknown_extension(output, ".txt (text), .json, .md (markdown) or .html")
    return implied or ResultFormat.text


def _check_outputs(
    answers: Path | None,
    resume: Path | None,
    questionnaire: str | None,
    output: Path | None,
    save_answers: Path | None,
) -> None:
    """Refuse, before anything is asked, an output that is one of the inputs (exit 2)."""
    from mutual_detector.outputs import refuse_input_as_output, same_target

    if answers is not None and str(answers) == "-":
        from mutual_detector.stdin import check_not_a_terminal

        check_not_a_terminal("--answers")
    read: list[str | Path | None] = [answers, resume]
    if questionnaire is not None or (answers is None and resume is None):
        from mutual_detector.errors import InputError
        from mutual_detector.loading import questionnaire_path

        with contextlib.suppress(InputError):  # an unknown id is reported when it is loaded
            read.append(questionnaire_path(questionnaire))
    refuse_input_as_output(output, read)
    # --save-answers may name the answers file (to complete it), never the questionnaire.
    refuse_input_as_output(save_answers, read[2:], option="--save-answers")
    if output is not None and save_answers is not None and same_target(output, save_answers):
        from mutual_detector.errors import UsageError

        raise UsageError(
            f"--output and --save-answers name the same file, {output}; choose two files"
        )


def assess(
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            "-a",
            help="Answers file (YAML or JSON) to score; - reads it from standard input. At a "
            "terminal, only missing required answers are asked (see --review, --no-input).",
            dir_okay=False,
        ),
    ] = None,
    questionnaire: QuestionnaireOpt = None,
    fmt: Annotated[
        ResultFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="text (a report for the terminal), json (the full result), markdown or html. "
            "Default: from the --output file's extension, else text.",
            case_sensitive=False,
        ),
    ] = None,
    output: OutputOpt = None,
    no_what_if: Annotated[
        bool,
        typer.Option("--no-what-if", help="Skip the search for answer changes that would help."),
    ] = False,
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume",
            help="Carry on an interrupted assessment from its draft answers file.",
            dir_okay=False,
        ),
    ] = None,
    no_input: Annotated[
        bool,
        typer.Option(
            "--no-input",
            help="Never ask: if required answers are missing, list them and exit with code 5.",
        ),
    ] = False,
    save_answers: Annotated[
        Path | None,
        typer.Option(
            "--save-answers",
            help="Where to save the answers (typed at the terminal, or a copy of --answers). "
            "Default: ./<service>-answers.yaml; an existing file is replaced only if you say "
            "so: at the terminal, or with --force.",
            dir_okay=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace an existing --save-answers file without asking (without a terminal, "
            "an existing file is refused otherwise, exit code 4).",
        ),
    ] = False,
    service: Annotated[
        str | None,
        typer.Option(
            "--service", help="The service assessed (not asked then).", show_default=False
        ),
    ] = None,
    organisation: Annotated[
        str | None,
        typer.Option(
            "--organisation", help="The organisation (not asked then).", show_default=False
        ),
    ] = None,
    assessor: Annotated[
        str | None,
        typer.Option("--assessor", help="Who assesses (not asked then).", show_default=False),
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Answer a question on the command line, ID=VALUE (repeatable; VALUE as in an "
            "answers file: true, 12, most, [staff, users], dont_know). Wins over the file.",
            show_default=False,
        ),
    ] = None,
    review: Annotated[
        bool,
        typer.Option(
            "--review",
            help="At a terminal, show the answers for review even if none is missing: change "
            "them, add notes and evidence, then confirm. Changes are saved as answers typed "
            "at the terminal are; confirmed unchanged, the file is left as it was.",
        ),
    ] = False,
    min_band: MinBandOpt = None,
    min_score: MinScoreOpt = None,
    no_color: NoColorOpt = False,
) -> Outcome | None:
    """Score a service's answers: the verdict and its score range, caps, red flags, readiness
    for the stage, legal forms with reasons, governance, next steps, and what could change
    the verdict."""
    if review:  # a usage error comes before anything is read
        from mutual_detector.interactive.collect import check_review

        check_review(no_input=no_input, interactive=sys.stdin.isatty())
    fixed = parse_command_line_answers(service, organisation, assessor, sets or [])
    # Usage errors come before anything is read or asked.
    _check_outputs(answers, resume, questionnaire, output, save_answers)
    chosen = output_format(fmt, output)
    gated = min_band is not None or min_score is not None
    if gated:
        from mutual_detector.gate import Gate

        # Check the gate before anything is asked, not after the last answer.
        Gate.for_questionnaire(
            _gate_questionnaire(answers or resume, questionnaire), min_band, min_score
        )
    inputs = get_answers(
        answers,
        questionnaire,
        resume=resume,
        no_input=no_input,
        save_answers=save_answers,
        fixed=fixed,
        review=review,
        force=force,
    )
    gate: Gate | None = None
    if gated:
        from mutual_detector.gate import Gate

        gate = Gate.for_questionnaire(inputs.questionnaire.questionnaire, min_band, min_score)
    for f in inputs.warnings:
        sys.stderr.write(f.one_line() + "\n")
    if output is not None:  # the questionnaire's own files (its parts too) are inputs as well
        from mutual_detector.outputs import refuse_input_as_output

        refuse_input_as_output(output, [*inputs.questionnaire.files, answers, resume])
    result = score(inputs, whatif=not no_what_if)
    term = FILE if output is not None else Terminal.of(sys.stdout)
    text = report(
        result,
        inputs,
        chosen,
        width=term.width("report"),
        color=chosen is ResultFormat.text and term.color,
    )
    if output is None:
        from mutual_detector.cli.outputs import write_stdout

        write_stdout(text, machine=chosen is not ResultFormat.text)
    else:
        from mutual_detector.atomic import atomic_write
        from mutual_detector.loading import display_path

        atomic_write(output, text)
        sys.stderr.write(f"mutual-detector: wrote {display_path(output)}\n")
    if gate is None:
        return None
    from mutual_detector.gate import verdict_line  # --min-band / --min-score (docs/ci.md)

    line, passed = verdict_line(gate, result)
    if line is not None:
        sys.stderr.write(line + "\n")
    return Outcome(failing=not passed)


__all__ = [
    "CommandLineAnswers",
    "Inputs",
    "assess",
    "get_answers",
    "parse_command_line_answers",
    "report",
    "score",
    "timestamp",
]
