"""Scale benchmarks for site_builder: a synthetic corpus generator and a harness (run by hand, never in tests)."""
