"""The carbon label's whole life: its state machine (machine.yaml), the steps (lifecycle), re-grading under a new
rule-set version (regrade), the public view of a label (public) and the expiry job (cli)."""
