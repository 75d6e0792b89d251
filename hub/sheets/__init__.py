"""Bulk import from Excel and CSV (issue 14 item 5): a template generated from the caller's own products and the
hub's code lists, and an upload read with python-calamine, validated whole and written all or nothing."""
