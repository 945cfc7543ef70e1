"""The ``dvcbot`` command line.

Running the bot, the terminal chat, routing and evaluation, statistics (``main``) and catalog
administration (``catalog``).
"""
