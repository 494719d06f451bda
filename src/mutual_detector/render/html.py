"""The committee report as one self-contained HTML page.

:func:`render_html` returns text; only the CLI writes it. The page has its CSS
inline, no scripts, no images, fonts or other files to fetch (a Content
Security Policy says so too), and prints on A4 through ``@page`` and print
rules. Every string that is not ours is escaped; the only links that leave
the page are the sources' own http(s) addresses, shown in the appendix.

The content and its order come from :mod:`mutual_detector.render.report_model`.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from mutual_detector import __version__
from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.result import Result
from mutual_detector.render.report_model import (
    HEADINGS,
    PHRASES,
    SECTION_COLUMNS,
    AnswerView,
    CandidateView,
    FlagView,
    QuestionLink,
    ReasonView,
    Report,
    build_report,
    one_line,
    text_lines,
)

CSS = """\
@page {
  size: A4;
  margin: 16mm 15mm 18mm 15mm;
  @bottom-left { content: "Public service mutual assessment"; font: 8pt sans-serif; color: #555; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt sans-serif; color: #555; }
}
:root {
  --ink: #1a1a1a; --muted: #555; --rule: #c9c9c9; --accent: #1d4f91; --track: #e3e3e3;
  --good: #1b6e35; --middle: #8a5a00; --bad: #a4262c; --unknown: #4a4a4a;
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  font: 10pt/1.45 "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
  color: var(--ink); background: #fff; margin: 0 auto; max-width: 200mm; padding: 10mm 11mm;
  overflow-wrap: anywhere;
}
h1 { font-size: 20pt; line-height: 1.2; margin: 0 0 1mm; color: var(--accent); }
h2 {
  font-size: 13.5pt; color: var(--accent); margin: 7mm 0 2.5mm; padding-bottom: 1mm;
  border-bottom: 1.2pt solid var(--accent); break-after: avoid;
}
h3 { font-size: 11pt; margin: 4.5mm 0 1.5mm; break-after: avoid; }
h4 { font-size: 10pt; margin: 3mm 0 1mm; break-after: avoid; }
h5 { font-size: 10pt; margin: 0 0 1mm; break-after: avoid; }
p { margin: 0 0 2mm; }
ul, ol { margin: 0 0 2mm; padding-left: 6mm; }
li { margin: 0 0 0.8mm; }
a { color: var(--accent); }
.cite { white-space: nowrap; color: var(--muted); }
sup.cite { font-size: 7pt; line-height: 0; }
.cite a { text-decoration: none; }
.subtitle { font-size: 13pt; margin: 0 0 4mm; }
.muted { color: var(--muted); }
.small { font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; margin: 0 0 2.5mm; }
th, td {
  text-align: left; vertical-align: top; padding: 1mm 1.6mm; border-bottom: 0.5pt solid var(--rule);
}
thead th { border-bottom: 1pt solid var(--ink); font-weight: 600; vertical-align: bottom; }
tr { break-inside: avoid; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.facts th { width: 38mm; font-weight: 600; }
table.scores .score { white-space: nowrap; font-variant-numeric: tabular-nums; }
table.scores tr.group th {
  padding-top: 2.5mm; border-bottom: 0.8pt solid var(--rule); color: var(--accent); font-weight: 600;
}
svg.bar { width: 24mm; height: 2.6mm; vertical-align: -0.3mm; margin-right: 1.5mm; }
svg.bar .track { fill: var(--track); }
svg.bar .fill { fill: var(--accent); }
.verdict-box {
  border: 0.8pt solid var(--unknown); border-left: 4mm solid var(--unknown);
  padding: 3mm 4mm; margin: 0 0 3mm; break-inside: avoid;
}
.verdict-box .band { font-size: 17pt; font-weight: 700; margin: 0 0 1mm; color: var(--unknown); }
.verdict-box .headline { font-weight: 600; }
.tone-good { border-color: var(--good); } .tone-good .band { color: var(--good); }
.tone-middle { border-color: var(--middle); } .tone-middle .band { color: var(--middle); }
.tone-bad { border-color: var(--bad); } .tone-bad .band { color: var(--bad); }
.card {
  border: 0.5pt solid var(--rule); border-left: 1.6mm solid var(--accent);
  padding: 2mm 3mm; margin: 0 0 2.5mm; break-inside: avoid;
}
.card.blocker { border-left-color: var(--bad); }
.card.warning { border-left-color: var(--middle); }
.card.info { border-left-color: var(--unknown); }
.card.excluded { border-left-color: var(--rule); }
.card h3, .card h4 { margin: 0 0 1mm; }
.card ul { margin-bottom: 0; }
.label { font-weight: 600; }
.for .label { color: var(--good); }
.against .label { color: var(--bad); }
ol.plain, ul.plain { padding-left: 0; list-style: none; }
.answer {
  border-top: 0.5pt solid var(--rule); padding: 1.6mm 0 0.8mm; break-inside: avoid;
  font-size: 9pt; line-height: 1.35;
}
.answer dl { display: grid; grid-template-columns: 27mm 1fr; gap: 0.4mm 3mm; margin: 0; }
.answer dt { color: var(--muted); }
.answer dd { margin: 0; }
ol.sources li { margin-bottom: 1.5mm; break-inside: avoid; }
table.colophon td { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 8pt; }
@media print {
  body { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h2 { break-before: auto; }
  #answers, #sources { break-before: page; }
}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def e(value: str) -> str:
    """User text on one line, escaped for HTML text and attribute values."""
    return escape(one_line(value), quote=True)


def e_block(value: str) -> str:
    """User text that may span lines: escaped lines joined with ``<br>``."""
    return "<br>".join(escape(line, quote=True) for line in text_lines(value))


def _cites(numbers: Iterable[int], *, sup: bool = True) -> str:
    links = ", ".join(f'<a href="#src-{n}">{n}</a>' for n in numbers)
    if not links:
        return ""
    return f'<sup class="cite">[{links}]</sup>' if sup else f'<span class="cite">[{links}]</span>'


def _q(link: QuestionLink) -> str:
    return f'<a href="#q-{e(link.id)}">{link.label}</a> {e(link.prompt)}'


def _reason(r: ReasonView) -> str:
    points = f' <span class="muted">({e(r.points)})</span>' if r.points else ""
    return (
        f'<li class="{r.kind}"><span class="label">{e(r.label)}:</span> '
        f"{e_block(r.text)}{points}{_cites(r.cites)}</li>"
    )


def _bar(score: float | None) -> str:
    if score is None:
        return ""
    width = max(0.0, min(100.0, score))
    return (
        '<svg class="bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">'
        '<rect class="track" width="100" height="6"></rect>'
        f'<rect class="fill" width="{width:.2f}" height="6"></rect></svg>'
    )


def _ul(items: Iterable[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    lis = "".join(f"<li>{i}</li>" for i in items)
    return f"<ul{attr}>{lis}</ul>" if lis else ""


def _pairs(cls: str, pairs: Iterable[tuple[str, str]]) -> str:
    rows = "".join(f'<tr><th scope="row">{e(k)}</th><td>{e(v)}</td></tr>' for k, v in pairs)
    return f'<table class="{cls}"><tbody>{rows}</tbody></table>'


def _candidate(c: CandidateView, *, level: int, cls: str, with_score: bool) -> str:
    rank = f"{c.rank}. " if c.rank is not None else ""
    score = f' <span class="muted">(score {e(c.score_text)})</span>' if with_score else ""
    parts = [f"<h{level}>{rank}{e(c.title)}{score}</h{level}>"]
    if c.summary:
        parts.append(f"<p>{e_block(c.summary)}{_cites(c.cites)}</p>")
    elif c.cites:
        parts.append(
            f'<p class="muted small">{PHRASES["sources"]} {_cites(c.cites, sup=False)}</p>'
        )
    if c.reasons:
        parts.append(f'<ul class="reasons">{"".join(_reason(r) for r in c.reasons)}</ul>')
    return f'<li class="card {cls}">{"".join(parts)}</li>'


def _cards(
    candidates: Iterable[CandidateView], *, cls: str, with_score: bool, tag: str = "ul"
) -> str:
    items = "".join(_candidate(c, level=4, cls=cls, with_score=with_score) for c in candidates)
    return f'<{tag} class="plain">{items}</{tag}>'


def _flag(f: FlagView) -> str:
    cap = f" <strong>{e(f.cap_text)}</strong>" if f.cap_text else ""
    return f'<li class="card {f.severity}">{e_block(f.message)}{cap}{_cites(f.cites)}</li>'


def _answer(a: AnswerView) -> str:
    rows = [f"<dt>{escape(label)}</dt><dd>{e_block(value)}</dd>" for label, value in a.details()]
    if a.cites:
        rows.append(f"<dt>{PHRASES['sources']}</dt><dd>{_cites(a.cites, sup=False)}</dd>")
    q = a.question
    return (
        f'<article class="answer" id="q-{e(q.id)}"><h5>{q.label} {e(q.prompt)}</h5>'
        f"<dl>{''.join(rows)}</dl></article>"
    )


def _section(key: str, body: list[str]) -> str:
    return f'<section id="{key}"><h2>{escape(HEADINGS[key])}</h2>{"".join(body)}</section>'


def _p(phrase: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{escape(PHRASES[phrase])}</p>"


def _sections_table(report: Report) -> str:
    def cell(tag: str, content: str, num: bool) -> str:
        return f'<{tag} class="num">{content}</{tag}>' if num else f"<{tag}>{content}</{tag}>"

    head = "".join(cell("th", escape(t), num) for t, num in SECTION_COLUMNS)
    body = []
    for topic, sections in report.section_groups():
        if topic:
            body.append(
                f'<tr class="group"><th colspan="{len(SECTION_COLUMNS)}">{e(topic)}</th></tr>'
            )
        for s in sections:
            cells = [
                e(s.title),
                e(s.weight),
                f'<span class="score">{_bar(s.score)}{e(s.score_text)}</span>',
                e(s.answered_text),
                str(s.answered),
                str(s.open),
                str(s.not_applicable),
            ]
            body.append(
                "<tr>"
                + "".join(
                    cell("td", c, num) for c, (_, num) in zip(cells, SECTION_COLUMNS, strict=True)
                )
                + "</tr>"
            )
    return f'<table class="scores"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def render_report(report: Report) -> str:
    """The HTML page of a built report."""
    parts: list[str] = []

    d, v = report.decision, report.verdict
    score = f"Score {e(v.score_text)} out of 100, {e(v.answered_text)} of it answered"
    if report.score_alone and report.score_alone != d.headline:
        score += f"; the score alone would be {e(report.score_alone)}"
    box = [f'<p class="band">{e(d.headline)}</p>', f'<p class="headline">{score}.</p>']
    if d.meaning:
        box.append(f"<p>{e_block(d.meaning)}</p>")
    decision = [f'<div class="verdict-box tone-{v.tone}">{"".join(box)}</div>']
    if d.deciding:
        decision += [_p("settle"), _ul(_q(q) for q in d.deciding)]
    if d.caps:
        decision.append(_ul(e(c) for c in d.caps))
    if d.top_flags:
        decision += [
            _p("top_flags"),
            f'<ul class="plain">{"".join(_flag(f) for f in d.top_flags)}</ul>',
        ]
    decision.append(
        f'<p><span class="label">{escape(HEADINGS["readiness"])}:</span> {e(d.readiness)}</p>'
    )
    if d.withheld:
        decision.append(f"<p>{escape(PHRASES['withheld'])} {e(d.withheld[0])}</p>")
        if d.first_change:
            decision += [_p("first_change"), _ul(e(c) for c in d.first_change)]
    elif d.legal_form:
        decision.append(f"<p>{escape(PHRASES['best_form'])} <strong>{e(d.legal_form)}</strong></p>")
    if d.first_steps:
        steps_li = "".join(f"<li>{e(x)}</li>" for x in d.first_steps)
        decision += [_p("first_steps"), f"<ol>{steps_li}</ol>"]
    if d.scope:
        decision.append(f'<p class="muted small">{e(PHRASES["scope_prefix"] + d.scope)}</p>')
    parts.append(_section("decision", decision))

    about = [_pairs("facts", report.facts)]
    if report.assessor_notes:
        about.append(
            f'<p><span class="label">{escape(PHRASES["assessor_notes"])}</span> '
            f"{e_block(report.assessor_notes)}</p>"
        )
    parts.append(_section("about", about))

    verdict: list[str] = []
    if v.summary:
        verdict.append(f"<p>{e_block(v.summary)}</p>")
    verdict.append(_ul(e(n) for n in v.notes))
    if v.deciding:
        verdict += [_p("settle"), _ul(_q(q) for q in v.deciding)]
    if report.warnings:
        verdict += [_p("warnings"), _ul(e(x) for x in report.warnings)]
    parts.append(_section("verdict", verdict))

    parts.append(
        _section("sections", [_sections_table(report), _p("confidence_note", "muted small")])
    )

    r = report.readiness
    ready: list[str] = [f"<p>{e_block(r.summary)}</p>"]
    if r.items:
        rows = "".join(
            f"<tr><td>{_q(i.question)}</td><td>{e(i.status)}</td>"
            f"<td>{e(i.expected or '-')}</td><td>{e(i.answer or '-')}</td></tr>"
            for i in r.items
        )
        ready.append(
            _p("readiness_items")
            + '<table class="readiness"><thead><tr><th>Question</th><th>Status</th>'
            f"<th>Expected</th><th>Answer</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    parts.append(_section("readiness", ready))

    flags: list[str] = [] if report.flag_count else [_p("no_flags")]
    for title, group in report.flag_groups():
        flags.append(
            f'<h3>{escape(title)}</h3><ul class="plain">{"".join(_flag(f) for f in group)}</ul>'
        )
    parts.append(_section("flags", flags))

    forms: list[str] = []
    if d.withheld:
        forms.append(f"<p>{escape(PHRASES['withheld'])} {e(d.withheld[0])}</p>")
    elif report.legal_forms:
        cards = "".join(
            _candidate(c, level=3, cls="form", with_score=True) for c in report.legal_forms
        )
        forms += [_p("forms_intro"), f'<ol class="plain">{cards}</ol>']
    else:
        forms.append(_p("no_forms"))
    if report.excluded_forms:
        forms.append(f"<h3>{escape(PHRASES['ruled_out'])}</h3>")
        forms.append(_cards(report.excluded_forms, cls="excluded", with_score=False))
    parts.append(_section("legal_forms", forms))

    gov: list[str] = []
    if d.withheld:
        gov.append(f"<p>{escape(PHRASES['withheld'])} {e(d.withheld[0])}</p>")
    elif report.governance:
        gov.append(f"<h3>{escape(PHRASES['recommended'])}</h3>")
        gov.append(_cards(report.governance, cls="", with_score=True))
    else:
        gov.append(_p("no_governance"))
    if report.governance_not_recommended:
        gov.append(f"<h3>{escape(PHRASES['not_recommended'])}</h3>")
        gov.append(_cards(report.governance_not_recommended, cls="excluded", with_score=True))
    parts.append(_section("governance", gov))

    wi = report.what_if
    what: list[str] = [f"<h3>{escape(PHRASES['scenarios'])}</h3>"]
    if wi.goal:
        what.append(f"<p>{e_block(wi.goal)}</p>")
    if wi.scenarios:
        items = []
        for n, s in enumerate(wi.scenarios, start=1):
            changes = [
                f"{e(c.action)} ({_q(c.question)}: from &ldquo;{e(c.before)}&rdquo; to "
                f"&ldquo;{e(c.after)}&rdquo;)"
                for c in s.changes
            ]
            items.append(
                f'<li class="card"><h4>{n}. {e(s.outcome)}</h4>'
                f"{_ul(changes + [e(x) for x in s.effects])}</li>"
            )
        what.append(f'<ol class="plain">{"".join(items)}</ol>')
    what.extend(f"<p>{e_block(note)}</p>" for note in wi.notes)
    what.append(f"<h3>{escape(PHRASES['robustness'])}</h3><p>{e_block(report.robustness)}</p>")
    what.append(_ul(e(x) for x in report.sensitivities))
    if report.drivers_up or report.drivers_down:
        what.append(f"<h3>{escape(PHRASES['drivers'])}</h3>")
        for phrase, drivers in (("helped", report.drivers_up), ("held_back", report.drivers_down)):
            if drivers:
                what += [_p(phrase), _ul(f"{_q(d.question)} ({e(d.amount)})" for d in drivers)]
    if report.open_questions:
        what.append(f"<h3>{escape(PHRASES['open'])}</h3>")
        what.append(
            _ul(f"{_q(o.question)} — {e(o.reason)} ({e(o.share)})" for o in report.open_questions)
        )
    parts.append(_section("what_if", what))

    steps: list[str] = [] if report.next_steps else [_p("no_steps")]
    for stage in report.next_steps:
        steps.append(f"<h3>{e(stage.title)}</h3>")
        steps.append(_cards(stage.steps, cls="step", with_score=False))
    parts.append(_section("next_steps", steps))

    answers: list[str] = [_p("answers_intro")]
    for topic in report.answers:
        if topic.title:
            answers.append(f"<h3>{e(topic.title)}</h3>")
        for g in topic.sections:
            answers.append(f"<h4>{e(g.section)}</h4>")
            if g.intro:
                answers.append(f'<p class="muted">{e_block(g.intro)}</p>')
            answers.extend(_answer(a) for a in g.answers)
            if g.not_applicable:
                answers.append(_p("did_not_apply", "muted small"))
                skipped = "".join(f'<li id="q-{e(q.id)}">{_q(q)}</li>' for q in g.not_applicable)
                answers.append(f'<ul class="muted small">{skipped}</ul>')
    parts.append(_section("answers", answers))

    srcs: list[str] = [] if report.sources else [_p("no_sources")]
    items = []
    for src in report.sources:
        item = e(src.citation)
        if src.url:
            item += f'<br><a href="{escape(src.url, quote=True)}">{escape(src.url)}</a>'
        elif src.raw_url:
            item += f'<br><span class="muted">{e(src.raw_url)}</span>'
        if src.note:
            item += f'<br><span class="muted small">{e_block(src.note)}</span>'
        items.append(f'<li id="src-{src.number}" value="{src.number}">{item}</li>')
    if items:
        srcs.append(f'<ol class="sources">{"".join(items)}</ol>')
    parts.append(_section("sources", srcs))

    parts.append(_section("colophon", [_pairs("colophon", report.colophon)]))

    title = report.title + (f": {report.subtitle}" if report.subtitle else "")
    subtitle = f'<p class="subtitle">{e(report.subtitle)}</p>' if report.subtitle else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{e(report.language)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="mutual-detector {escape(__version__)}">\n'
        f"<title>{e(title)}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{e(report.title)}</h1>{subtitle}</header>\n<main>\n"
        + "\n".join(parts)
        + "\n</main>\n</body>\n</html>\n"
    )


def render_html(result: Result, questionnaire: Questionnaire | None = None) -> str:
    """The committee report for ``result`` as one self-contained HTML page."""
    return render_report(build_report(result, questionnaire))


__all__ = ["CSS", "e", "e_block", "render_html", "render_report"]
