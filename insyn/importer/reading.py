"""Reading a tjänsteutlåtande as plain text, whatever it was saved as.

Plain text comes from many word processors and many decades, so it is read
as UTF-8, then Windows-1252, then Latin-1, and rejected when none of them
gives plausible text. Word and PDF files are flattened to the same plain-text
shape as the seeds: paragraphs separated by blank lines, table rows as
tab-separated lines, page breaks as runs of blank lines.
"""

from __future__ import annotations

import re
from pathlib import Path

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

#: Control characters that never occur in a text document (tab, newline, CR, form feed do).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class UnreadableDocument(Exception):
    """A file that cannot be turned into text; the message says why, in a sentence."""


def read_document(path: Path) -> str:
    """The document's text with LF line ends, or UnreadableDocument."""
    try:
        if path.is_dir():
            raise UnreadableDocument("is a folder, not a document")
        if not path.exists():
            raise UnreadableDocument("file not found")
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise UnreadableDocument(
                f"file is too large ({size} bytes; the limit is {MAX_DOCUMENT_BYTES})"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(f"cannot read file: {exc.strerror or exc}") from exc
    suffix = path.suffix.lower()
    if suffix == ".docx" or (suffix != ".pdf" and raw.startswith(b"PK\x03\x04")):
        text = _docx_text(path)
    elif suffix == ".pdf" or raw.startswith(b"%PDF-"):
        text = _pdf_text(path)
    else:
        text = decode_text(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n\n")
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u00ad", "")
    if not text.strip():
        raise UnreadableDocument("the document contains no text")
    return text


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1 — if the result is text."""
    if b"\x00" in raw:
        raise UnreadableDocument(
            "not a text document (it contains NUL bytes); "
            "import plain text (.txt), Word (.docx) or PDF (.pdf)"
        )
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return text
    raise UnreadableDocument(
        "not readable as text: neither UTF-8 nor Windows-1252/Latin-1; "
        "save the document as UTF-8 text"
    )


def _docx_text(path: Path) -> str:
    try:
        import docx
        from docx.table import Table
    except ImportError as exc:  # pragma: no cover - installed from requirements.txt
        raise UnreadableDocument("python-docx is not installed; run 'make' first") from exc
    try:
        document = docx.Document(str(path))
        blocks: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                rows = ["\t".join(cell.text.strip() for cell in row.cells) for row in item.rows]
                blocks.append("\n".join(rows))
                continue
            text = item.text.strip()
            style = (item.style.name if item.style is not None else "") or ""
            if text and style.startswith("List") and not re.match(r"[-•–*]\s|\d+[.)]\s", text):
                text = f"- {text}"
            blocks.append(text)
    except Exception as exc:  # python-docx raises many kinds on broken files
        raise UnreadableDocument(f"not a readable Word document ({exc})") from exc
    return "\n\n".join(blocks)


def _pdf_text(path: Path) -> str:
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # pragma: no cover - installed from requirements.txt
        raise UnreadableDocument("pypdf is not installed; run 'make' first") from exc
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise UnreadableDocument("the PDF is encrypted; save an unprotected copy")
        pages = [_pdf_page_text(page) for page in reader.pages]
    except UnreadableDocument:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken files
        raise UnreadableDocument(f"not a readable PDF ({exc})") from exc
    text = "\n\n\n".join(pages)
    if not text.strip():
        raise UnreadableDocument(
            "the PDF has no text layer (a scanned image?); run OCR on it first"
        )
    return text


def _pdf_page_text(page: object) -> str:
    """One page, with the blank lines of its layout kept: they separate paragraphs."""
    text: str = page.extract_text(extraction_mode="layout")  # type: ignore[attr-defined]
    lines = [line.strip() for line in text.split("\n")]
    # Layout mode draws every vertical gap as blank lines; one blank line is a paragraph break.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
