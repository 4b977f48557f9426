"""Reading a tjänsteutlåtande as plain text, whatever it was saved as.

Plain text comes from many word processors and many decades, so it is read
as UTF-8, then Windows-1252, then Latin-1, and rejected when none of them
gives plausible text. Word and PDF files are flattened to the same plain-text
shape as the seeds: paragraphs separated by blank lines, table rows as
tab-separated lines, page breaks as runs of blank lines.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from insyn.importer.layout import clean_pages, read_columns
from insyn.model.i18n import Message, _
from insyn.sources.files import UnsafeFile, read_regular_file

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
#: A .docx is a zip of XML; python-docx holds all of it unpacked, and the XML parsed
#: (several times its size). A Word file of a hundred pages with photos unpacks to a
#: few MB of XML plus the pictures, which are not smaller unpacked; 50 MB is 2.5 times
#: the largest file accepted, while a 4.2 MB zip of 4 GB of XML cost 8.4 GB before.
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
#: Word's XML packs 5 to 30 times smaller; a member a thousand times smaller unpacked is
#: made to be a bomb. Checked on members over 1 MB unpacked (tiny ones vary widely).
MAX_DOCX_RATIO = 200
DOCX_RATIO_FROM_BYTES = 1024 * 1024
#: A Word document has a few dozen parts (one per picture more); each costs memory.
MAX_DOCX_MEMBERS = 2000
#: A tjänsteutlåtande has tens of pages; a PDF of thousands is something else (a merged
#: archive?), and text extraction costs time and memory per page.
MAX_PDF_PAGES = 2000
#: What one stream of a PDF may unpack to (pypdf's default is 75 MB): a page of text is
#: tens of KB of content stream, a page of vector drawing a few MB, so 16 MB is ample,
#: and a compression bomb in a content stream is refused when it gets there.
PDF_MAX_STREAM_BYTES = 16 * 1024 * 1024

#: Control characters that never occur in a text document (tab, newline, CR, form feed do).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class UnreadableDocument(Exception):
    """A file that cannot be turned into text; the message says why, in a sentence."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def read_document(path: Path) -> str:
    """The document's text with LF line ends, or UnreadableDocument."""
    try:
        if path.is_dir():
            raise UnreadableDocument(_("is a folder, not a document"))
        if not path.exists():
            raise UnreadableDocument(_("file not found"))
        # A FIFO or a device is refused before it is read: it could hang or never end.
        raw = read_regular_file(path, MAX_DOCUMENT_BYTES)
    except UnsafeFile as exc:
        raise UnreadableDocument(exc.message) from exc
    except OSError as exc:
        raise UnreadableDocument(
            _("cannot read file: {reason}", reason=str(exc.strerror or exc))
        ) from exc
    suffix = path.suffix.lower()
    if suffix == ".docx" or (suffix != ".pdf" and raw.startswith(b"PK\x03\x04")):
        _check_docx_size(raw)
        text = _docx_text(path)
    elif suffix == ".pdf" or raw.startswith(b"%PDF-"):
        text = _pdf_text(path)
    else:
        text = decode_text(raw)
    if len(text) > MAX_DOCUMENT_BYTES:
        raise UnreadableDocument(
            _(
                "the document's text is too long ({size} characters; the limit is {limit})",
                size=len(text),
                limit=MAX_DOCUMENT_BYTES,
            )
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text:  # a text file's page breaks: what each page repeats goes
        text = "\n\n\n".join(clean_pages(text.split("\f")))
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u00ad", "")
    if not text.strip():
        raise UnreadableDocument(_("the document contains no text"))
    return text


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1 — if the result is text."""
    if b"\x00" in raw:
        raise UnreadableDocument(
            _(
                "not a text document (it contains NUL bytes); import plain text (.txt), Word "
                "(.docx) or PDF (.pdf)"
            )
        )
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return text
    raise UnreadableDocument(
        _(
            "not readable as text: neither UTF-8 nor Windows-1252/Latin-1; save the document as "
            "UTF-8 text"
        )
    )


def _check_docx_size(raw: bytes) -> None:
    """Refuse a .docx that would unpack to far more than a Word document does, before
    python-docx unpacks any of it (it reads every part into memory, and parses the XML).

    The sizes are the zip's own record of them; a member that unpacks to more than its
    record is cut there by `zipfile` (and then fails its checksum), so they bound what
    python-docx can be made to hold.
    """
    # Each member has an entry of at least 46 bytes in the zip's directory: counting
    # them first keeps a zip of a million empty members from costing memory to list.
    if raw.count(b"PK\x01\x02") > MAX_DOCX_MEMBERS:
        raise UnreadableDocument(
            _("not a Word document: it has more than {limit} parts", limit=MAX_DOCX_MEMBERS)
        )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise UnreadableDocument(
            _("not a readable Word document ({reason})", reason=str(exc))
        ) from exc
    if len(members) > MAX_DOCX_MEMBERS:
        raise UnreadableDocument(
            _(
                "not a Word document: it has {size} parts (the limit is {limit})",
                size=len(members),
                limit=MAX_DOCX_MEMBERS,
            )
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_DOCX_UNPACKED_BYTES:
        raise UnreadableDocument(
            _(
                "the Word document unpacks to {unpacked} bytes; the limit is {limit}",
                unpacked=unpacked,
                limit=MAX_DOCX_UNPACKED_BYTES,
            )
        )
    for member in members:
        if member.file_size > DOCX_RATIO_FROM_BYTES and member.file_size > MAX_DOCX_RATIO * max(
            member.compress_size, 1
        ):
            raise UnreadableDocument(
                _(
                    "the Word document's part {filename!r} unpacks to {ratio} times its packed "
                    "size; the limit is {limit}",
                    filename=member.filename,
                    ratio=member.file_size // max(member.compress_size, 1),
                    limit=MAX_DOCX_RATIO,
                )
            )


def _docx_text(path: Path) -> str:
    try:
        import docx
        from docx.table import Table
    except ImportError as exc:  # pragma: no cover - installed from requirements.txt
        raise UnreadableDocument(_("python-docx is not installed; run 'make' first")) from exc
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
        raise UnreadableDocument(
            _("not a readable Word document ({reason})", reason=str(exc))
        ) from exc
    return "\n\n".join(blocks)


def _pdf_text(path: Path) -> str:
    try:
        from pypdf import PdfReader, apply_configuration
        from pypdf.errors import LimitReachedError
    except ImportError as exc:  # pragma: no cover - installed from requirements.txt
        raise UnreadableDocument(_("pypdf is not installed; run 'make' first")) from exc
    try:
        with apply_configuration(None, **dict.fromkeys(_PDF_STREAM_LIMITS, PDF_MAX_STREAM_BYTES)):
            reader = PdfReader(str(path))
            if reader.is_encrypted:
                raise UnreadableDocument(_("the PDF is encrypted; save an unprotected copy"))
            count = len(reader.pages)
            if count > MAX_PDF_PAGES:
                raise UnreadableDocument(
                    _(
                        "the PDF has too many pages ({number}; the limit is {limit})",
                        number=count,
                        limit=MAX_PDF_PAGES,
                    )
                )
            pages: list[str] = []
            length = 0
            for page in reader.pages:
                pages.append(_pdf_page_text(page))
                length += len(pages[-1]) + 3
                if length > MAX_DOCUMENT_BYTES:
                    raise UnreadableDocument(
                        _(
                            "the PDF's text is too long (over {limit} characters)",
                            limit=MAX_DOCUMENT_BYTES,
                        )
                    )
    except UnreadableDocument:
        raise
    except LimitReachedError as exc:
        raise UnreadableDocument(
            _(
                "the PDF is too large to read: a part of it unpacks to too much ({reason})",
                reason=str(exc),
            )
        ) from exc
    except Exception as exc:  # pypdf raises many kinds on broken files
        raise UnreadableDocument(_("not a readable PDF ({reason})", reason=str(exc))) from exc
    text = "\n\n\n".join(clean_pages(pages))
    if not text.strip():
        raise UnreadableDocument(
            _("the PDF has no text layer (a scanned image?); run OCR on it first")
        )
    return text


#: pypdf's limits on unpacking one stream (pypdf.Configuration), lowered to
#: `PDF_MAX_STREAM_BYTES`. Not those on a stream's stored length nor on images: a stored
#: stream is within the file's 20 MB, and text extraction does not unpack pictures (a
#: page with a picture of 48 MB unpacked reads as before).
_PDF_STREAM_LIMITS = (
    "array_based_stream_maximum_output_length",
    "jbig2_maximum_output_length",
    "lzw_maximum_output_length",
    "run_length_maximum_output_length",
    "zlib_maximum_output_length",
    "brotli_maximum_output_length",
    "stream_decoding_work_maximum_length",
)


def _pdf_page_text(page: object) -> str:
    """One page, with the blank lines of its layout kept: they separate paragraphs."""
    text: str = page.extract_text(extraction_mode="layout")  # type: ignore[attr-defined]
    lines = [line.strip() for line in read_columns(text).split("\n")]
    # Layout mode draws every vertical gap as blank lines; one blank line is a paragraph break.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
