"""W3C Data Integrity for the hub: proofs over JSON documents (`proofs`), Multikey encodings (`multikey`) and
the hub's own signing identity published as a did:web document (`identity`)."""
