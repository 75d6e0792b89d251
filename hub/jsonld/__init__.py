"""JSON-LD for cfhub: the generated Zhejiang context and vocabulary, the contexts the hub serves, and an
offline document loader that resolves every context the hub uses without touching the network."""
