"""Reads an XLSX file from standard input with openpyxl and prints its
sheets as JSON: {"sheets": [{"title", "rows": [[cell, ...], ...]}]}, times
as ISO 8601 text, numbers as numbers, empty cells as null."""
import io
import json
import sys

import openpyxl

book = openpyxl.load_workbook(io.BytesIO(sys.stdin.buffer.read()), read_only=True)


def cell(v):
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


out = {
    "sheets": [
        {"title": s.title, "rows": [[cell(v) for v in row] for row in s.iter_rows(values_only=True)]}
        for s in book.worksheets
    ]
}
json.dump(out, sys.stdout)
