// Composes subgraphs into a supergraph with one of two libraries; prints {"errors": [...], "supergraphSdl": ...}.
// Usage: node compose.mjs guild|apollo < subgraphs.json   (a list of {"name", "url", "sdl"})
import { readFileSync } from "node:fs";
import { parse } from "graphql";

const library = process.argv[2];
const subgraphs = JSON.parse(readFileSync(0, "utf8"));
const services = subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
const { composeServices } =
  library === "apollo" ? await import("@apollo/composition") : await import("@theguild/federation-composition");
const result = composeServices(services);
const errors = (result.errors ?? []).map((e) => e.message);
process.stdout.write(JSON.stringify({ errors, supergraphSdl: result.supergraphSdl ?? null }));
