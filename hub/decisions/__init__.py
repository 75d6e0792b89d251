"""The hub's side of deciding: the facts a rule set reads about a footprint, and the registry it uses."""
