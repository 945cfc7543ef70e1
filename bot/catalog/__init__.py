"""The served catalog.

Versions kept in the database with their history and audit trail (``versions``), the live snapshot
swapped for a new version without a restart (``live``), and uploaded spreadsheets read in a child
process with memory and time limits (``uploads``).
"""
