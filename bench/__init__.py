"""Benchmarks, each runnable as ``python -m bench.<name>`` on a throwaway database (see bench/README.md)."""
