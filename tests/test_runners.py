"""Runner portability: the DataflowRunner translates the whole DAG (dry run, no credentials).
(Two DirectRunner processes against one, and restarts: tests/test_end_to_end.py.)"""
import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.build import build_pipeline
from pipeline.config import default_config_path, load_config
from transforms.registry import STAGES


def test_the_dataflow_runner_translates_every_stage_of_the_sample_dag_without_submitting():
    config = load_config(default_config_path())
    options = PipelineOptions(["--runner=DataflowRunner", "--project=winnow-ci", "--region=us-central1",
                               "--temp_location=gs://winnow-ci/tmp", "--dry_run=True", "--no_auth"])
    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, config, "gs://winnow-ci/out")
    result = pipeline.run()  # translates (pickling every DoFn into the portable proto), then stops
    job = result.job
    names = {t.unique_name for t in job.proto_pipeline.components.transforms.values()}
    expected = set()
    for source in config.sources:
        expected |= {f"Read[{source.name}]", f"WriteDocs[{source.name}]"}
        for stage in source.stages:
            expected.add(f"{stage}[{source.name}]" if STAGES[stage].scope == "document" else stage)
    assert expected - names == set()
    assert {"WriteErrors", "WriteCounts"} <= names
    from apache_beam.portability import common_urns

    environments = job.proto_pipeline.components.environments.values()
    assert {env.urn for env in environments} == {common_urns.environments.DOCKER.urn}  # the SDK container


def test_building_a_job_to_run_later_leaves_the_output_alone_and_writes_no_manifest(tmp_path, capsys):
    from pipeline.cli import RUN_MARKER, main

    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("{}")  # a finished run's output stays as it is
    assert main(["run", "--output", str(out), "--runner=DataflowRunner", "--project=winnow-ci",
                 "--region=us-central1", "--temp_location=gs://winnow-ci/tmp", "--dry_run=True", "--no_auth"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"] and not (out / RUN_MARKER).exists()
    assert "No manifest is written here" in capsys.readouterr().err


def test_a_job_launched_without_waiting_is_finalized_into_the_same_manifest(tmp_path):
    """What deploy/dataflow's entry point does (start_run, build, run, exit), then `winnow finalize`."""
    import json

    from pipeline.cli import RUN_MARKER, main, start_run

    config = load_config(default_config_path())
    out = str(tmp_path / "out")
    start_run(out, config, overwrite=False)
    pipeline = beam.Pipeline(options=PipelineOptions(["--runner=FnApiRunner"]))
    build_pipeline(pipeline, config, out)
    pipeline.run()  # FnApiRunner finishes here; Dataflow would still be running
    assert (tmp_path / "out" / RUN_MARKER).exists() and not (tmp_path / "out" / "manifest.json").exists()
    assert main(["finalize", out]) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["conserved"] and manifest["started_at"]
    assert manifest["sources"]["web"]["written"] == 22 and manifest["tokens_per_source"]["code"] > 0
    assert (tmp_path / "out" / "report.html").exists() and not (tmp_path / "out" / RUN_MARKER).exists()
    assert main(["finalize", out]) == 2  # once only
