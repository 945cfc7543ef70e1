"""The catalog as named tables, and the spreadsheet and CSV files officers edit it in.

Officers keep the curated catalog in Excel, so each entry is laid out over eight tables
(:mod:`~procedures.tabular.columns`), turned into rows and back with the file, sheet, row and
column each value came from (:mod:`~procedures.tabular.tables`,
:mod:`~procedures.tabular.provenance`), and written to or read from an XLSX workbook
(:mod:`~procedures.tabular.workbook`) or a folder of CSV files
(:mod:`~procedures.tabular.csvfiles`). Nothing is imported here: the workbook module loads
openpyxl, which a bot serving citizens never needs (``procedures.formats`` imports it on demand).
"""
