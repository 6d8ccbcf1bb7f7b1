#!/usr/bin/env bash
# winnow on Dataproc (Spark on YARN) the way Beam's Spark runner page documents for Python: a cluster
# with the Docker component, the pipeline packaged as a jar (`--output_executable_path`), and the jar
# submitted as an ordinary Spark job whose main class is Beam's SparkPipelineRunner.
#
#   deploy/spark/dataproc.sh cluster   create the cluster (Docker on every node, for the Python workers)
#   deploy/spark/dataproc.sh jar       package the pipeline (needs Java 11+ on this machine: Beam's Spark
#                                      job server, downloaded from Maven Central, writes the jar)
#   deploy/spark/dataproc.sh submit    upload the jar and run it on the cluster
#   deploy/spark/dataproc.sh delete    delete the cluster
#
# Packaging is not running: `winnow run` returns as soon as the jar is written, before any document is
# read, and leaves OUT alone (no manifest). After the Spark job: `winnow finalize OUT --config CONFIG`
# writes the manifest and report (deploy/README.md, section 7).
# The worker image must be pullable by every node (Artifact Registry reader role for the cluster's
# service account, and `gcloud auth configure-docker REGION-docker.pkg.dev` in an initialization action).
# Not run from this repository (no cloud access): see deploy/spark/README.md.
set -euo pipefail

PROJECT="${PROJECT:-my-project}"
REGION="${REGION:-us-central1}"
CLUSTER="${CLUSTER:-winnow-spark}"
IMAGE_VERSION="${IMAGE_VERSION:-2.2-debian12}"       # Spark 3.5 (Beam's Spark runner: Spark 3)
MASTER_MACHINE_TYPE="${MASTER_MACHINE_TYPE:-n2-standard-4}"
WORKER_MACHINE_TYPE="${WORKER_MACHINE_TYPE:-n2-standard-8}"
NUM_WORKERS="${NUM_WORKERS:-4}"
BUCKET="${BUCKET:-my-bucket}"
IMAGE="${IMAGE:-${REGION}-docker.pkg.dev/${PROJECT}/winnow/winnow:TAG}"
CONFIG="${CONFIG:-my_run.yaml}"                        # local file; every path inside it gs://
OUTPUT="${OUTPUT:-gs://${BUCKET}/runs/dataproc-$(date -u +%Y%m%d-%H%M%S)}"
JAR="${JAR:-/tmp/winnow-pipeline.jar}"
JAR_GCS="${JAR_GCS:-gs://${BUCKET}/jars/$(basename "${JAR}")}"
SDK_WORKER_PARALLELISM="${SDK_WORKER_PARALLELISM:-8}" # Python processes per node: its vCPUs
WINNOW="${WINNOW:-winnow}"

create_cluster() {
  gcloud dataproc clusters create "${CLUSTER}" \
    --project="${PROJECT}" \
    --region="${REGION}" \
    --image-version="${IMAGE_VERSION}" \
    --optional-components=DOCKER \
    --enable-component-gateway \
    --master-machine-type="${MASTER_MACHINE_TYPE}" \
    --worker-machine-type="${WORKER_MACHINE_TYPE}" \
    --num-workers="${NUM_WORKERS}" \
    --scopes=https://www.googleapis.com/auth/cloud-platform
}

package_jar() {
  "${WINNOW}" run --config "${CONFIG}" --output "${OUTPUT}" \
    --runner=SparkRunner \
    --spark_version=3 \
    --output_executable_path="${JAR}" \
    --environment_type=DOCKER \
    --environment_config="${IMAGE}" \
    --sdk_worker_parallelism="${SDK_WORKER_PARALLELISM}"
  printf 'packaged %s for OUTPUT=%s\n' "${JAR}" "${OUTPUT}"
}

submit_jar() {
  gcloud storage cp "${JAR}" "${JAR_GCS}"
  gcloud dataproc jobs submit spark \
    --project="${PROJECT}" \
    --region="${REGION}" \
    --cluster="${CLUSTER}" \
    --class=org.apache.beam.runners.spark.SparkPipelineRunner \
    --jars="${JAR_GCS}"
}

delete_cluster() {
  gcloud dataproc clusters delete "${CLUSTER}" --project="${PROJECT}" --region="${REGION}" --quiet
}

case "${1:-}" in
  cluster) create_cluster ;;
  jar) package_jar ;;
  submit) submit_jar ;;
  delete) delete_cluster ;;
  *) sed -n '2,12p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
