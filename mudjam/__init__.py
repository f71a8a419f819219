"""The `mudjam` command: dev tokens, the upstream ops publisher, and the embedded dev stack."""
