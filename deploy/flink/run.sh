#!/usr/bin/env bash
# winnow on an Apache Flink cluster through Beam's portable Flink runner (Beam 2.77: Flink 1.19, 1.20,
# 2.0, 2.1 or 2.2; the cluster's minor version must equal FLINK_VERSION).
#
#   deploy/flink/run.sh jar        FlinkRunner: Beam starts its Flink job server (a Java process, jar
#                                  beam-runners-flink-FLINK_VERSION-job-server-2.77.0 from Maven Central,
#                                  or FLINK_JOB_SERVER_JAR) on THIS machine; it submits to FLINK_MASTER
#   deploy/flink/run.sh uberjar    FlinkRunner --flink_submit_uber_jar: no job server process; the
#                                  pipeline is uploaded to FLINK_MASTER's REST API as one jar
#   deploy/flink/run.sh endpoint   PortableRunner against a job server you started yourself, e.g.
#                                  docker run --net=host apache/beam_flink1.20_job_server:2.77.0 \
#                                    --flink-master=FLINK_HOST:8081
#
# All three wait for the job, so `winnow run` then writes OUT/manifest.json and checks conservation.
# Python workers: ENVIRONMENT_TYPE=DOCKER (each TaskManager host runs `docker run IMAGE`) or EXTERNAL
# (a worker-pool sidecar beside each TaskManager: flink-deployment.yaml). Not run from this repository
# (no Flink cluster, no Docker engine here): see deploy/flink/README.md.
set -euo pipefail

CONFIG="${CONFIG:-my_run.yaml}"                       # local file; its paths: gs://, s3://, hdfs:// or local
OUTPUT="${OUTPUT:-gs://my-bucket/runs/flink-$(date -u +%Y%m%d-%H%M%S)}"
IMAGE="${IMAGE:-us-central1-docker.pkg.dev/my-project/winnow/winnow:TAG}"
FLINK_MASTER="${FLINK_MASTER:-localhost:8081}"        # the JobManager's REST address
FLINK_VERSION="${FLINK_VERSION:-1.20}"
FLINK_JOB_SERVER_JAR="${FLINK_JOB_SERVER_JAR:-}"
JOB_ENDPOINT="${JOB_ENDPOINT:-localhost:8099}"
ARTIFACT_ENDPOINT="${ARTIFACT_ENDPOINT:-localhost:8098}"
ENVIRONMENT_TYPE="${ENVIRONMENT_TYPE:-EXTERNAL}"      # EXTERNAL | DOCKER
WORKER_POOL="${WORKER_POOL:-localhost:50000}"
PARALLELISM="${PARALLELISM:-32}"                      # TaskManagers x task slots
SDK_WORKER_PARALLELISM="${SDK_WORKER_PARALLELISM:-4}" # Python processes per TaskManager: its slots
WINNOW="${WINNOW:-winnow}"

main() {
  local mode="${1:-}"
  local options=()
  case "${mode}" in
    jar)
      options=(--runner=FlinkRunner "--flink_master=${FLINK_MASTER}" "--flink_version=${FLINK_VERSION}")
      if [[ -n "${FLINK_JOB_SERVER_JAR}" ]]; then
        options+=("--flink_job_server_jar=${FLINK_JOB_SERVER_JAR}")
      fi
      ;;
    uberjar)
      options=(--runner=FlinkRunner "--flink_master=${FLINK_MASTER}" "--flink_version=${FLINK_VERSION}"
               --flink_submit_uber_jar)
      ;;
    endpoint)
      options=(--runner=PortableRunner "--job_endpoint=${JOB_ENDPOINT}" "--artifact_endpoint=${ARTIFACT_ENDPOINT}")
      ;;
    *)
      sed -n '2,16p' "${BASH_SOURCE[0]}" >&2
      exit 2
      ;;
  esac
  case "${ENVIRONMENT_TYPE}" in
    EXTERNAL) options+=(--environment_type=EXTERNAL "--environment_config=${WORKER_POOL}") ;;
    DOCKER) options+=(--environment_type=DOCKER "--environment_config=${IMAGE}") ;;
    *) echo "ENVIRONMENT_TYPE must be EXTERNAL or DOCKER" >&2; exit 2 ;;
  esac
  "${WINNOW}" run --config "${CONFIG}" --output "${OUTPUT}" \
    "${options[@]}" \
    "--parallelism=${PARALLELISM}" \
    "--sdk_worker_parallelism=${SDK_WORKER_PARALLELISM}"
}

main "$@"
