"""Reading tabular sources (CSV, XLSX, Parquet) in bounded chunks, with exact line numbers for rejects.

A CSV file is read in blocks of whole lines; each block is parsed by Arrow, so memory stays bounded by the
block size and every row keeps its physical line number. From the first block with a line whose quotes do
not close on it on, the records are read by Python's csv module instead (quoted fields may span lines; a
broken record, such as a stray quote or a short row, is rejected alone with the line where it starts, and
reading goes on). Rows with
the wrong number of fields become rejects with that line number. A line longer than ``max_line_bytes`` is
rejected alone and skipped as it streams past (:mod:`.cappedlines`), never read into memory whole. An XLSX
workbook is a zip: it is checked against the zip limits (:mod:`.ziplimits`) before it is opened.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import InputError
from ..settings import ByteSize
from .cappedlines import CappedLines
from .csvrecords import Records
from .limits import ReadLimits, line_too_long, raise_hint
from .ziplimits import check_zip

__all__ = ["Chunk", "TabularFile", "open_tabular", "Progress"]

Progress = Callable[[int, int], None]  # (units done, units total), e.g. bytes read of bytes in the file

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
BLOCK_BYTES = 16 << 20
SAMPLE_BYTES = 1 << 20  # read to find the encoding and the delimiter (and at least the header line)
RECORDS_PER_CHUNK = 100_000


@dataclass
class Chunk:
    """A batch of rows, every column as read, and for each row its place in the file."""

    table: pa.Table
    lines: np.ndarray  # physical line (CSV) or row (XLSX, Parquet) number of each row
    word: str  # "line" or "row"
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (line, reason) of rows that did not parse
    labels: list[str] | None = None  # a locator per row, where "line N" does not say it (a mail file's name)

    def locator(self, i: int) -> str:
        if self.labels is not None:
            return self.labels[i]
        return f"{self.word} {int(self.lines[i])}"


class TabularFile:
    """A CSV, XLSX or Parquet file: its columns known up front, its rows read in chunks."""

    columns: list[str]
    path: Path

    def chunks(self, progress: Progress | None = None) -> Iterator[Chunk]:
        raise NotImplementedError


def open_tabular(path: str | Path, what: str, limits: ReadLimits | None = None) -> TabularFile:
    """Open ``path`` as a table; ``what`` names its role in error messages (e.g. "org chart"); ``limits``:
    those of the settings (default: the settings' defaults)."""
    limits = limits or ReadLimits.of()
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found; check the path of the {what}.")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; expected a CSV, XLSX or Parquet file as the {what}.")
    suffixes = [s.lower() for s in path.suffixes]
    last = suffixes[-1] if suffixes else ""
    if last == ".gz" and len(suffixes) > 1 and suffixes[-2] in CSV_SUFFIXES:
        return CsvFile(path, what, compressed=True, limits=limits)
    if last in XLSX_SUFFIXES:
        return XlsxFile(path, what, limits)
    if last in PARQUET_SUFFIXES:
        return ParquetFile(path, what)
    if last in CSV_SUFFIXES or last == "":
        return CsvFile(path, what, compressed=False, limits=limits)
    raise InputError(
        f"{path}: unknown file type {last!r} for the {what}; expected .csv, .tsv, .csv.gz, .xlsx or .parquet."
    )


