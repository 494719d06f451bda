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
    DECISION_LABELS,
    HEADINGS,
    PHRASES,
    SECTION_COLUMNS,
    AnswerView,
    CandidateView,
    ExpectationView,
    FlagView,
    QuestionLink,
    ReasonView,
    Report,
    ScoreView,
    SectionRow,
    build_report,
    number,
)
from mutual_detector.render.safe import one_line, text_lines

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
svg.bar .range { fill: #9db4d6; }
svg.bar .point { fill: var(--ink); }
dl.decision { display: grid; grid-template-columns: 28mm 1fr; gap: 1.5mm 3mm; margin: 0 0 3mm; }
dl.decision dt { font-weight: 600; }
dl.decision dd { margin: 0; }
dl.decision dd ul, dl.decision dd ol { margin: 0; }
.label.blocker { color: var(--bad); }
.label.warning { color: var(--middle); }
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


def _bar(score: ScoreView | None) -> str:
    """The score as a bar: sure up to the low end, lighter up to the high end, a tick at the point."""
    if score is None or score.low is None or score.point is None or score.high is None:
        return ""

    def x(v: float) -> float:
        return max(0.0, min(100.0, v))

    low, point, high = x(score.low), x(score.point), x(score.high)
    parts = [
        '<svg class="bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">',
        '<rect class="track" width="100" height="6"></rect>',
    ]
    if high > low:
        parts.append(
            f'<rect class="range" x="{low:.2f}" width="{high - low:.2f}" height="6"></rect>'
        )
    parts.append(f'<rect class="fill" width="{low:.2f}" height="6"></rect>')
    if high > low:
        parts.append(
            f'<rect class="point" x="{max(0.0, point - 0.75):.2f}" width="1.5" height="6"></rect>'
        )
    parts.append("</svg>")
    return "".join(parts)


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


def _sections_table(rows: tuple[SectionRow, ...], grouped: bool = True) -> str:
    def cell(tag: str, content: str, num: bool) -> str:
        return f'<{tag} class="num">{content}</{tag}>' if num else f"<{tag}>{content}</{tag}>"

    head = "".join(cell("th", escape(t), num) for t, num in SECTION_COLUMNS)
    body = []
    topic = None
    for s in rows:
        if grouped and s.topic and s.topic != topic:
            body.append(
                f'<tr class="group"><th colspan="{len(SECTION_COLUMNS)}">{e(s.topic)}</th></tr>'
            )
        topic = s.topic
        point = s.score.point if s.score is not None else None
        shown = number(point) if point is not None else s.score_text
        floor = f' <span class="muted">({e(s.floor_text)})</span>' if s.floor_text else ""
        cells = [
            e(s.title),
            e(s.weight),
            f'<span class="score">{_bar(s.score)}{e(shown)}</span>{floor}',
            e(s.score.range_text) if s.score is not None else "",
            e(s.answered_text),
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


def _dt(key: str) -> str:
    return f"<dt>{escape(DECISION_LABELS[key])}</dt>"


def _expectation(x: ExpectationView) -> str:
    expected = f' <span class="muted">({e(x.expected)})</span>' if x.expected else ""
    return f"{_q(x.question)}: {e(x.answer)}, {e(x.status_text)}{expected}"


def _decision(report: Report) -> str:
    d = report.decision
    v = d.verdict
    box = [
        f'<p class="band">{e(v.label)}</p>',
        f'<p class="headline">{e(v.score.text[:1].upper() + v.score.text[1:])}.</p>',
    ]
    if v.meaning:
        box.append(
            f'<p><span class="label">{escape(PHRASES["meaning"])}</span> {e_block(v.meaning)}</p>'
        )
    if v.indicative:
        box.append(
            f"<p>{e(v.indicative)}"
            + (f" {escape(PHRASES['deciding'])}" if v.deciding else "")
            + "</p>"
        )
    if v.deciding:
        items = [
            f"{_q(x.question)} ({e(x.reason)}" + (f"; {e(x.could_cap)})" if x.could_cap else ")")
            for x in v.deciding
        ]
        more = v.deciding_total - len(v.deciding)
        if more > 0:
            items.append(
                f'and {more} more (see <a href="#unknowns">{escape(HEADINGS["unknowns"])}</a>)'
            )
        box.append(_ul(items))
    parts = [
        f'<div class="verdict-box tone-{v.tone}">{"".join(box)}</div>',
        '<dl class="decision">',
    ]
    if d.caps or v.score_alone:
        items = [f"{e(c.text)}{_cites(c.cites)}" for c in d.caps]
        if d.caps_more:
            items.append(e(d.caps_more))
        if v.score_alone:
            items.append(e(v.score_alone))
        parts.append(_dt("cap") + f"<dd>{_ul(items)}</dd>")
    flags = [
        f'<span class="label {f.severity}">{e(f.tag)}</span> {e(f.short)}{_cites(f.cites)}'
        for f in d.flags
    ]
    if d.flags_text:
        flags.append(e(d.flags_text))
    parts.append(
        _dt("flags")
        + f"<dd>{_ul(flags) if d.flags else (flags[0] if flags else escape(PHRASES['no_flags']))}</dd>"
    )
    rd = d.readiness
    readiness = f"<p>{e(rd.summary)}</p>"
    if rd.behind:
        readiness += _ul(_expectation(x) for x in rd.behind)
    parts.append(_dt("readiness") + f"<dd>{readiness}</dd>")
    form = d.legal_form
    line = f"{e(form.text)}{_cites(form.cites)}"
    if form.status == "ranked":
        line = f"<strong>{e(form.text)}</strong>{_cites(form.cites)}"
    if form.also:
        line += f' <span class="muted">(next best: {e("; ".join(form.also))})</span>'
    parts.append(_dt("legal_form") + f"<dd>{line}</dd>")
    if d.steps:
        steps = "".join(
            f'<li>{e(s.title)} <span class="muted">({e(s.stage)})</span>{_cites(s.cites)}</li>'
            for s in d.steps
        )
        parts.append(_dt("next_steps") + f"<dd><ol>{steps}</ol></dd>")
    else:
        parts.append(_dt("next_steps") + f"<dd>{escape(PHRASES['no_steps'])}</dd>")
    parts.append("</dl>")
    return "".join(parts)


def _flag(f: FlagView) -> str:
    cap = f" <strong>{e(f.cap_text)}</strong>" if f.cap_text else ""
    depends = ""
    if f.depends:
        links = ", ".join(f'<a href="#q-{e(q.id)}">{q.label}</a>' for q in f.depends)
        depends = f' <span class="muted">(depends on {links})</span>'
    tag = (
        f'<span class="label">{e(f.tag[:1].upper() + f.tag[1:])}:</span> '
        if f.status == "possible"
        else ""
    )
    return f'<li class="card {f.severity}">{tag}{e_block(f.message)}{_cites(f.cites)}{cap}{depends}</li>'


def render_report(report: Report) -> str:
    """The HTML page of a built report."""
    parts: list[str] = [_section("decision", [_decision(report)])]

    about = [_pairs("facts", report.facts)]
    if report.assessor_notes:
        about.append(
            f'<p><span class="label">{escape(PHRASES["assessor_notes"])}</span> '
            f"{e_block(report.assessor_notes)}</p>"
        )
    if report.warnings:
        about += [_p("warnings"), _ul(e(x) for x in report.warnings)]
    parts.append(_section("about", about))

    parts.append(
        _section("sections", [_sections_table(report.sections), _p("sections_note", "muted small")])
    )

    d = report.drivers
    drivers: list[str] = []
    if d.baseline:
        drivers.append(f'<p class="muted">{e(d.baseline)}</p>')
    if not d.helped and not d.held_back:
        drivers.append(_p("no_drivers"))
    for phrase, listed in (("helped", d.helped), ("held_back", d.held_back)):
        if listed:
            drivers += [
                _p(phrase),
                _ul(
                    f'<span class="num">{e(x.amount)}</span> {_q(x.question)}'
                    + (f' <span class="muted">({e(x.answer)})</span>' if x.answer else "")
                    for x in listed
                ),
            ]
    parts.append(_section("drivers", drivers))

    if report.unknowns:
        unknowns = [
            _ul(
                f"{_q(u.question)}: {e(u.reason)}"
                + (f' <span class="muted">({e(u.detail)})</span>' if u.detail else "")
                for u in report.unknowns
            )
        ]
    else:
        unknowns = [_p("no_unknowns")]
    parts.append(_section("unknowns", unknowns))

    flags: list[str] = [] if report.flag_count else [_p("no_flags")]
    for title, group in report.flag_groups():
        flags.append(
            f'<h3>{escape(title)}</h3><ul class="plain">{"".join(_flag(f) for f in group)}</ul>'
        )
    parts.append(_section("flags", flags))

    rd = report.readiness
    readiness = [f"<p>{e_block(rd.summary)}</p>"]
    if rd.expectations:
        readiness.append(f"<h3>{escape(PHRASES['expectations'])}</h3>")
        readiness.append(_ul(_expectation(x) for x in rd.expectations))
    if rd.sections:
        readiness.append(_sections_table(rd.sections, grouped=False))
    parts.append(_section("readiness", readiness))

    recs = report.recommendations
    forms: list[str] = []
    if recs.status == "withheld":
        forms.append(f"<p><strong>{e(recs.withheld or '')}</strong></p>")
        if recs.first_change:
            forms.append(f"<h3>{escape(PHRASES['first_change'])}</h3>")
            forms.append(_ul(e(x) for x in recs.first_change))
    elif recs.legal_forms:
        cards = "".join(
            _candidate(c, level=3, cls="form", with_score=True) for c in recs.legal_forms
        )
        forms += [_p("forms_intro"), f'<ol class="plain">{cards}</ol>']
    else:
        forms.append(_p("no_forms"))
    if recs.excluded_forms:
        forms.append(f"<h3>{escape(PHRASES['ruled_out'])}</h3>")
        forms.append(_cards(recs.excluded_forms, cls="excluded", with_score=False))
    parts.append(_section("legal_forms", forms))

    gov: list[str] = []
    if recs.status == "withheld":
        gov.append(f"<p>{e(recs.withheld or '')}</p>")
    elif recs.governance:
        gov.append(f"<h3>{escape(PHRASES['recommended'])}</h3>")
        gov.append(_cards(recs.governance, cls="", with_score=True))
    else:
        gov.append(_p("no_governance"))
    if recs.governance_not_recommended:
        gov.append(f"<h3>{escape(PHRASES['not_recommended'])}</h3>")
        gov.append(_cards(recs.governance_not_recommended, cls="excluded", with_score=True))
    parts.append(_section("governance", gov))

    steps: list[str] = [] if report.next_steps else [_p("no_steps")]
    for stage in report.next_steps:
        steps.append(f"<h3>{e(stage.title)}</h3>")
        steps.append(_cards(stage.steps, cls="step", with_score=False))
    parts.append(_section("next_steps", steps))

    wi = report.what_if
    what: list[str] = []
    if wi.goal:
        what.append(f"<p>{e_block(wi.goal)}</p>")
    if wi.scenarios:
        items = []
        for n, s in enumerate(wi.scenarios, start=1):
            actions = [e(c.action) for c in s.changes]
            head = f"{n}. " + " <em>and</em> ".join(actions)
            items.append(
                f'<li class="card"><h4>{head}</h4>'
                f"{_ul([e(s.outcome)] + [e(x) for x in s.effects])}</li>"
            )
        what.append(f'<ol class="plain">{"".join(items)}</ol>')
    what.extend(f"<p>{e_block(note)}</p>" for note in wi.notes)
    parts.append(_section("what_if", what))

    rb = report.robustness
    robust = [f"<p>{e_block(rb.summary)}</p>"]
    if rb.margin:
        robust.append(f'<p class="muted">{e(rb.margin)}</p>')
    robust.append(_ul(e(x) for x in rb.sensitivities))
    parts.append(_section("robustness", robust))

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
        item = e(src.title)
        if src.byline:
            item += ("" if src.title.endswith(".") else ".") + f" {e(src.byline)}."
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
    if report.draft:
        subtitle += (
            '<p class="muted">These answers are a draft: the assessment was not finished.</p>'
        )
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
