"""Data quality of footprints (issue 14 item 4): facts computed from the footprint, its inventory, its peers and
other sources, decided by the `quality` rule sets (rulesets/quality) with the same rules engine as grades, and
stored per footprint (`QualityResult`). See docs/quality.md."""