class CsvFile(TabularFile):
    def __init__(self, path: Path, what: str, compressed: bool, limits: ReadLimits):
        self.path, self.what, self.compressed = path, what, compressed
        self.max_line = limits.max_line_bytes
        sample_size = max(SAMPLE_BYTES, self.max_line + 2)  # (the header line whole, up to its end)
        with self._open() as fh:
            try:
                sample = fh.read(sample_size)
            except (OSError, EOFError) as exc:
                raise InputError(f"{path}: cannot read the {what}: {exc}") from None
        if sample.startswith(b"PK\x03\x04"):
            raise InputError(
                f"{path}: this is a zip or XLSX file, not CSV text; save it as .xlsx (or export CSV) and try again."
            )
        if sample.startswith(b"PAR1"):
            raise InputError(f"{path}: this is a Parquet file; give it the .parquet extension.")
        if b"\x00" in sample:
            raise InputError(
                f"{path}: binary data, not a CSV text file; expected the {what} as CSV (comma, semicolon or "
                "tab separated, first line the column names)."
            )
        if sample.startswith(b"\xef\xbb\xbf"):
            sample = sample[3:]
            self._skip_bom = 3
        else:
            self._skip_bom = 0
        if not sample.strip():
            raise InputError(f"{path}: the file is empty; expected a header line naming the columns of the {what}.")
        self.encoding = _encoding(sample, truncated=len(sample) == sample_size)
        header, _, _ = sample.partition(b"\n")
        if len(header.rstrip(b"\r")) > self.max_line:
            raise InputError(f"{path}: line 1, the header of the {what}, is longer than max_line_bytes "
                             f"({ByteSize(self.max_line)}); expected a header line naming the columns; "
                             f"{raise_hint('max_line_bytes')}.")  # fmt: skip
        header_text = header.decode(self.encoding.replace("utf8", "utf-8"), errors="replace").rstrip("\r")
        counts = {d: header_text.count(d) for d in (",", ";", "\t", "|")}
        self.delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
        try:
            first = pacsv.read_csv(
                io.BytesIO(header + b"\n"),
                read_options=pacsv.ReadOptions(encoding=self.encoding, use_threads=False, block_size=len(header) + 2),
                parse_options=pacsv.ParseOptions(delimiter=self.delimiter),
            )
        except pa.ArrowInvalid as exc:
            raise InputError(f"{path}: line 1: cannot read the header of the {what}: {exc}") from None
        self.columns = [c.strip() for c in first.column_names]
        if len(set(self.columns)) != len(self.columns):
            dupes = sorted({c for c in self.columns if self.columns.count(c) > 1})
            raise InputError(f"{path}: line 1: column names repeat ({', '.join(dupes)}); give each column one name.")
        self.header_bytes = len(header) + 1

    def _open(self) -> gzip.GzipFile | io.BufferedReader:
        return gzip.open(self.path, "rb") if self.compressed else open(self.path, "rb")  # noqa: SIM115

    def chunks(self, progress: Progress | None = None) -> Iterator[Chunk]:
        """Blocks of whole lines parsed by Arrow while every line closes its quotes (one line is one record
        there); from the first block with a line that does not (a quoted field over several lines, a stray
        quote) or bytes Arrow cannot read, records are read by Python's csv module (:mod:`.csvrecords`):
        quoted fields may span lines, and a broken record is rejected alone. Lines longer than
        ``max_line_bytes`` come out of the file as empty lines, each rejected by its number."""
        total = self.path.stat().st_size
        schema = {c: pa.string() for c in self.columns}
        line = 2  # physical line number of the first row of the next block
        with self._open() as fh:
            fh.read(self._skip_bom + self.header_bytes)
            raw = fh  # its position is the progress: for a gzip file, that in the compressed file
            if isinstance(fh, gzip.GzipFile):
                assert isinstance(fh.fileobj, io.BufferedReader)  # the file gzip.open opened
                raw = fh.fileobj
            capped = CappedLines(fh, self.max_line, first_line=line)
            rest = b""
            while True:
                block = capped.take(BLOCK_BYTES)
                data = rest + block
                if not block:
                    if not data.strip():
                        break
                    rest = b""
                else:
                    cut = data.rfind(b"\n") + 1
                    if cut == 0:
                        rest = data
                        continue
                    data, rest = data[:cut], data[cut:]
                chunk = self._parse(data, schema, line)
                if chunk is None:
                    yield from self._records(data + rest, capped, line, progress, lambda: min(raw.tell(), total),
                                             total)  # fmt: skip
                    return
                line += data.count(b"\n")
                chunk.invalid = sorted(chunk.invalid + self._long_lines(capped, line))
                if progress:
                    progress(min(raw.tell(), total), total)
                yield chunk
                if not block:
                    break
            leftover = self._long_lines(capped, None)
            if leftover:
                yield Chunk(pa.table({c: pa.array([], pa.string()) for c in self.columns}), np.array([], np.int64),
                            "line", leftover)  # fmt: skip

    def _long_lines(self, capped: CappedLines, before: int | None) -> list[tuple[int, str]]:
        """(line, reason) of the lines over the cap before line ``before`` (all: None), taken out of
        ``capped.too_long`` (what is left there, :mod:`.csvrecords` rejects when it meets the line)."""
        found = [n for n in capped.too_long if before is None or n < before]
        for n in found:
            del capped.too_long[n]
        return [(n, line_too_long(self.max_line)) for n in found]

    def _records(self, head: bytes, fh: CappedLines, first_line: int, progress: Progress | None,
                 done: Callable[[], int], total: int) -> Iterator[Chunk]:  # fmt: skip
        width = len(self.columns)
        columns: list[list[str]] = [[] for _ in range(width)]
        starts: list[int] = []
        bad: list[tuple[int, str]] = []

        def chunk() -> Chunk:
            table = pa.table({name: pa.array(columns[i], pa.string()) for i, name in enumerate(self.columns)})
            return Chunk(table, np.array(starts, np.int64), "line", list(bad))

        for record in Records(head, fh, self.encoding, self.delimiter, width, first_line, fh.too_long,
                              self.max_line):  # fmt: skip
            if record.fields is None:
                bad.append((record.line, record.reason or "broken record"))
                continue
            for i, value in enumerate(record.fields):
                columns[i].append(value)
            starts.append(record.line)
            if len(starts) >= RECORDS_PER_CHUNK:
                yield chunk()
                if progress:
                    progress(done(), total)
                columns, starts, bad = [[] for _ in range(width)], [], []
        if starts or bad:
            yield chunk()
        if progress:
            progress(total, total)

    def _parse(self, data: bytes, schema: dict[str, pa.DataType], first_line: int) -> Chunk | None:
        """The block's rows by Arrow, or None where one line need not be one record (a line whose quotes do
        not close on it, a lone CR) or Arrow cannot read the bytes."""
        if data.count(b"\r") != data.count(b"\r\n") or not _quotes_close_on_each_line(data):
            return None
        if not data.endswith(b"\n"):
            data += b"\n"
        bad: list[tuple[int, str]] = []

        def on_invalid(row: pacsv.InvalidRow) -> str:
            bad.append(
                (
                    first_line + row.number - 1,
                    f"expected {row.expected_columns} fields, found {row.actual_columns}",
                )
            )
            return "skip"

        try:
            table = pacsv.read_csv(
                io.BytesIO(data),
                read_options=pacsv.ReadOptions(
                    column_names=self.columns, encoding=self.encoding, use_threads=False, block_size=len(data) + 1
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter, invalid_row_handler=on_invalid, ignore_empty_lines=False
                ),
                convert_options=pacsv.ConvertOptions(column_types=schema, strings_can_be_null=False),
            )
        except pa.ArrowInvalid:
            return None  # (bytes that are no text in the file's encoding): read record by record instead
        n_physical = data.count(b"\n")
        bad_lines = {b for b, _ in bad}
        lines = np.array([first_line + i for i in range(n_physical) if first_line + i not in bad_lines], np.int64)
        # blank lines parse as rows of empty fields: they are no records, so drop them here
        blank = None
        for name in self.columns:
            col = table.column(name)
            is_empty = pc.equal(pc.utf8_length(col), 0)
            blank = is_empty if blank is None else pc.and_(blank, is_empty)
        if blank is not None and pc.any(blank).as_py():
            keep = pc.invert(blank)
            table = table.filter(keep)
            lines = lines[np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)]
        return Chunk(table, lines, "line", bad)


