"""Authentication: who is calling (bearer tokens, keys, JWKS, the client-credentials token endpoint)."""
