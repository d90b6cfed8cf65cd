"""fastexcel's raw parse of one workbook as a whole process, the yardstick of issue 17's single-file ETL target
(`python -m etl load FILE` within 1.5× of this):

    .venv/bin/python bench/single_file.py FILE --as-of YYYY-MM-DD   (times both, in turn)

Every sheet into Arrow, nothing else; prints the rows read."""

import logging
import sys

import fastexcel

logging.getLogger("fastexcel").setLevel(logging.ERROR)  # "falling back to string" for empty columns
reader = fastexcel.read_excel(sys.argv[1])
print(sum(reader.load_sheet(name).to_arrow().num_rows for name in reader.sheet_names))
