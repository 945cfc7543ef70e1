"""The desks beyond the guide.

Reminders set from a chat (``dispatch``), the community helper's tools (``helper``) and the admin's
tools (``admin``). Each desk checks the caller's role itself; the composition root hands the desks
to the engine, which routes ``remind:`` and ``staff:`` actions to them.
"""
