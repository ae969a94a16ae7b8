"""Commentaries in the GFJ layout made from known fields, as text and as PDF (reportlab),
and bad PDFs (no text layer, encrypted, truncated), for the drafting tests.

The text forms imitate what extracting a PDF's text gives: titles broken over lines,
blank lines between them or not, paragraphs on one line or wrapped.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

# Paragraphs of our own writing, in the manner of a policy commentary.
BODY = [
    "The announcement came as no surprise to those who have followed the talks over the "
    "past decade. What deserves attention is how the news was reported at home, where "
    "several outlets described the decision as the end of a process that had in fact "
    "stalled years ago.",
    "It is worth recalling that the two governments never agreed on what the negotiations "
    "were about. One side saw them as a way to settle a long dispute over territory, while "
    "the other treated them as a step towards a broader agreement on trade and energy.",
    "The government should use this moment to review its approach. A policy built on the "
    "hope of goodwill has produced little, and there is no reason to expect that it will "
    "produce more in the years ahead. Clear principles, stated openly, would serve the "
    "country better.",
    "Our partners in Europe and North America have already drawn their own conclusions. "
    "They will watch closely whether Tokyo keeps to the line it has taken since the spring, "
    "and whether it is ready to bear the costs that such a line may bring.",
    "Officials in Japan and China, in Tokyo, Beijing and Washington, as well as in Europe, "
    "Korea, India and "
    "Taiwan, have watched how Russia wages its war in Ukraine and how NATO and ASEAN "
    "respond to the Kremlin. Japan and China read the same events in different ways, and "
    "the United States weighs its commitments in the Indo-Pacific, from the Pacific Islands to "
    "the Korean Peninsula.",
    "In the end, the question is not whether talks resume but on what terms they would "
    "resume. That is a question for the public as much as for the diplomats, and it "
    "deserves a debate that is informed by the facts rather than by wishful thinking.",
]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def long_date(iso: str, style: str = "us") -> str:
    """2022-06-01 -> 'June 1, 2022' (us), '1 June 2022' (uk) or the ISO text (iso)."""
    year, month, day = (int(p) for p in iso.split("-"))
    if style == "uk":
        return f"{day} {MONTHS[month - 1]} {year}"
    if style == "iso":
        return iso
    return f"{MONTHS[month - 1]} {day}, {year}"


@dataclass
class Author:
    """One author as the closing note prints them: ``FAMILY Given, Role, Org / Role, Org``."""

    family: str  # as stored: "Tokiwa"
    given: str
    affiliations: list[tuple[str, str]] = field(default_factory=list)  # (role, org as printed)
    capitals: bool = True  # printed "TOKIWA Shin" (else "Shin Tokiwa")

    @property
    def byline(self) -> str:
        name = f"{self.family.upper()} {self.given}" if self.capitals else \
            f"{self.given} {self.family}"
        return ", ".join([name, " / ".join(f"{r}, {o}" for r, o in self.affiliations)]) \
            if self.affiliations else name


@dataclass
class Commentary:
    """The fields of a GFJ Commentary, and how its closing note is worded."""

    title: str
    subtitle: str | None
    issued: str  # ISO
    authors: list[Author]
    original_issued: str  # ISO
    venue: str = "e-Forum “Giron-Hyakushutsu”"
    date_style: str = "us"
    note_style: str = "translation"  # or "in", "plain" (no translation), "date-first"
    body: list[str] = field(default_factory=lambda: list(BODY))

    @property
    def date_line(self) -> str:
        return long_date(self.issued, self.date_style)

    @property
    def note(self) -> str:
        by = " and ".join(a.byline for a in self.authors)
        when = long_date(self.original_issued, self.date_style)
        if self.note_style == "in":
            return (f"(This is the English translation of an article written by {by}, "
                    f"which was originally published in the {self.venue} of GFJ on {when}.)")
        if self.note_style == "plain":
            return (f"(This article was written by {by}, which originally appeared on the "
                    f"{self.venue} of GFJ on {when}.)")
        if self.note_style == "date-first":
            return (f"(This is the English translation of an article written by {by}, "
                    f"which first appeared on {when} on the {self.venue} of GFJ.)")
        return (f"(This is the English translation of an article written by {by}, which "
                f"originally appeared on the {self.venue} of GFJ on {when}.)")


def gfj_text(c: Commentary, *, width: int = 50, style: str = "seed") -> str:
    """The commentary as extracted text.

    seed: every heading line followed by a blank line, paragraphs each on one line;
    wrapped: no blank lines at all, paragraphs wrapped at twice the heading's width;
    parts: blank lines only between the parts (title, subtitle, paragraphs), wrapped;
    double: a blank line after every line, paragraphs wrapped too.
    """
    def wrap(text: str, w: int) -> list[str]:
        return textwrap.wrap(text, w, break_long_words=False, break_on_hyphens=False)

    title = wrap(c.title, width)
    subtitle = wrap(c.subtitle, width) if c.subtitle else []
    paragraphs = c.body + [c.note]
    if style == "seed":
        out = ["GFJ Commentary", "", c.date_line + " ", ""]
        for line in title + subtitle:
            out += [line, ""]
        out += [""]
        for p in paragraphs:
            out += [p, ""]
        return "\n".join(out)
    body_width = width * 2
    if style == "double":  # every line followed by a blank line, paragraphs wrapped too
        out = ["GFJ Commentary", c.date_line, *title, *subtitle, ""]
        for p in paragraphs:
            out += wrap(p, body_width)
        return "\n\n".join(out) + "\n"
    if style == "wrapped":
        out = ["GFJ Commentary", c.date_line, *title, *subtitle]
        for p in paragraphs:
            out += wrap(p, body_width)
        return "\n".join(out) + "\n"
    out = ["GFJ Commentary", "", c.date_line, "", *title, ""]
    if subtitle:
        out += [*subtitle, ""]
    for p in paragraphs:
        out += [*wrap(p, body_width), ""]
    return "\n".join(out)


def gfj_pdf(path: Path, c: Commentary, *, title_size: float = 18, subtitle_size: float = 14,
            body_size: float = 10.5, heading_width: float = 330, engine: str = "canvas",
            page_numbers: bool = True) -> Path:
    """The commentary as a PDF: title and subtitle in bigger type, broken over lines."""
    if engine == "platypus":
        return _platypus(path, c, title_size, subtitle_size, body_size, heading_width,
                         page_numbers)
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle("Microsoft Word - commentary.docx")
    width, height = A4
    y = height - 72
    page = 1

    def new_page() -> None:
        nonlocal y, page
        if page_numbers:
            pdf.setFont("Helvetica", 9)
            pdf.drawCentredString(width / 2, 36, str(page))
        pdf.showPage()
        page += 1
        y = height - 72

    def block(text: str, font: str, size: float, w: float, after: float) -> None:
        nonlocal y
        for line in simpleSplit(text, font, size, w):
            if y < 72:
                new_page()
            pdf.setFont(font, size)
            pdf.drawString(72, y, line)
            y -= size * 1.25
        y -= after

    block("GFJ Commentary", "Helvetica-Bold", 11, 450, 4)
    block(c.date_line, "Helvetica", 11, 450, 18)
    block(c.title, "Helvetica-Bold", title_size, heading_width, 8)
    if c.subtitle:
        block(c.subtitle, "Helvetica-Bold" if subtitle_size == title_size else "Helvetica",
              subtitle_size, heading_width, 8)
    y -= 10
    for p in c.body:
        block(p, "Helvetica", body_size, 450, body_size * 0.8)
    block(c.note, "Helvetica-Oblique", body_size, 450, 0)
    new_page()
    pdf.save()
    return path


def _platypus(path: Path, c: Commentary, title_size: float, subtitle_size: float,
              body_size: float, heading_width: float, page_numbers: bool) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    right = A4[0] - 72 - heading_width - 72

    def style(name: str, size: float, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=kw.pop("font", "Times-Roman"), fontSize=size,
                              leading=size * 1.2, **kw)

    story = [
        Paragraph("GFJ Commentary", style("s", 11, font="Times-Bold")),
        Paragraph(escape(c.date_line), style("d", 11, spaceAfter=14)),
        Paragraph(escape(c.title), style("t", title_size, font="Times-Bold",
                                         rightIndent=right, spaceAfter=6)),
    ]
    if c.subtitle:
        story.append(Paragraph(escape(c.subtitle), style("u", subtitle_size,
                                                         rightIndent=right)))
    story.append(Spacer(1, 16))
    for p in c.body:
        story.append(Paragraph(escape(p), style("b", body_size, alignment=4, spaceAfter=6)))
    story.append(Paragraph(escape(c.note), style("n", body_size, font="Times-Italic")))

    def number(canvas, doc) -> None:  # noqa: ANN001 (reportlab's callback)
        if page_numbers:
            canvas.setFont("Times-Roman", 9)
            canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=number,
                                                    onLaterPages=number)
    return path


# --------------------------------------------------------------------------- bad PDFs


def image_only_pdf(path: Path) -> Path:
    """A PDF with shapes and no text layer (as a scan would be)."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    for i in range(12):
        pdf.rect(72, 700 - i * 30, 300 - i * 7, 12, fill=1, stroke=0)
    pdf.circle(400, 150, 40)
    pdf.showPage()
    pdf.save()
    return path


def encrypted_pdf(path: Path, password: str = "secret") -> Path:
    """A PDF that needs a password to open."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption(password))
    pdf.drawString(72, 720, "GFJ Commentary")
    pdf.drawString(72, 700, "A secret commentary")
    pdf.showPage()
    pdf.save()
    return path


def truncated_pdf(path: Path, source: Path) -> Path:
    """The first half of a good PDF (a download cut short)."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path
