"""The PACT v3 host: the REST side of the hub that PACT data recipients talk to (Technical Specifications 3.0).

A PACT client is an organization with a role, authenticated by the hub's own OAuth2 client credentials, and
reads through the same policy layer as GraphQL (hub/queries/pact.py): it sees a footprint exactly when GraphQL
would show it that footprint mapped to PACT, and the same document.
"""
