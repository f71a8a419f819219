"""Benchmarks of the running system (python -m bench); results in bench/REPORT.md."""
