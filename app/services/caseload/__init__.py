"""The caseload: search and rows, a case's detail, tiers and the daily upkeep."""
