"""Read functions: every SELECT of a record goes through here, filtered and projected by the policy."""
