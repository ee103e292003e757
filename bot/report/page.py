"""`rotnem report --html FILE`: the report as one self-contained page — the same sections as
the Slack DM, every week and tool listed, each chart inline as a data: URI (no external asset,
so the file can be mailed or archived as it is)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

from bot.blocks.report import (
    TITLE,
    ReportSection,
    anonymity_note,
    definitions,
    report_lead,
    report_sections,
)
from bot.i18n import _, current_language
from bot.report.charts import Chart, render_charts
from bot.services.report import ProgramReport

STYLE = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330;
       max-width: 760px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.1rem; margin: 2rem 0 .4rem; border-bottom: 1px solid #dde2e8; }
.note, footer { color: #5b6573; font-size: .9rem; }
ul { padding-left: 1.2rem; }
img { max-width: 100%; height: auto; display: block; margin: .6rem 0; }
footer { margin-top: 2.5rem; border-top: 1px solid #dde2e8; }
"""


def _lines(lines: Sequence[str]) -> str:
    """Bulleted lines as a list, others as paragraphs."""
    out: list[str] = []
    items: list[str] = []
    for line in lines:
        if line.startswith("• "):
            items.append(f"<li>{escape(line[2:])}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        out.append(f"<p>{escape(line)}</p>")
    if items:
        out.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(out)


def _image(chart: Chart) -> str:
    data = base64.b64encode(chart.png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{escape(chart.text)}">'


def _section(section: ReportSection, chart: Chart | None) -> str:
    image = _image(chart) if chart is not None else ""
    return f"<section><h2>{escape(section.title)}</h2>\n{image}\n{_lines(section.lines)}</section>"


def report_page(report: ProgramReport) -> str:
    """The whole report as one HTML document."""
    sections = report_sections(report)
    charts = {chart.name: chart for chart in render_charts(report, sections)}
    lead = report_lead(report)
    body = "\n".join(_section(s, charts.get(s.name)) for s in sections)
    footer = _lines(definitions(report))
    title = escape(_(TITLE))
    return f"""<!doctype html>
<html lang="{current_language()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>{title}</h1>
<p class="note">{escape(anonymity_note(report))}</p>
<section>{_lines(lead)}</section>
{body}
<footer>{footer}</footer>
</body>
</html>
"""
