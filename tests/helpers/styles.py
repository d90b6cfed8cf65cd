"""A workbook's styles changed where openpyxl cannot: its Normal style (the first of cellXfs, the style of every
cell without one of its own) given a number format."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

CUSTOM_FORMAT_ID = 190  # above the built-in ids and those openpyxl gives (164 up)


def with_normal_style(path: Path, number_format: int | str) -> Path:
    """The workbook at `path` with its Normal style given `number_format`: a built-in format's id (14: a date), or a
    format code ('#,##0,'), added to the workbook's numFmts."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    styles = parts["xl/styles.xml"]
    number = number_format
    if isinstance(number_format, str):
        number = CUSTOM_FORMAT_ID
        element = b"<numFmt numFmtId=\"%d\" formatCode=%s/>" % (number, quoteattr(number_format).encode())
        if b"<numFmts" in styles:
            styles = re.sub(rb"(<numFmts[^>]*>)", lambda m: m.group(1) + element, styles, count=1)
        else:
            styles = re.sub(rb"(<styleSheet[^>]*>)", lambda m: m.group(1) + b"<numFmts count=\"1\">" + element
                            + b"</numFmts>", styles, count=1)
    styles, count = re.subn(rb'(<cellXfs[^>]*><xf )numFmtId="0"',
                            rb'\1numFmtId="%d" applyNumberFormat="1"' % number, styles, count=1)
    assert count == 1
    parts["xl/styles.xml"] = styles
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path
