"""Connected components and LSH bucket edges of `fuzzy_dedup`, in Beam and as pure functions."""
import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import BEAM_TEST_OPTIONS
from transforms.fuzzy.components import ConnectedComponents, components_report, large_star, small_star
from transforms.fuzzy.lsh import CandidateEdges, split_of


def test_large_star_links_larger_neighbours_to_the_smallest():
    assert sorted(large_star("c", ["a", "d", "e"])) == [("d", "a"), ("e", "a")]
    assert list(large_star("a", ["b"])) == [("b", "a")]
    assert list(large_star("d", ["a", "b"])) == []  # no larger neighbour: nothing to do here


def test_small_star_links_node_and_smaller_neighbours_to_the_smallest():
    assert sorted(small_star("d", ["b", "c"])) == [("c", "b"), ("d", "b")]
    assert list(small_star("b", [])) == []


def test_a_long_chain_ends_in_one_component_and_reports_its_rounds():
    chain = [(f"n{i:02d}", f"n{i + 1:02d}") for i in range(20)]  # n00 - n01 - ... - n20
    separate = [("x1", "x2"), ("x2", "x1")]
    with beam.Pipeline(options=PipelineOptions(BEAM_TEST_OPTIONS)) as pipeline:
        labels, report = pipeline | beam.Create(chain + separate) | ConnectedComponents(max_rounds=8)
        expected = [(f"n{i:02d}", "n00") for i in range(21)] + [("x1", "x1"), ("x2", "x1")]
        assert_that(labels, equal_to(expected), label="labels")
        assert_that(report, _converged_within(8), label="report")


def _converged_within(limit):
    def check(reports):
        assert len(reports) == 1
        report = reports[0]
        assert report["converged"] and 1 <= report["rounds_used"] <= limit, report
        assert report["changed_edges_per_round"][report["rounds_used"] - 1] == 0
    return check


def test_report_says_when_rounds_ran_out():
    report = components_report([(1, 5), (2, 3)], max_rounds=2)
    assert report == {"max_rounds": 2, "changed_edges_per_round": [5, 3], "converged": False, "rounds_used": 2}
    assert components_report([(2, 0), (1, 7)], max_rounds=2)["rounds_used"] == 2


def test_a_hot_bucket_is_spread_over_workers_and_still_one_component():
    nodes = [f"doc{i:05d}" for i in range(3000)]
    splits = 16
    sizes = [0] * splits
    for node in nodes:
        sizes[split_of(node, splits)] += 1
    assert max(sizes) < 3000 / 8  # no sub-bucket holds more than a few times its share
    entries = [(b"boilerplate-band", node) for node in nodes] + [(b"other", "lonely")]
    with beam.Pipeline(options=PipelineOptions(BEAM_TEST_OPTIONS)) as pipeline:
        edges = pipeline | beam.Create(entries) | CandidateEdges(splits)
        labels, _ = edges | ConnectedComponents(max_rounds=6)
        assert_that(labels, equal_to([(node, "doc00000") for node in nodes]))
