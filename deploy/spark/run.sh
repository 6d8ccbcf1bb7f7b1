#!/usr/bin/env bash
# winnow on an Apache Spark cluster through Beam's portable Spark runner (Spark 3.x, Beam 2.77).
#
#   deploy/spark/run.sh jar        SparkRunner: Beam starts its Spark job server (a Java process, jar
#                                  beam-runners-spark-3-job-server-2.77.0 from Maven Central, or
#                                  SPARK_JOB_SERVER_JAR) on THIS machine, which drives SPARK_MASTER_URL
#   deploy/spark/run.sh endpoint   PortableRunner against a job server you started yourself, e.g.
#                                  docker run --net=host apache/beam_spark3_job_server:2.77.0 \
#                                    --spark-master-url=spark://MASTER:7077
#   deploy/spark/run.sh uberjar    SparkRunner --spark_submit_uber_jar: the pipeline goes to the master's
#                                  REST submission server (SPARK_REST_URL, port 6066) as one jar
#
# All three wait for the job, so `winnow run` then writes OUT/manifest.json and checks conservation.
# The Python workers run in IMAGE (deploy/dataflow/Dockerfile: the same image as on Dataflow), started by
# each Spark worker with `docker run` (ENVIRONMENT_TYPE=DOCKER: Docker on every worker node), or already
# running beside each executor (ENVIRONMENT_TYPE=EXTERNAL, a worker pool: see spark-application.yaml).
# Not run in this repository (no Spark cluster, no Docker engine here): see deploy/spark/README.md.
set -euo pipefail

CONFIG="${CONFIG:-my_run.yaml}"                       # local file; its paths: gs://, s3://, hdfs:// or local
OUTPUT="${OUTPUT:-gs://my-bucket/runs/spark-$(date -u +%Y%m%d-%H%M%S)}"
IMAGE="${IMAGE:-us-central1-docker.pkg.dev/my-project/winnow/winnow:TAG}"
SPARK_MASTER_URL="${SPARK_MASTER_URL:-spark://spark-master:7077}"
SPARK_REST_URL="${SPARK_REST_URL:-http://spark-master:6066}"
SPARK_JOB_SERVER_JAR="${SPARK_JOB_SERVER_JAR:-}"      # empty: Beam downloads the 2.77.0 job server jar
JOB_ENDPOINT="${JOB_ENDPOINT:-localhost:8099}"
ARTIFACT_ENDPOINT="${ARTIFACT_ENDPOINT:-localhost:8098}"
ENVIRONMENT_TYPE="${ENVIRONMENT_TYPE:-DOCKER}"        # DOCKER | EXTERNAL | PROCESS
WORKER_POOL="${WORKER_POOL:-localhost:50000}"         # EXTERNAL: the worker-pool sidecar's address
SDK_WORKER_PARALLELISM="${SDK_WORKER_PARALLELISM:-4}" # Python processes per Spark worker: its cores
WINNOW="${WINNOW:-winnow}"

environment_options() {
  case "${ENVIRONMENT_TYPE}" in
    DOCKER) printf '%s\n' "--environment_type=DOCKER" "--environment_config=${IMAGE}" ;;
    EXTERNAL) printf '%s\n' "--environment_type=EXTERNAL" "--environment_config=${WORKER_POOL}" ;;
    # PROCESS: every worker node has winnow installed and Beam's boot binary (as in IMAGE) at this path
    PROCESS) printf '%s\n' "--environment_type=PROCESS" '--environment_config={"command": "/opt/apache/beam/boot"}' ;;
    *) echo "ENVIRONMENT_TYPE must be DOCKER, EXTERNAL or PROCESS" >&2; exit 2 ;;
  esac
}

main() {
  local mode="${1:-}"
  local runner_options=()
  case "${mode}" in
    jar)
      runner_options=(--runner=SparkRunner "--spark_master_url=${SPARK_MASTER_URL}")
      if [[ -n "${SPARK_JOB_SERVER_JAR}" ]]; then
        runner_options+=("--spark_job_server_jar=${SPARK_JOB_SERVER_JAR}")
      fi
      ;;
    endpoint)
      runner_options=(--runner=PortableRunner "--job_endpoint=${JOB_ENDPOINT}"
                      "--artifact_endpoint=${ARTIFACT_ENDPOINT}")
      ;;
    uberjar)
      runner_options=(--runner=SparkRunner --spark_submit_uber_jar "--spark_rest_url=${SPARK_REST_URL}"
                      "--spark_master_url=${SPARK_MASTER_URL}")
      ;;
    *)
      sed -n '2,13p' "${BASH_SOURCE[0]}" >&2
      exit 2
      ;;
  esac
  local env_options
  mapfile -t env_options < <(environment_options)
  "${WINNOW}" run --config "${CONFIG}" --output "${OUTPUT}" \
    "${runner_options[@]}" \
    "${env_options[@]}" \
    "--sdk_worker_parallelism=${SDK_WORKER_PARALLELISM}"
}

main "$@"
