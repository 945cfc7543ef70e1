"""The conversation: the engine and what one turn of a chat is made of.

Message types (``messages``), typed commands and the action table (``commands``, ``actions``), the
turn and its persisted state (``turn``, ``state``), the guide walk (``walkthrough``, ``paperwork``,
``pauses``), answers and cards (``questions``, ``answers``, ``cards``, ``listing_cards``,
``whereabouts``, ``contacts``) and the fixed replies (``replies``). Nothing here knows a transport:
the engine returns replies and the channels deliver them.
"""
