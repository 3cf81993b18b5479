"""Layout checks of a printed report PDF, read with PyMuPDF (tests only).

:func:`layout_problems` compares a PDF with the HTML it was printed from and
lists, in words, what broke:

* an image placed more or fewer times than the page has ``<img>`` (a chart
  split across two pages is placed twice, once per page);
* an image whose box runs off its page (the part beyond is cut);
* a word printed beyond the right edge of the page (a table wider than the page);
* a table-header word that the PDF never holds whole as often as the page
  shows it (a header broken letter by letter, "o/u/t/l/i/e/r", loses it; so
  does a column cut off a table wider than the paper, which Chromium clips
  without printing its text);
* a table row split across pages: the words of a row that printed whole are
  all on one page, so a row none of whose pages holds every one of its words
  (as often as the row has them) was cut in two.

Words are compared as lower-case runs of letters and digits after NFKC
normalisation, so punctuation, ligatures and line breaks between words do not
matter; the count test means a header word cannot hide behind the same word
printed whole elsewhere on the page.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pymupdf

_WORD = re.compile(r"\w+", re.UNICODE)
#: Slack, in PDF points, before a box counts as off its page.
TOLERANCE = 1.0


def words(text: str) -> list[str]:
    """Lower-case runs of letters and digits of ``text`` (NFKC-normalised)."""
    return [w.lower() for w in _WORD.findall(unicodedata.normalize("NFKC", text))]


class _PageText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.skip = 0
        self.in_th = 0
        self.in_tr = 0
        self.text: list[str] = []
        self.headers: list[str] = []
        self.rows: list[str] = []
        self.images = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title"):
            self.skip += 1
        elif tag == "th":
            self.in_th += 1
            self.headers.append("")
        elif tag == "tr":
            self.in_tr += 1
            self.rows.append("")
        elif tag == "br" and self.in_tr:
            self.rows[-1] += " "
        elif tag == "img":
            self.images += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self.skip -= 1
        elif tag == "th":
            self.in_th -= 1
        elif tag == "tr":
            self.in_tr -= 1
        if tag in ("td", "th") and self.in_tr:
            self.rows[-1] += " "  # cells are separate words

    def handle_data(self, data):
        if self.skip:
            return
        self.text.append(data)
        if self.in_th:
            self.headers[-1] += data
        if self.in_tr:
            self.rows[-1] += data


def page_text(markup: str) -> str:
    """The text of an HTML page (styles, scripts and the title left out)."""
    parser = _PageText()
    parser.feed(markup)
    return " ".join(parser.text)


@dataclass
class PdfFacts:
    """What a PDF holds: pages, image placements, words and what runs off a page."""

    pages: int
    images: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)
    off_page: list[str] = field(default_factory=list)
    words: Counter = field(default_factory=Counter)
    page_words: list[Counter] = field(default_factory=list)


def pdf_facts(path: str | Path) -> PdfFacts:
    """Read the image boxes and words of every page of ``path``."""
    doc = pymupdf.open(str(path))
    facts = PdfFacts(pages=doc.page_count)
    for page in doc:
        r = page.rect
        for info in page.get_image_info():
            x0, y0, x1, y1 = info["bbox"]
            facts.images.append((page.number + 1, (x0, y0, x1, y1)))
            if (
                x0 < r.x0 - TOLERANCE
                or y0 < r.y0 - TOLERANCE
                or x1 > r.x1 + TOLERANCE
                or y1 > r.y1 + TOLERANCE
            ):
                facts.off_page.append(
                    f"page {page.number + 1}: image box {[round(v) for v in (x0, y0, x1, y1)]} "
                    f"runs off the {round(r.width)} x {round(r.height)} pt page"
                )
        on_page: Counter = Counter()
        facts.page_words.append(on_page)
        for _x0, _y0, x1, _y1, word, *_ in page.get_text("words"):
            facts.words.update(words(word))
            on_page.update(words(word))
            if x1 > r.x1 + TOLERANCE:
                facts.off_page.append(f"page {page.number + 1}: word {word!r} beyond the page edge")
    doc.close()
    return facts


def layout_problems(markup: str, pdf_path: str | Path) -> list[str]:
    """Everything that broke when ``markup`` (the printed HTML) became ``pdf_path``."""
    page = _PageText()
    page.feed(markup)
    facts = pdf_facts(pdf_path)
    problems = list(facts.off_page)
    if len(facts.images) != page.images:
        pages = sorted({p for p, _ in facts.images})
        problems.append(
            f"{page.images} image(s) in the HTML but {len(facts.images)} placement(s) in the PDF "
            f"(on pages {pages}): a chart split across pages"
        )
    shown = Counter(words(" ".join(page.text)))
    for word in sorted({w for h in page.headers for w in words(h)}):
        if facts.words[word] < shown[word]:
            problems.append(
                f"header word {word!r}: {shown[word]} on the page, only "
                f"{facts.words[word]} whole in the PDF (broken inside the word, or cut off the page)"
            )
    problems += split_rows(page.rows, facts.page_words)
    return problems


def split_rows(rows: list[str], page_words: list[Counter]) -> list[str]:
    """The rows (their text) that no single page holds whole, as problems.

    A row printed on one page has all its words there, each as often as the
    row has it; a row cut across a page break leaves some words on the next
    page, so no page holds them all (unless the same words happen to be
    printed elsewhere on one page: the check can miss a split, never invent one).
    """
    problems = []
    for text in rows:
        need = Counter(words(text))
        if need and not any(all(on[w] >= n for w, n in need.items()) for on in page_words):
            problems.append(f"table row {' '.join(text.split())[:60]!r} split across pages")
    return problems
