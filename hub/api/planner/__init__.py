"""The query planner: GraphQL pages compiled to policy-filtered SQL and answered from the rows (docs/planner.md)."""
