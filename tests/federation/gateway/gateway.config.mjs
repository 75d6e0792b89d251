// Hive Gateway in front of cfhub hubs: the caller's bearer token goes to every subgraph, so each hub's
// own policy decides what the caller reads (docs/gateway.md).
import { defineConfig } from "@graphql-hive/gateway";

export const gatewayConfig = defineConfig({
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const authorization = request.headers.get("authorization");
      return authorization ? { authorization } : {};
    },
  },
});
