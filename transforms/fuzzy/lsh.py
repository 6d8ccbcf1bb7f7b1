"""LSH buckets to candidate edges, with hot buckets split so no worker holds a big bucket.

Every document gives one entry per band: (band key, document). Documents sharing a band key are
candidates. A bucket becomes edges by linking each member to one anchor (a star keeps the bucket
connected with n-1 edges instead of n^2/2 pairs). Boilerplate pages can put a million documents in
one bucket, so each bucket is first split by a hash of the member into `splits` sub-buckets, each
streamed on its own worker; then the sub-buckets' anchors (at most `splits` per bucket) are linked.
Which member anchors a sub-bucket depends on delivery order, but the edges always connect the same
members, so the connected components, and everything after them, do not.
"""
from __future__ import annotations

import zlib
from typing import Iterable, Iterator, Tuple

import apache_beam as beam


def split_of(node: str, splits: int) -> int:
    """A member's sub-bucket: stable across processes (unlike hash())."""
    return zlib.crc32(node.encode("utf-8")) % splits


def star_edges(members: Iterable[str]) -> Tuple[list, object]:
    """Edges linking every member of a (sub-)bucket to its first member, and that anchor."""
    anchor, edges = None, []
    for member in members:
        if anchor is None:
            anchor = member
        elif member != anchor:
            edges.append((member, anchor))
    return edges, anchor


def _link_sub_bucket(element) -> Iterator:
    (band_key, _), members = element
    anchor = None
    for member in members:  # streamed: a hot sub-bucket is never held in memory
        if anchor is None:
            anchor = member
            yield beam.pvalue.TaggedOutput("anchors", (band_key, anchor))
        elif member != anchor:
            yield (member, anchor)


def _link_anchors(element) -> Iterator:
    _, anchors = element
    edges, _ = star_edges(anchors)
    yield from edges


class CandidateEdges(beam.PTransform):
    """PCollection[(band key bytes, node)] -> PCollection[(node, node)] edges."""

    def __init__(self, splits: int = 16):
        super().__init__()
        self.splits = splits

    def expand(self, entries):
        splits = self.splits
        linked = (
            entries
            | "SplitBuckets" >> beam.Map(lambda e: ((e[0], split_of(e[1], splits)), e[1]))
            | "GroupSubBuckets" >> beam.GroupByKey()
            | "LinkSubBuckets" >> beam.FlatMap(_link_sub_bucket).with_outputs("anchors", main="edges")
        )
        anchor_edges = (
            linked["anchors"]
            | "GroupAnchors" >> beam.GroupByKey()
            | "LinkAnchors" >> beam.FlatMap(_link_anchors)
        )
        return (linked["edges"], anchor_edges) | "AllEdges" >> beam.Flatten()
