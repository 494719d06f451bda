"""The ``mutual-detector`` app, its error guard and ``--version``.

Heavy modules (pydantic, rich, questionary) are imported inside the commands
that need them, so ``--help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Annotated, Any, Final, TypeVar

import typer

from mutual_detector import ANSWERS_FORMAT, QUESTIONNAIRE_FORMAT, RESULT_FORMAT, __version__
from mutual_detector.cli.options import NoColorOpt
from mutual_detector.errors import MutualDetectorError, Outcome, exit_code, interrupted

EXIT_CODES_HELP = """\
Exit codes: 0 ok · 1 findings, or an assessment below --min-band/--min-score ·
2 usage error · 3 an input file could not be read, parsed or validated ·
4 an output could not be written · 5 answers missing and prompting impossible ·
70 internal error (a bug: please report it) · 130 interrupted (work so far saved) ·
141 standard output closed by its reader (| head)."""

_app = typer.Typer(
    name="mutual-detector",
    help=(
        "Diagnose whether a UK public service could spin out as a public service mutual, "
        "what legal form and governance it should take, and how ready it is.\n\n" + EXIT_CODES_HELP
    ),
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
    # -h as well as --help, for every command (sub-commands inherit it).
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: The app with every command. It is built on first use (module ``__getattr__``
#: below); ``main`` registers only the command being run.
app: typer.Typer

F = TypeVar("F", bound=Callable[..., Any])


def run_guarded(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> int:
    """Run a command and return its exit code: every known error is one line on stderr.

    What the command returns (an :class:`~mutual_detector.errors.Outcome`, or None)
    and what it raises both go to :func:`~mutual_detector.errors.exit_code`, the
    one place codes are decided (copier's ``_handle_exceptions`` is the model).
    """
    try:
        returned = fn(*args, **kwargs)
    except MutualDetectorError as exc:
        _print_error(exc)
        return exit_code(exc)
    except KeyboardInterrupt as exc:
        sys.stderr.write("mutual-detector: interrupted\n")
        return exit_code(exc)
    except BrokenPipeError as exc:
        # Standard output was closed by its reader (`| head`): end quietly (141).
        from mutual_detector.cli.outputs import silence_stdout

        silence_stdout()
        return exit_code(exc)
    except (typer.Exit, typer.Abort, SystemExit):
        raise  # typer's and click's own exits (usage errors: 2) keep their codes
    except Exception as exc:
        if interrupted(exc):  # a library wrapped the KeyboardInterrupt (130)
            sys.stderr.write("mutual-detector: interrupted\n")
            return exit_code(exc)
        # A bug of ours: one line, not a traceback (MUTUAL_DETECTOR_DEBUG=1 shows it).
        if os.environ.get("MUTUAL_DETECTOR_DEBUG"):
            raise
        from mutual_detector.text import printable

        first = printable((str(exc).splitlines() or [""])[0][:200])
        sys.stderr.write(
            f"mutual-detector: internal error: {type(exc).__name__}: {first} "
            "(please report it; MUTUAL_DETECTOR_DEBUG=1 shows the details)\n"
        )
        return exit_code(exc)
    return exit_code(returned if isinstance(returned, Outcome) else None)


def guarded(fn: F) -> F:
    """``fn`` as a typer command: run by :func:`run_guarded`, exiting with its code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        code = run_guarded(fn, *args, **kwargs)
        if code:
            raise typer.Exit(code)

    return wrapper  # type: ignore[return-value]


def _print_error(exc: MutualDetectorError) -> None:
    from mutual_detector.text import printable  # one line each, whatever a file name holds

    findings = getattr(exc, "findings", None) or []
    if findings:
        for f in findings:
            if f.level == "error":
                sys.stderr.write(printable(f.one_line()) + "\n")
    else:
        sys.stderr.write(f"mutual-detector: error: {printable(exc.message)}\n")


def _version(value: bool) -> None:
    if value:
        from mutual_detector.cli.outputs import write_stdout

        text = (
            f"mutual-detector {__version__}\n"
            f"reads {QUESTIONNAIRE_FORMAT}, {ANSWERS_FORMAT}; writes {RESULT_FORMAT}\n"
        )
        raise typer.Exit(run_guarded(write_stdout, text, machine=False))


@_app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    no_color: NoColorOpt = False,
) -> None:
    if ctx.invoked_subcommand is None:
        # The main job with no arguments. At a terminal: assess a service with
        # the built-in questionnaire (asking the questions). Otherwise (a script,
        # CI): check the built-in questionnaires and say how to assess.
        from mutual_detector.terminal import Terminal

        if Terminal.of(sys.stdin).is_terminal and Terminal.of(sys.stdout).is_terminal:
            from mutual_detector.cli import assess

            raise typer.Exit(run_guarded(assess.assess))
        from mutual_detector.cli import validate
        from mutual_detector.cli.outputs import write_stdout

        code = run_guarded(validate.run)
        if code == 0:
            code = run_guarded(
                write_stdout,
                "\nNext: run `mutual-detector assess` in a terminal to answer the questions, "
                "or `mutual-detector assess --answers FILE` to score an answers file.\n",
                machine=False,
            )
        raise typer.Exit(code)


