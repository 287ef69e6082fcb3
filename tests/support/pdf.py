"""Read a PDF's text as a reader would see it, and find the visa types it presents."""

from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader


def pdf_pages(content: bytes) -> list[str]:
    """Each page's text, ligatures unfolded ('ﬁ' -> 'fi') and runs of white space made one."""
    return [re.sub(r"\s+", " ", unicodedata.normalize("NFKC", page.extract_text()))
            for page in PdfReader(io.BytesIO(content)).pages]


def presents(text: str, rec: dict) -> bool:
    """The type is presented: its code beside its name, as a section, a summary or a table row."""
    name = rec["name"].split(": ", 1)[-1]
    name = name[:1].upper() + name[1:]
    return re.search(rf"(?<![\w-]){re.escape(rec['visa_type'])},? {re.escape(name[:30])}",
                     text) is not None
