"""The input files of a load: the files named, and the workbooks, CSVs and IATI XML files inside the folders
named, in a stable order; and the name each is given in messages and tables. No reader and no database here,
so that the command line can list the workbooks and start their scans (etl/prescan.py) before it imports
those."""

from __future__ import annotations

from pathlib import Path

from .delivery_words import MAPPING_SUFFIX
from .errors import UnreadableFile

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
XML_SUFFIXES = {".xml"}
INPUT_SUFFIXES = WORKBOOK_SUFFIXES | {".csv"} | XML_SUFFIXES


def is_mapping_file(path: Path) -> bool:
    """A delivery report's mapping file (etl/delivery_mapping.py), read with its report, not on its own."""
    return path.name.casefold().endswith(MAPPING_SUFFIX)


def input_files(paths: list[Path]) -> list[Path]:
    """The files named, and the workbooks, CSVs and IATI XML files inside folders named, in a stable order;
    not the mapping files of delivery reports (`*.outputs.csv`, etl/delivery_mapping.py)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                                and not p.name.startswith(("~$", ".")) and not is_mapping_file(p)))
        elif path.exists():
            if not is_mapping_file(path):  # a delivery report's mapping file is read with the report
                files.append(path)
        else:
            raise UnreadableFile(str(path), "no such file or folder")
    return files


def display_names(files: list[Path]) -> dict[Path, str]:
    """File names as shown in messages and kept in the tables: the bare name, or, where two share a name, the
    fewest trailing folders that tell them apart ('12/results.xlsx' for submission 12's): never the server's
    folders from the root (messages and pages name files, not the server's folders)."""
    shown = {}
    for path in files:
        depth = 1
        deepest = len(path.parts) - path.is_absolute()  # never the root itself
        while depth < deepest and sum(other.parts[-depth:] == path.parts[-depth:] for other in files) > 1:
            depth += 1
        shown[path] = "/".join(path.parts[-depth:])
    return shown
