"""The live hub over real HTTP (tests/api/conftest.py), for the security tests that reach it as a user would."""

from tests.api.conftest import live  # noqa: F401
