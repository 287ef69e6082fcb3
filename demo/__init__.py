"""Realistic demo data: firms, attorneys and client histories for demos and benchmarks."""
