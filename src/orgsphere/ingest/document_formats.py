"""Text out of the documents the language audit reads: plain text, Markdown, HTML, Word (.docx) and PDF."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from .limits import ReadLimits

__all__ = ["DOCUMENT_SUFFIXES", "read_document", "document_files"]

DOCUMENT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "td", "th",
           "blockquote", "pre", "title"}  # fmt: skip


class _Text(HTMLParser):
    """The visible text of an HTML page, a line break at each block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _plain(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _docx(path: Path, limits: ReadLimits | None) -> str:
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    from .limits import ReadLimits
    from .ziplimits import check_zip

    check_zip(path, limits or ReadLimits.of(), "Word document")  # (python-docx unpacks every part whole)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a readable Word document ({exc}); save it again as .docx.") from None
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n\n".join(parts)


def _pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise InputError(f"{path}: the PDF is encrypted; save a copy without a password to audit it.")
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except PdfReadError as exc:
        raise InputError(f"{path}: not a readable PDF ({exc}).") from None


def read_document(path: Path, limits: ReadLimits | None = None) -> str:
    """The text of one document; an :class:`InputError` names the file and what is wrong with it. A .docx is
    a zip, checked against the zip ``limits`` (default: those of the default settings) before it is read."""
    suffix = path.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise InputError(f"{path}: cannot read {suffix or 'files without a suffix'}; the language audit reads "
                         f"{', '.join(DOCUMENT_SUFFIXES)}.")  # fmt: skip
    try:
        if suffix == ".docx":
            return _docx(path, limits)
        if suffix == ".pdf":
            return _pdf(path)
        text = _plain(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror}).") from None
    if suffix in (".html", ".htm"):
        parser = _Text()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    return text


def document_files(paths: list[Path]) -> Iterator[Path]:
    """The documents in ``paths``: files as given, folders searched for the suffixes the audit reads."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES
                              and not p.name.startswith((".", "~$")))  # fmt: skip
        elif path.exists():
            yield path
        else:
            raise InputError(f"{path}: not found; give files or folders of documents.")
