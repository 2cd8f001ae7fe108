"""Benchmarks: `make bench` (or `python -m bench.run`) writes bench/results.json and BENCHMARKS.md.

Add a module `bench/bench_<topic>.py` whose functions carry `@benchmark(...)` from
bench.registry; bench.run imports every such module and runs what they registered.
"""
