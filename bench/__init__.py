"""Benchmarks: each module measures a target against a baseline in the same run and writes
its section of docs/benchmarks.md. Run all with `make bench` (python -m bench)."""
