"""``mutual-detector batch``: assess many services in one go.

Thin: it finds the inputs, runs :mod:`mutual_detector.batch.runner`, hands
each item to the chosen renderer and writes the text. The progress bar
(rich, on stderr) is the CLI's implementation of the runner's observer.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mutual_detector import gcpause
from mutual_detector.cli.options import (
    MinBandOpt,
    MinScoreOpt,
    NoColorOpt,
    OutputOpt,
    QuestionnaireOpt,
)
from mutual_detector.errors import Outcome, exit_code
from mutual_detector.render.batch_formats import BatchFormat
from mutual_detector.terminal import FILE, Terminal

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
            help="Order services by indicative band, then worst band, then score, with what "
            "holds each back.",
        ),
    ] = False,
    min_band: MinBandOpt = None,
    min_score: MinScoreOpt = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", help="No progress bar and no closing summary on stderr.")
    ] = False,
    no_color: NoColorOpt = False,
) -> Outcome:
    """Assess many services in one go: answers files (.yaml, .yml, .json), CSV files with one
    service per row (see `mutual-detector template --format csv`), folders (searched
    recursively) and patterns such as 'answers/**/*.yaml'.

    Without --questionnaire, the one the answers name is used (a file with that id beside
    them, else built in), else mutual-detector. Inputs are taken in sorted order and results are
    written as they come. An input that
    cannot be read gets an error record (file, line or row, field, message) and the rest go on.

    Exit codes: 0 every input assessed (and every gate passed) · 1 an assessment is below
    --min-band/--min-score · 3 an input could not be assessed (this wins over 1) · 2 usage
    error · 4 output not written · 130 interrupted.
    """
    from mutual_detector import __version__
    from mutual_detector.batch import inputs, runner
    from mutual_detector.batch.rank import Ranker
    from mutual_detector.batch.records import BatchContext, BatchTotals
    from mutual_detector.batch.worker import WorkerConfig
    from mutual_detector.cli.assess import timestamp
    from mutual_detector.cli.outputs import open_output
    from mutual_detector.errors import InputError
    from mutual_detector.gate import Gate
    from mutual_detector.loading import HAS_LIBYAML, get_questionnaire
    from mutual_detector.model.questionnaire import text
    from mutual_detector.outputs import refuse_input_as_output

    if not HAS_LIBYAML:
        _warn("libyaml is not installed, so YAML is read by the slower pure-Python parser")
    sources = inputs.discover(paths, exclude=[output] if output is not None else [])
    if output is not None:
        # An input named on the command line is never replaced by the report (exit 2); one
        # found in a folder or by a pattern is skipped instead (inputs.discover).
        refuse_input_as_output(output, [s.path for s in sources if s.explicit])
    if not sources:
        raise InputError(f"no answers or CSV files found in {', '.join(paths)}")
    path = _questionnaire_path(questionnaire, sources)
    loaded = get_questionnaire(path)
    q = loaded.questionnaire
    if output is not None:
        refuse_input_as_output(output, loaded.files)  # nor is the questionnaire
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
        tool_version=__version__,
        timestamp=timestamp(),
        gate=gate.describe() if gate is not None else None,
        ranked=rank,
    )
    config = WorkerConfig(
        questionnaire=str(path),
        payload=chosen.needs_results,
        min_band=gate.min_band if gate is not None else None,
        min_score=min_score,
        timestamp=context.timestamp,
    )
    term = FILE if output is not None else Terminal.of(sys.stdout)
    to_terminal = term.is_terminal
    renderer = chosen.renderer(
        context,
        width=term.width("table"),
        color=term.color,
        names=[s.name for s in sources],
        csv_rows=any(s.kind == "csv" for s in sources),
    )
    progress = None if quiet or not sys.stderr.isatty() else RichProgress()
    errors_shown_inline = chosen is BatchFormat.table and output is None
    report_errors = ErrorLines(progress)
    totals = BatchTotals()
    ranker = Ranker() if rank else None
    tasks = inputs.tasks(sources, inputs.known_columns(q.question_index))
    sink = open_output(output, machine=chosen is not BatchFormat.table)
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
        outcome = batch_outcome(totals)
        if ranker is not None:
            for position, item in ranker.ranked():
                emit(renderer.item(item, position))
        emit(renderer.end(totals, exit_code(outcome)))
    if not quiet and not (chosen is BatchFormat.table and output is None):
        from mutual_detector.render.batch_markdown import summary_sentence

        sys.stderr.write(summary_sentence(totals, context) + "\n")
    return outcome


def batch_outcome(totals: BatchTotals) -> Outcome:
    """An input that could not be assessed (3) wins over an assessment below the gate (1)."""
    return Outcome(unreadable=totals.failed > 0, failing=totals.below_gate > 0)


def _questionnaire_path(ref: str | None, sources: list[Any], tries: int = 5) -> Path:
    """``--questionnaire``, else the one the first readable answers file names (loading.lookup)."""
    from mutual_detector import ANSWERS_FORMAT
    from mutual_detector.errors import InputError
    from mutual_detector.loading import questionnaire_path, read_document

    if ref is None:
        for source in [s for s in sources if s.kind == "answers"][:tries]:
            try:
                data = read_document(source.path, name=source.name).data
            except InputError:
                continue
            qid = data.get("questionnaire")
            if isinstance(qid, str) and data.get("format") == ANSWERS_FORMAT:
                return questionnaire_path(None, answers=Path(source.path), qid=qid)
    return questionnaire_path(ref)


_warned: set[str] = set()


def _warn(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        sys.stderr.write(f"mutual-detector: warning: {message}\n")


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
        from mutual_detector.text import printable

        line = item.errors[0].one_line() if item.errors else f"{item.label}: could not assess"
        line = printable(line)
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
            console=Console(stderr=True, no_color=not Terminal.of(sys.stderr).color),
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
