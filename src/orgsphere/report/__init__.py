"""The report: result tables in, one self-contained HTML file out (no network needed to open it)."""

from .html import render_report

__all__ = ["render_report"]
