"""Federation between regional hubs: peers (`peers`), signed dataset bundles (`bundles`), the ODRL usage policy
that travels with them (`odrl`), importing a bundle (`importer`) and the `cfhub peers|export|import` commands
(`cli`)."""
