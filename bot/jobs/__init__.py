"""Background work.

The timed jobs kept in the database and run by one process only (``scheduler``, with the
one-leader lock in ``leadership``), and the book of reminders they sweep (``reminders``).
"""
