"""The chief secretary's monthly brief: one or two A4 pages, as a PDF.

`make brief STATE=bihar [DATE=2026-03-31] [OUT=brief.pdf]`, or the download button on the
dashboard's State ranking page, which calls `brief_pdf`. It says where the state ranks and how
far it is from the next rank and the leader, how its rank moved, which departments lag most in
activation and completion, how far officers are with the 31 March mandate (once officer reports
are loaded) and how many org-mapping findings are open, with charts. Every figure is a mart's
(handouts/brief_figures.py), as of the brief's date; numbers in Indian grouping.

The PDF is made offline: fpdf2 writes it, matplotlib draws the charts, and the font is the
DejaVu Sans that matplotlib ships, so a fresh machine needs no system fonts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import struct
import sys
from pathlib import Path

import matplotlib
import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from handouts import brief_charts
from handouts.brief_figures import BriefFigures, gather
from handouts.published import HandoutError, marts
from streamlit_app.formatting import (
    indian_number,
    is_missing,
    long_date,
    percent,
    rank_movement,
    score,
)

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
MARGIN = 12  # mm
HALF = (210 - 2 * MARGIN - 6) / 2  # two charts side by side, 6 mm apart


def brief_pdf(state: str, date: dt.date | None = None, warehouse: Path | None = None) -> bytes:
    """The brief for a state as of a date (default today), from the published warehouse."""
    with marts(warehouse) as con:
        figures = gather(con, state, date)
    return render(figures)


def render(figures: BriefFigures) -> bytes:
    pdf = _Brief(figures)
    pdf.add_page()
    pdf.heading_block()
    _ranking_section(pdf, figures)
    _departments_section(pdf, figures)
    _mandate_section(pdf, figures)
    _findings_section(pdf, figures)
    return bytes(pdf.output())


class _Brief(FPDF):
    def __init__(self, figures: BriefFigures) -> None:
        super().__init__(format="A4")
        self.figures = figures
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 4)
        self.add_font("DejaVu", "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_font("DejaVu", size=9)
        self.set_title(f"iGOT Karmayogi monthly brief: {figures.state}")
        self.set_creator("igot-warehouse")

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font("DejaVu", size=7)
        self.cell(
            0,
            4,
            f"iGOT Karmayogi brief, {self.figures.state}, as on {long_date(self.figures.as_of)}. "
            f"Figures as printed in the source reports. Page {self.page_no()}/{{nb}}",
            align="C",
        )
        self.set_font("DejaVu", size=9)

    def heading_block(self) -> None:
        self.set_font("DejaVu", "B", 15)
        self.cell(
            0,
            8,
            f"{self.figures.state}: iGOT Karmayogi monthly brief",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.set_font("DejaVu", size=9)
        self.cell(
            0,
            5,
            f"For the Chief Secretary. As on {long_date(self.figures.as_of)}.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.ln(2)

    def section(self, title: str) -> None:
        if self.get_y() > 250:
            self.add_page()
        self.ln(2)
        self.set_font("DejaVu", "B", 11)
        self.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(150, 150, 150)
        self.line(MARGIN, self.get_y(), 210 - MARGIN, self.get_y())
        self.ln(1)
        self.set_font("DejaVu", size=9)

    def sentence(self, text: str) -> None:
        self.multi_cell(0, 4.5, text, new_x="LMARGIN", new_y="NEXT")

    def charts(self, *pngs: bytes | None) -> None:
        """One or two charts side by side, starting a page when they would not fit."""
        images = [png for png in pngs if png]
        if not images:
            return
        heights = [_height(png, HALF) for png in images]
        if self.get_y() + max(heights) > 297 - MARGIN - 4:
            self.add_page()
        top = self.get_y()
        for index, png in enumerate(images):
            self.image(io.BytesIO(png), x=MARGIN + index * (HALF + 6), y=top, w=HALF)
        self.set_y(top + max(heights) + 2)

    def wide_chart(self, png: bytes) -> None:
        """A chart across the page."""
        width = 210 - 2 * MARGIN
        if self.get_y() + _height(png, width) > 297 - MARGIN - 4:
            self.add_page()
        top = self.get_y()
        self.image(io.BytesIO(png), x=MARGIN, y=top, w=width)
        self.set_y(top + _height(png, width) + 2)

    def grid(self, headings: list[str], rows: list[list[str]], widths: list[float]) -> None:
        self.set_font("DejaVu", size=8)
        with self.table(
            col_widths=widths,
            text_align=["LEFT", *["RIGHT"] * (len(headings) - 1)],
            headings_style=FontFace(emphasis="BOLD"),
            line_height=4.5,
            width=sum(widths),
            align="LEFT",
        ) as table:
            for cells in [headings, *rows]:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
        self.set_font("DejaVu", size=9)
        self.ln(1)


def _height(png: bytes, width: float) -> float:
    """The height in mm of a PNG drawn `width` mm wide (its pixel size is in the IHDR chunk)."""
    pixels_wide, pixels_high = struct.unpack(">II", png[16:24])
    return width * pixels_high / pixels_wide


def _ranking_section(pdf: _Brief, f: BriefFigures) -> None:
    pdf.section("Rank and score")
    if f.ranking is None:
        pdf.sentence("No ranking edition is loaded for this date.")
        return
    row = f.ranking
    rank, size = int(row["rank_in_category"]), int(row["states_in_category"])
    text = (
        f"In the ranking with data as on {long_date(f.edition_date)}, {f.state} ranks {rank} of "
        f"{size} in category {row['category']} with a composite score of "
        f"{score(row['composite_score'])} out of 100 ({rank_movement(row['rank_change'])})."
    )
    if f.above is not None:
        text += (
            f" It is {score(row['score_gap_to_next_rank'])} points behind the next rank, "
            f"{f.above['state']} ({score(f.above['composite_score'])}), and "
            f"{score(row['score_gap_to_leader'])} points behind the leader, "
            f"{f.leader['state']} ({score(f.leader['composite_score'])})."
        )
    else:
        text += f" It leads category {row['category']}."
    pdf.sentence(text)
    editions = "; ".join(
        f"{long_date(e.edition_date)}: rank {int(e.rank_in_category)} of "
        f"{int(e.states_in_category)}, score {score(e.composite_score)}"
        for e in f.history.itertuples()
    )
    pdf.sentence(f"Rank across editions: {editions}.")
    history = brief_charts.rank_history(f.history) if len(f.history) > 1 else None
    pdf.charts(brief_charts.category_scores(f.category, f.state), history)


def _departments_section(pdf: _Brief, f: BriefFigures) -> None:
    pdf.section("Departments that lag most")
    if f.totals is None:
        pdf.sentence("No MDO report is loaded for this date.")
        return
    t = f.totals
    pdf.sentence(
        f"MDO report of {long_date(f.snapshot_date)}: {indian_number(t['onboarded'])} users "
        f"onboarded, {indian_number(t['active'])} active ({percent(t['activation_rate'])}); "
        f"{indian_number(t['completions'])} course completions of "
        f"{indian_number(t['enrollments'])} enrolments ({percent(t['completion_rate'])}). "
        "The departments below hold the most inactive users and the most unfinished "
        "enrolments among those under the state's rate."
    )
    pdf.grid(
        ["Activation: department", "Onboarded", "Active", "Rate", "Not active"],
        [
            [
                r.department,
                indian_number(r.onboarded),
                indian_number(r.active),
                percent(r.activation_rate),
                indian_number(r.inactive_users),
            ]
            for r in f.slow_activation.itertuples()
        ],
        [86, 24, 24, 18, 28],
    )
    pdf.grid(
        ["Completion: department", "Enrolments", "Completions", "Rate", "Unfinished"],
        [
            [
                r.department,
                indian_number(r.enrollments),
                indian_number(r.completions),
                percent(r.completion_rate),
                indian_number(r.unfinished),
            ]
            for r in f.slow_completion.itertuples()
        ],
        [86, 24, 24, 18, 28],
    )
    pdf.charts(
        _rate_chart(f.slow_activation, "activation_rate", t["activation_rate"]),
        _rate_chart(f.slow_completion, "completion_rate", t["completion_rate"]),
    )


def _rate_chart(frame: pd.DataFrame, rate: str, reference) -> bytes | None:
    if frame.empty:
        return None
    return brief_charts.rate_bars(
        frame, "department", rate, None if is_missing(reference) else float(reference)
    )


def _mandate_section(pdf: _Brief, f: BriefFigures) -> None:
    pdf.section("AI and Cybersecurity mandate")
    if f.report_date is None:
        pdf.sentence(
            "No officer-level reports are loaded, so compliance cannot be counted yet. The "
            "MDO portal's reports.zip, delivered per state and date, gives it."
        )
        return
    for m in f.mandates.itertuples():
        days = int(m.days_left)
        when = (
            f"{days} days before the due date, {long_date(m.due_date)}"
            if days >= 0
            else f"{-days} days after the due date, {long_date(m.due_date)}"
        )
        text = (
            f"{m.mandate_id}: on {long_date(f.report_date)} ({when}), "
            f"{indian_number(m.compliant)} of {indian_number(m.officers)} officers comply "
            f"({percent(m.compliance_rate)}); {indian_number(m.in_progress)} in progress, "
            f"{indian_number(m.not_started)} not started, {indian_number(m.completed_late)} "
            "completed late."
        )
        if not is_missing(m.projected_compliant) and days > 0:
            text += (
                f" At each department's pace since its previous report, "
                f"{indian_number(m.projected_compliant)} of "
                f"{indian_number(m.projected_officers)} will comply by the due date."
            )
        pdf.sentence(text)
        lagging = f.mandate_laggards.loc[f.mandate_laggards["mandate_id"] == m.mandate_id]
        pdf.grid(
            ["Most officers not yet compliant", "Officers", "Compliant", "Rate", "Not yet"],
            [
                [
                    r.department,
                    indian_number(r.officers),
                    indian_number(r.compliant),
                    percent(r.compliance_rate),
                    indian_number(r.not_compliant),
                ]
                for r in lagging.itertuples()
            ],
            [96, 22, 22, 18, 22],
        )
        if len(lagging) > 1:
            pdf.wide_chart(brief_charts.status_bars(lagging))


def _findings_section(pdf: _Brief, f: BriefFigures) -> None:
    pdf.section("Org-mapping findings still open")
    if f.findings.empty:
        pdf.sentence("No open findings: every MDO is mapped as expected, or has been reviewed.")
        return
    total = int(f.findings["findings"].sum())
    errors = int(f.findings.loc[f.findings["severity"] == "error", "findings"].sum())
    pdf.sentence(
        f"{indian_number(total)} open findings on how the state's organisations are mapped on "
        f"iGOT: {indian_number(errors)} errors (figures that cannot be trusted) and "
        f"{indian_number(total - errors)} warnings (a person should review them)."
    )
    rows = [
        [r.issue_type.replace("_", " "), r.severity, indian_number(r.findings)]
        for r in f.findings.itertuples()
    ]
    top = pdf.get_y()
    pdf.grid(["Issue type", "Severity", "Open"], rows, [50, 20, 16])
    after_table = pdf.get_y()
    chart = brief_charts.findings_by_type(f.findings)
    if pdf.page_no() == pdf.pages_count and top + _height(chart, HALF) < 297 - MARGIN - 4:
        pdf.image(io.BytesIO(chart), x=MARGIN + HALF + 6, y=top, w=HALF)
        pdf.set_y(max(after_table, top + _height(chart, HALF)))
    else:
        pdf.charts(chart)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make brief", description=__doc__.split("\n")[0])
    parser.add_argument("--state", required=True)
    parser.add_argument("--date", type=dt.date.fromisoformat, help="as on (default: today)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    try:
        pdf = brief_pdf(args.state, args.date)
    except HandoutError as error:
        print(str(error), file=sys.stderr)
        return 1
    out = args.out or Path(f"brief_{args.state.lower()}_{(args.date or dt.date.today())}.pdf")
    out.write_bytes(pdf)
    print(f"{out}: the brief for {args.state}, {len(pdf) // 1024} KB.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