def _quotes_close_on_each_line(data: bytes) -> bool:
    """Whether every line holds an even number of quotes, so no quoted field can run past its line and one
    line is one record (a file that quotes every field, as ServiceNow writes it, mostly does)."""
    raw = np.frombuffer(data, np.uint8)
    quotes = np.flatnonzero(raw == ord('"'))
    if quotes.size == 0:
        return True
    lines = np.searchsorted(np.flatnonzero(raw == ord("\n")), quotes)  # the line of each quote
    return not (np.bincount(lines) & 1).any()


def _encoding(sample: bytes, truncated: bool) -> str:
    """UTF-8 when the sample is (a character cut at the end of a truncated sample aside); else Windows-1252,
    the usual encoding of Excel's CSV in western Europe; else Latin-1, which reads any byte."""
    try:
        sample.decode("utf-8")
        return "utf8"
    except UnicodeDecodeError as exc:
        if truncated and exc.start >= len(sample) - 4:
            return "utf8"
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


class XlsxFile(TabularFile):
    def __init__(self, path: Path, what: str, limits: ReadLimits):
        import openpyxl

        self.path, self.what = path, what
        check_zip(path, limits, f"{what} workbook")
        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
            raise InputError(f"{path}: cannot open as an Excel workbook ({type(exc).__name__}: {exc}).") from None
        self._sheet = self._book.worksheets[0]
        rows = self._sheet.iter_rows(min_row=1, max_row=1, values_only=True)
        header = next(rows, None)
        if not header or all(h is None for h in header):
            raise InputError(
                f"{path}: sheet {self._sheet.title!r} is empty; expected a header row naming the columns "
                f"of the {what} in row 1."
            )
        self.columns = [str(h).strip() if h is not None else f"column{i + 1}" for i, h in enumerate(header)]

    def chunks(self, progress: Progress | None = None) -> Iterator[Chunk]:
        batch: list[tuple[object, ...]] = []
        numbers: list[int] = []
        total = self._sheet.max_row or 0
        width = len(self.columns)
        rows = enumerate(self._sheet.iter_rows(min_row=2, values_only=True), start=2)
        number = 1
        while True:
            try:  # (the sheet is unpacked as it is read: a file that holds other bytes than declared fails here)
                number, row = next(rows)
            except StopIteration:
                break
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise InputError(f"{self.path}: after row {number}: the workbook cannot be unpacked ({exc}); "
                                 "save it again in Excel.") from None  # fmt: skip
            if row is None or all(v is None or str(v).strip() == "" for v in row):
                continue
            batch.append(tuple(row[:width]) + (None,) * (width - len(row)))
            numbers.append(number)
            if len(batch) >= 50_000:
                yield self._chunk(batch, numbers)
                if progress:
                    progress(number, total)
                batch, numbers = [], []
        if batch:
            yield self._chunk(batch, numbers)
        if progress:
            progress(total, total)

    def _chunk(self, rows: list[tuple[object, ...]], numbers: list[int]) -> Chunk:
        cols = {
            name: pa.array([_cell_text(r[i]) for r in rows], pa.string()) for i, name in enumerate(self.columns)
        }
        return Chunk(pa.table(cols), np.array(numbers, np.int64), "row")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ParquetFile(TabularFile):
    def __init__(self, path: Path, what: str):
        self.path, self.what = path, what
        try:
            # (pre-buffering keeps every column chunk read so far until the file closes: a 1.4 GB file of 10^8
            # edges held 1.4 GB more in memory by the end; read without it, memory stays one row group's)
            self._file = pq.ParquetFile(path, pre_buffer=False)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"{path}: not a readable Parquet file ({exc}).") from None
        self.columns = list(self._file.schema_arrow.names)

    def chunks(self, progress: Progress | None = None) -> Iterator[Chunk]:
        total = self._file.metadata.num_rows
        done = 0
        for batch in self._file.iter_batches(batch_size=245_760):
            table = pa.Table.from_batches([batch])
            yield Chunk(table, np.arange(done + 1, done + table.num_rows + 1, dtype=np.int64), "row")
            done += table.num_rows
            if progress:
                progress(done, total)
