"""Rule sets and mappings drafted through the API: checked, tested and made effective with the real engines.

Knows the engines (rules_engine, hub.mapping) and nothing of the database or HTTP: hub/services/documents.py
stores the versions, this package says whether a text is sound, what its own test cases give, and which
registry and catalog are in force once the published versions are added to the shipped files.
"""
