"""Fuzzy (near-duplicate) deduplication: MinHash signatures, LSH banding, connected components."""
