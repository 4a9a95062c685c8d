"""Pieces of the benchmark suite (`qa bench`, entry point ``qa.bench.main``).

- ``stats``: percentiles, latency summaries, tables, the load average;
- ``synthetic``: deterministic synthetic documents, a fast hashed-word embedding, cached store-scaling collections;
- ``ingest``: ingestion throughput against the raw model, and re-ingestion of an unchanged corpus;
- ``latency``: query latency of retrieval, reranking and full extractive answers;
- ``process``: measurements in child processes (peak memory of ingestion and of the UI, start-up times).
"""
