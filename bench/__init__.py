"""Benchmark and scale scripts (see bench/README.md); a package so tests can import them."""
