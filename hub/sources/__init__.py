"""Other data sources the hub cross-checks footprints against: monitored energy use of key energy-using units
(重点用能单位能耗监测) and verified emission reports (核查数据), imported as datasets with provenance
(docs/sources.md)."""
