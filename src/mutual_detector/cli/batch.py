"""``mutual-detector batch``: assess many services in one go.

Thin: it finds the inputs, runs :mod:`mutual_detector.batch.runner`, hands
each item to the chosen renderer and writes the text. The progress bar
(rich, on stderr) is the CLI's implementation of the runner's observer.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mutual_detector import gcpause
from mutual_detector.cli.options import MinBandOpt, MinScoreOpt, OutputOpt, QuestionnaireOpt
from mutual_detector.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK
from mutual_detector.render.batch_formats import BatchFormat
from mutual_detector.text import printable

if TYPE_CHECKING:
    from mutual_detector.batch.records import BatchItem, BatchTotals


def batch(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Answers files, CSV files, folders or patterns.",
            show_default=False,
            metavar="PATH",
        ),
    ],
    questionnaire: QuestionnaireOpt = None,
    fmt: Annotated[
        BatchFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format. [default: from --output's extension, else table]",
            show_default=False,
        ),
    ] = None,
    output: OutputOpt = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            min=1,
            help="Worker processes. [default: every core, once the batch is big enough]",
            show_default=False,
        ),
    ] = None,
    rank: Annotated[
        bool,
        typer.Option(
            "--rank",
            help="Order services by verdict, score and confidence, with what holds each back.",
        ),
    ] = False,
    min_band: MinBandOpt = None,
    min_score: MinScoreOpt = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", help="No progress bar and no closing summary on stderr.")
    ] = False,
) -> None:
    """Assess many services in one go: answers files (.yaml, .yml, .json), CSV files with one
    service per row (see `mutual-detector template --format csv`), folders (searched
    recursively) and patterns such as 'answers/**/*.yaml'.

    Without --questionnaire, the one the answers name is used (built in, or a file with that
    id beside them), else mutual-detector. Inputs are taken in sorted order and results are
    written as they come. An input that
    cannot be read gets an error record (file, line or row, field, message) and the rest go on.

    Exit codes: 0 every input assessed (and every gate passed) · 1 an assessment is below
    --min-band/--min-score · 3 an input could not be assessed (this wins over 1) · 2 usage
    error · 4 output not written · 130 interrupted.
    """
    from mutual_detector import __version__
    from mutual_detector.batch import inputs, runner
    from mutual_detector.batch.gate import Gate
    from mutual_detector.batch.outputs import open_output
    from mutual_detector.batch.rank import Ranker
    from mutual_detector.batch.records import BatchContext, BatchTotals
    from mutual_detector.batch.worker import WorkerConfig
    from mutual_detector.cli.assess import timestamp
    from mutual_detector.errors import InputError
    from mutual_detector.loading import HAS_LIBYAML, get_questionnaire, resolve_questionnaire
    from mutual_detector.model.questionnaire import text

    if not HAS_LIBYAML:
        _warn("libyaml is not installed, so YAML is read by the slower pure-Python parser")
    sources = inputs.discover(paths)
    if not sources:
        raise InputError(f"no answers or CSV files found in {', '.join(paths)}")
    if questionnaire is None:
        questionnaire = _default_questionnaire(sources)
    q = get_questionnaire(questionnaire).questionnaire
    gate = Gate.for_questionnaire(q, min_band, min_score)
    total = inputs.count_tasks(sources)
    chosen = fmt or (BatchFormat.for_path(output.name) if output else None) or BatchFormat.table
    workers = runner.plan_workers(jobs, total, full_results=chosen.needs_results)
    context = BatchContext(
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        questionnaire_title=text(q.title),
        questionnaire_sha256=q.sha256,
        bands=tuple((b.id, text(b.label)) for b in q.scoring.bands),
        sections=tuple((s.id, text(s.title)) for s in q.sections if s.scored),
        confidence_threshold=q.scoring.confidence_threshold,
        tool_version=__version__,
        timestamp=timestamp(),
        gate=gate.describe() if gate is not None else None,
        ranked=rank,
    )
    config = WorkerConfig(
        questionnaire=str(resolve_questionnaire(questionnaire)),
        payload=chosen.needs_results,
        min_band=gate.min_band if gate is not None else None,
        min_score=min_score,
        timestamp=context.timestamp,
    )
    to_terminal = output is None and sys.stdout.isatty()
    renderer = chosen.renderer(
        context, width=_width() if to_terminal else 120, color=to_terminal and _colour()
    )
    progress = None if quiet or not sys.stderr.isatty() else RichProgress()
    errors_shown_inline = chosen is BatchFormat.table and output is None
    report_errors = ErrorLines(progress)
    totals = BatchTotals()
    ranker = Ranker() if rank else None
    tasks = inputs.tasks(sources, inputs.known_columns(q.question_index))
    sink = open_output(output)
    with sink:
        emit = _emitter(sink, progress if to_terminal else None)
        emit(renderer.begin())
        gcpause.resume()  # thousands of inputs may follow: collect garbage as usual
        items = runner.run(tasks, config, workers=workers, total=total, observer=progress)
        try:
            for item in items:
                totals.add(item)
                if not errors_shown_inline:
                    report_errors(item)
                if ranker is not None:
                    ranker.add(item)
                else:
                    emit(renderer.item(item))
        finally:
            items.close()
        code = exit_code(totals)
        if ranker is not None:
            for position, item in ranker.ranked():
                emit(renderer.item(item, position))
        emit(renderer.end(totals, code))
    if not quiet and not (chosen is BatchFormat.table and output is None):
        from mutual_detector.render.batch_markdown import summary_sentence

        sys.stderr.write(summary_sentence(totals, context) + "\n")
    raise typer.Exit(code)


def exit_code(totals: BatchTotals) -> int:
    """3 if any input could not be assessed, else 1 if any is below the gate, else 0."""
    if totals.failed:
        return EXIT_INPUT
    if totals.below_gate:
        return EXIT_FINDINGS
    return EXIT_OK


def _default_questionnaire(sources: list[Any]) -> str | None:
    """The questionnaire the answers name: built in, or a file beside them (as validate finds)."""
    from mutual_detector.batch import inputs
    from mutual_detector.errors import InputError
    from mutual_detector.loading import builtin_paths

    named = inputs.named_questionnaire(sources)
    if named is None:
        return None
    ident, folder = named
    if any(p.stem == ident for p in builtin_paths()):
        return ident
    beside = inputs.questionnaire_beside(folder, ident)
    if beside is None:
        raise InputError(
            f"the answers name questionnaire {ident!r}: not a built-in, and no questionnaire "
            f"with that id in {folder}; pass its file with --questionnaire"
        )
    return beside


_warned: set[str] = set()


def _warn(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        sys.stderr.write(f"mutual-detector: warning: {message}\n")


def _width() -> int:
    import shutil

    return max(40, min(200, shutil.get_terminal_size((120, 24)).columns))


def _colour() -> bool:
    return not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _emitter(sink: Any, progress: RichProgress | None) -> Any:
    """Write text; through the progress bar's console while it is on the same terminal."""

    def emit(text: str) -> None:
        if not text:
            return
        if progress is not None and progress.active:
            progress.print(text)
        else:
            sink.write(text)

    return emit


class ErrorLines:
    """Error records on stderr too, when the output itself is not on screen (at most 50)."""

    limit = 50

    def __init__(self, progress: RichProgress | None) -> None:
        self.progress = progress
        self.shown = 0

    def __call__(self, item: BatchItem) -> None:
        if item.status != "error" or self.shown > self.limit:
            return
        line = item.errors[0].one_line() if item.errors else f"{item.label}: could not assess"
        line = printable(line)  # a file name with ESC or a line break stays one harmless line
        if self.shown == self.limit:
            line = "mutual-detector: more inputs could not be assessed; see the output"
        self.shown += 1
        if self.progress is not None and self.progress.active:
            self.progress.print(line + "\n")
        else:
            sys.stderr.write(line + "\n")


class RichProgress:
    """The runner's observer: a progress bar on stderr (only used when stderr is a terminal)."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None
        self.active = False

    def start(self, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("assessing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._progress.start()
        self._task = self._progress.add_task("assessing", total=total)
        self.active = True

    def advance(self, item: BatchItem) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)

    def print(self, text: str) -> None:
        from rich.text import Text

        self._progress.console.print(Text.from_ansi(text.rstrip("\n")), soft_wrap=True)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
        self.active = False
