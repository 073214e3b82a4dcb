"""Outgoing mail: rendering, the outbox, delivery (SMTP or a folder of .eml files).

How the pieces fit, and why there is no task-queue library: docs/mail.md.
"""
