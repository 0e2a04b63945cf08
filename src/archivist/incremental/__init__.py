"""Incremental builds: the build cache, input fingerprints, keys and the serve session."""
