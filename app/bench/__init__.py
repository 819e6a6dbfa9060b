"""``pdu-manager bench``: the performance table of SPEC.md 8, measured on synthetic data.

``run`` builds the data and prints the table; ``figures`` measures each line;
``data``, ``sql`` and ``extract`` make the synthetic cases, the bench database
and the caseload extract. The child processes are modules of their own, run
as ``python -m app.bench.<name>``: ``bare_window`` (the start-up floor),
``app_window`` (the app's start-up), ``caseload`` and ``memory``.
"""
