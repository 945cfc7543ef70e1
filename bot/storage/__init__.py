"""Storage.

The database, its migrations and the one transaction each message is handled in (``database``,
``migrations``), the tables (``tables``), the inbox and the transactional outbox (``inbox``,
``outbox``), usage events (``events``), roles and invite codes (``roles``), and the personal-data
rules applied before anything is written (``privacy``).
"""
