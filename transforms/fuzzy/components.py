"""Connected components of an edge list, distributed: alternating large-star / small-star rounds.

Kiveris et al., "Connected Components in MapReduce and Beyond" (SoCC 2014). Each round is two
GroupByKeys over the edges; no step holds more than one node's neighbour list, streamed. After
enough rounds every component is a star whose centre is its smallest node, so a node's label is the
smallest node it touches. Beam has no loops, so the rounds are unrolled (`max_rounds`); each round
counts the edges it added or removed, and the first round that changed none is the round the graph
converged at (`ComponentsReport`). Chains converge in O(log n) rounds
in practice; a graph that has not converged after `max_rounds` is reported as such, and its labels
can split one true component into a few (never merge two).

The pure functions (`large_star`, `small_star`) work on one node and its neighbours and are tested
without Beam; the PTransform only wires them.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Tuple

import apache_beam as beam

Edge = Tuple[str, str]


def large_star(node: str, neighbours: Iterable[str]) -> Iterator[Edge]:
    """Link every neighbour larger than `node` to the smallest of node and its neighbours."""
    smallest = min(min(neighbours, default=node), node)
    for neighbour in neighbours:
        if neighbour > node and neighbour != smallest:
            yield (neighbour, smallest)


def small_star(node: str, smaller_neighbours: Iterable[str]) -> Iterator[Edge]:
    """Link `node` and its smaller neighbours to the smallest of them."""
    smallest = min(min(smaller_neighbours, default=node), node)
    if node != smallest:
        yield (node, smallest)
    for neighbour in smaller_neighbours:
        if neighbour != smallest:
            yield (neighbour, smallest)


def _both_directions(edge: Edge) -> Iterator[Edge]:
    yield edge
    yield (edge[1], edge[0])


def _larger_first(edge: Edge) -> Edge:
    return (edge[0], edge[1]) if edge[0] > edge[1] else (edge[1], edge[0])


def _changed(element) -> int:
    """1 for an edge the round added or removed."""
    _, grouped = element
    return int(bool(grouped["new"]) != bool(grouped["old"]))


class _Round(beam.PTransform):
    """One large-star + small-star round; returns (edges, number of edges added or removed)."""

    def __init__(self, index: int):
        super().__init__()
        self.index = index

    def expand(self, edges):
        large = (
            edges
            | "Symmetric" >> beam.FlatMap(_both_directions)
            | "ByNode" >> beam.GroupByKey()
            # The grouped iterable is read twice (min, then emit): re-iterable in Beam, never copied,
            # so a node with a million neighbours (a boilerplate cluster's centre) costs no memory.
            | "LargeStar" >> beam.FlatMap(lambda kv: large_star(kv[0], kv[1]))
            | "DistinctLarge" >> beam.Distinct()
        )
        small = (
            large
            | "ByLargerEnd" >> beam.Map(_larger_first)
            | "SmallerNeighbours" >> beam.GroupByKey()
            | "SmallStar" >> beam.FlatMap(lambda kv: small_star(kv[0], kv[1]))
            | "DistinctSmall" >> beam.Distinct()
        )
        keyed_old = edges | "KeyOld" >> beam.Map(lambda e: (_larger_first(e), 1))
        keyed_new = small | "KeyNew" >> beam.Map(lambda e: (_larger_first(e), 1))
        changed = (
            {"old": keyed_old, "new": keyed_new}
            | "CompareEdges" >> beam.CoGroupByKey()
            | "IsChanged" >> beam.Map(_changed)
            | "CountChanged" >> beam.CombineGlobally(sum)
        )
        return small, changed


class ConnectedComponents(beam.PTransform):
    """PCollection[(a, b)] -> (PCollection[(node, component label)], PCollection[report dict]).

    The label is the smallest node of the component. Nodes without edges do not appear."""

    def __init__(self, max_rounds: int = 10):
        super().__init__()
        self.max_rounds = max_rounds

    def expand(self, edges):
        edges = (
            edges
            | "NoSelfLoops" >> beam.Filter(lambda e: e[0] != e[1])
            | "Orient" >> beam.Map(_larger_first)
            | "DistinctInput" >> beam.Distinct()
        )
        counts = []
        for index in range(1, self.max_rounds + 1):
            edges, changed = edges | f"Round{index:02d}" >> _Round(index)
            counts.append(changed | f"Tag{index:02d}" >> beam.Map(lambda n, i=index: (i, n)))
        labels = (
            edges
            | "LabelCandidates" >> beam.FlatMap(lambda e: [(e[0], e[1]), (e[1], e[1])])
            | "SmallestTouched" >> beam.CombinePerKey(min)
        )
        report = (
            counts
            | "GatherRounds" >> beam.Flatten()
            | "OneList" >> beam.combiners.ToList()
            | "Report" >> beam.Map(components_report, self.max_rounds)
        )
        return labels, report


def components_report(changes_by_round, max_rounds: int) -> dict:
    """Which round the graph stopped changing at, from each round's count of changed edges."""
    per_round = dict(sorted(changes_by_round))
    converged_at = next((i for i, n in per_round.items() if n == 0), None)
    return {
        "max_rounds": max_rounds,
        "changed_edges_per_round": [per_round[i] for i in sorted(per_round)],
        "converged": converged_at is not None,
        "rounds_used": converged_at if converged_at is not None else max_rounds,
    }
