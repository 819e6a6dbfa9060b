"""Shared machinery of every service.

The store, the unit of work, the audit log, the acting user and permissions,
optimistic locking, errors and settings.
"""