#: The commands, in the order ``--help`` lists them; each is the function of that
#: name in the module of that name under ``mutual_detector.cli``.
COMMANDS: Final = (
    "validate",
    "schema",
    "assess",
    "batch",
    "compare",
    "template",
    "calibrate",
    "help",
)


_registered: set[str] = set()


def _register(only: str | None = None) -> None:
    """Add the commands to ``app`` (only ``only``, when given, for a faster start)."""
    import importlib

    for name in COMMANDS:
        if (only is None or name == only) and name not in _registered:
            module = importlib.import_module(f"mutual_detector.cli.{name}")
            _app.command(name)(guarded(getattr(module, name)))
            _registered.add(name)


def invoked_command(args: Sequence[str]) -> str | None:
    """The command that ``args`` run, if it is one of ours; None for the bare tool.

    The root options are all flags, so the command is the first word that is not
    an option. Tab completion needs every command, so it gets None.
    """
    if "_MUTUAL_DETECTOR_COMPLETE" in os.environ:  # set by the shell's completion script
        return None
    first = next((a for a in args if not a.startswith("-")), None)
    return first if first in COMMANDS else None


_COMPLETION_OPTIONS: Final = ("--show-completion", "--install-completion")


def completion_shell_given(args: Sequence[str]) -> bool:
    """Whether ``--show-completion SHELL`` (or ``--install-completion SHELL``) names a shell.

    typer's options detect the shell and ignore a shell named after them (so
    ``--show-completion zsh`` printed the bash script from bash). Its own
    variant that takes the shell as a value is used instead when one is named.
    """
    for i, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if name in _COMPLETION_OPTIONS:
            following = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            return bool(following) and not following.startswith("-")
    return False


def main(ready: Callable[[], None] | None = None) -> None:
    """Run the tool for ``sys.argv`` (the console script, :func:`mutual_detector.cli.main`,
    has set up the signals and the standard streams first).

    Only the command being run is registered: building every command's options
    (and importing its module) would cost a tenth of the start-up. ``--help``,
    the bare tool and tab completion, which list them all, get them all.
    ``ready`` is called then, before the command line is read.

    What click writes itself (``--help``, a usage error) is not a command's
    output, so it is not guarded by :func:`run_guarded`; it ends as a command's
    output would: a closed pipe quietly (141), a full disk as an output error (4).
    """
    if completion_shell_given(sys.argv[1:]):
        os.environ["_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"] = "1"
    _register(invoked_command(sys.argv[1:]))
    if ready is not None:
        ready()
    try:
        _app()
    except SystemExit as done:
        # click ends a closed pipe with 1, having made stdout and stderr quiet.
        if done.code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":
            raise SystemExit(run_guarded(_closed)) from None
        raise
    except OSError as exc:  # click could not write --help (a full disk, say)
        raise SystemExit(run_guarded(_cannot_write, exc)) from None


def _closed() -> None:
    raise BrokenPipeError


def _cannot_write(exc: OSError) -> None:
    from mutual_detector.errors import OutputError
    from mutual_detector.text import reason

    raise OutputError(f"standard output: cannot write: {reason(exc)}")


def __getattr__(name: str) -> Any:
    # ``app`` with every command, for tests and for importers; main() builds its own.
    if name == "app":
        _register()
        globals()["app"] = _app
        return _app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
