"""Carbon labels as W3C Verifiable Credentials 2.0 (eddsa-rdfc-2022) with Bitstring Status Lists.

`vc` builds and signs a label's credential, `status_list` keeps the revocation and suspension lists, `verify`
checks a credential (proof, issuer, validity, status), `routes` serves them over HTTP and `cli` from the
command line. The label services call one hook, `status_list.on_label_status`, when a label's status changes.
"""
