"""The write model: proposals, reviewers and the audit log in a database (SQLite or PostgreSQL).

``db`` opens and migrates the database, ``validate`` checks a proposal against the snapshot,
``store`` keeps proposals and reviewers and records every action. Nothing here knows of the web.
"""
