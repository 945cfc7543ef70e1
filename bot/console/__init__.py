"""The officer console's domain: accounts, sessions, back-off, audit, editable texts, reports.

Accounts and roles, sessions, sign-in back-off, the audit record, the texts officers edit
(notice, welcome, office hours) and the reports they read. No web code here:
``bot/web/console*.py`` serves it over HTTP.
"""
