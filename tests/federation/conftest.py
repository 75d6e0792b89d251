"""The three-hub federation fixture (tests/federation/hubs.py), for every test in this folder."""

from tests.federation.hubs import federation

__all__ = ["federation"]
