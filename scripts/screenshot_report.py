"""Render HTML committee reports and look at them in a real headless browser.

Run with the project's interpreter::

    .venv/bin/python scripts/screenshot_report.py [ANSWERS.yaml ...] [--out DIR]
        [--questionnaire ID_OR_PATH] [--hostile] [--no-pdf]

For each answers file (default: examples/charitable-library-trust.yaml) it
assesses the answers, writes ``NAME.html`` and ``NAME.md``, then asks Chromium
for ``NAME.png`` (the first A4-sized screen, 1240x1754) and, unless
``--no-pdf``, prints ``NAME.pdf`` and turns each page into
``NAME-page-N.png`` with ``pdftoppm`` if it is installed. ``--hostile``
replaces the service name, notes and evidence with strings that try to break
out of HTML and Markdown, so the pictures show whether escaping holds.

Chromium is not a dependency of the project or its tests; install it with
``apt-get install -y chromium poppler-utils`` (Debian) to use this script.
The browser runs with no network features and a throw-away profile.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_SERVICE = (
    '<script>alert(1)</script> "><img src=x onerror=alert(2)> | *x* [a](javascript:alert(3))'
)
HOSTILE_NOTE = "- list?\n1. ordered?\n> quote?\n<b>bold?</b> &amp; `code` _em_ ~~del~~"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _browser(binary: str, profile: str, *args: str) -> None:
    cmd = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("answers", nargs="*", type=Path)
    parser.add_argument("--questionnaire", default="mutual-detector")
    parser.add_argument("--out", type=Path, default=Path("report-shots"))
    parser.add_argument("--hostile", action="store_true")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args(argv)

    from mutual_detector.engine import assess
    from mutual_detector.errors import MutualDetectorError
    from mutual_detector.loading import get_questionnaire, load_answers
    from mutual_detector.render.html import render_html
    from mutual_detector.render.markdown import render_markdown

    files = args.answers or [ROOT / "examples" / "charitable-library-trust.yaml"]
    questionnaire = get_questionnaire(args.questionnaire).questionnaire
    args.out.mkdir(parents=True, exist_ok=True)
    binary = _chromium()
    if binary is None:
        print("chromium not found: writing HTML and Markdown only", file=sys.stderr)
    for path in files:
        try:
            answers = load_answers(path).answers
        except MutualDetectorError as exc:
            print(f"{path}: skipped ({exc.message})", file=sys.stderr)
            continue
        if args.hostile:
            meta = answers.metadata.model_copy(
                update={"service": HOSTILE_SERVICE, "notes": HOSTILE_NOTE}
            )
            first = next(iter(answers.answers))
            patched = dict(answers.answers)
            patched[first] = patched[first].model_copy(
                update={"note": HOSTILE_NOTE, "evidence": HOSTILE_SERVICE}
            )
            answers = answers.model_copy(update={"metadata": meta, "answers": patched})
        result = assess(questionnaire, answers, timestamp="2026-11-25T10:00:00Z")
        started = time.perf_counter()
        page = render_html(result, questionnaire)
        text = render_markdown(result, questionnaire)
        took = time.perf_counter() - started
        stem = path.stem + ("-hostile" if args.hostile else "")
        html_path = (args.out / f"{stem}.html").resolve()
        html_path.write_text(page, encoding="utf-8")
        (args.out / f"{stem}.md").write_text(text, encoding="utf-8")
        print(f"{html_path} ({len(page)} bytes; both reports rendered in {took * 1000:.1f} ms)")
        if binary is None:
            continue
        with tempfile.TemporaryDirectory() as profile:
            png = (args.out / f"{stem}.png").resolve()
            _browser(
                binary,
                profile,
                f"--screenshot={png}",
                "--window-size=1240,1754",
                html_path.as_uri(),
            )
            print(f"  {png}")
            if args.no_pdf:
                continue
            pdf = (args.out / f"{stem}.pdf").resolve()
            _browser(
                binary,
                profile,
                f"--print-to-pdf={pdf}",
                "--no-pdf-header-footer",
                html_path.as_uri(),
            )
            print(f"  {pdf}")
        if shutil.which("pdftoppm"):
            prefix = args.out / f"{stem}-page"
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True, timeout=120
            )
            pages = sorted(args.out.glob(f"{stem}-page-*.png"))
            print(f"  {len(pages)} A4 pages: {prefix}-*.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
