#!/usr/bin/env bash
# Build, register and run winnow on Google Cloud Dataflow.
#
#   deploy/dataflow/launch.sh image      build the image (Cloud Build, or local docker) and push it
#   deploy/dataflow/launch.sh template   write the Flex Template spec to gs:// (gcloud dataflow flex-template build)
#   deploy/dataflow/launch.sh run        start a job from the template (gcloud dataflow flex-template run)
#   deploy/dataflow/launch.sh all        image + template + run
#   deploy/dataflow/launch.sh direct     submit from this machine with `winnow run` (waits, writes the manifest)
#
# Every setting below can be overridden from the environment, e.g.
#   PROJECT=my-proj BUCKET=my-bucket CONFIG=gs://my-bucket/cc.yaml OUTPUT=gs://my-bucket/runs/1 \
#     deploy/dataflow/launch.sh all
# Prerequisites: gcloud authenticated on PROJECT, an Artifact Registry Docker repository REPOSITORY in
# REGION (gcloud artifacts repositories create winnow --repository-format=docker --location=REGION),
# a bucket for staging/temp and output. Nothing here was run against a real project in this repository's
# CI (no cloud access there): see deploy/README.md, "What was and was not verified".
set -euo pipefail

# ---- where ---------------------------------------------------------------------------------------
PROJECT="${PROJECT:-my-project}"
REGION="${REGION:-us-central1}"
BUCKET="${BUCKET:-my-bucket}"                       # staging, temp and template spec live here
REPOSITORY="${REPOSITORY:-winnow}"                  # Artifact Registry Docker repository
IMAGE_NAME="${IMAGE_NAME:-winnow}"
TAG="${TAG:-}"                                      # image/all: default a new timestamp tag; template,
                                                    # run, direct: the tag `image` printed (required)
IMAGE="${IMAGE:-}"                                  # or the full image reference instead of TAG
TEMPLATE_FILE="${TEMPLATE_FILE:-gs://${BUCKET}/templates/winnow.json}"
STAGING_LOCATION="${STAGING_LOCATION:-gs://${BUCKET}/staging}"
TEMP_LOCATION="${TEMP_LOCATION:-gs://${BUCKET}/temp}"
BUILDER="${BUILDER:-cloudbuild}"                    # cloudbuild | docker (local docker, pushes IMAGE)

# ---- what ----------------------------------------------------------------------------------------
CONFIG="${CONFIG:-gs://${BUCKET}/configs/run.yaml}" # every path inside must be gs:// (see README)
OUTPUT="${OUTPUT:-gs://${BUCKET}/runs/$(date -u +%Y%m%d-%H%M%S)}"
OVERWRITE="${OVERWRITE:-false}"
STAGES="${STAGES:-}"                                # e.g. extract,langid,exact_dedup (empty: the config's)
JOB_NAME="${JOB_NAME:-winnow-$(date -u +%Y%m%d-%H%M%S)}"

# ---- how big (sizing: deploy/README.md) ----------------------------------------------------------
MACHINE_TYPE="${MACHINE_TYPE:-n2-standard-4}"       # 4 vCPU / 16 GB: 4 Python SDK processes per worker
NUM_WORKERS="${NUM_WORKERS:-2}"                     # start; autoscaling (THROUGHPUT_BASED) grows it
MAX_WORKERS="${MAX_WORKERS:-50}"                    # the cost ceiling: MAX_WORKERS x vCPUs x hours
DISK_SIZE_GB="${DISK_SIZE_GB:-50}"                  # boot disk; Dataflow Shuffle keeps shuffle data off it
LAUNCHER_MACHINE_TYPE="${LAUNCHER_MACHINE_TYPE:-n2-standard-2}" # builds the graph, copies the config
# Runner v2 is the only Dataflow runner for Python since Beam 2.45; the experiment is kept explicit.
EXPERIMENTS="${EXPERIMENTS:-use_runner_v2}"
SERVICE_ACCOUNT="${SERVICE_ACCOUNT:-}"              # worker service account (empty: Compute Engine default)
SUBNETWORK="${SUBNETWORK:-}"                        # e.g. regions/us-central1/subnetworks/dataflow
NO_PUBLIC_IPS="${NO_PUBLIC_IPS:-false}"             # true needs Private Google Access on SUBNETWORK
WINNOW="${WINNOW:-winnow}"                          # for `direct`: pip install -e '.[gcp]' (Beam 2.77.0)

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DOCKERFILE="${REPO_ROOT}/deploy/dataflow/Dockerfile"
METADATA="${REPO_ROOT}/deploy/dataflow/metadata.json"

log() { printf '[launch] %s\n' "$*" >&2; }

# One immutable tag per build, so a job's late-starting workers pull the image its launcher used.
resolve_image() {
  local command="$1"
  if [[ -z "${IMAGE}" ]]; then
    if [[ -z "${TAG}" ]]; then
      if [[ "${command}" != image && "${command}" != all ]]; then
        log "set TAG (or IMAGE) to the image that \`launch.sh image\` built"
        exit 2
      fi
      TAG="0.1.0-$(date -u +%Y%m%d-%H%M%S)"
    fi
    IMAGE="${REGION}-docker.pkg.dev/${PROJECT}/${REPOSITORY}/${IMAGE_NAME}:${TAG}"
  fi
}

# The build context: setup.py and the four packages, nothing else (.venv/, out/, tests/ stay home).
make_context() {
  local ctx
  ctx="$(mktemp -d)"
  tar -C "${REPO_ROOT}" --exclude='__pycache__' --exclude='*.pyc' -cf - \
    setup.py pipeline transforms classifiers benchmarks_ngrams | tar -C "${ctx}" -xf -
  cp "${DOCKERFILE}" "${ctx}/Dockerfile"
  printf '%s\n' "${ctx}"
}

build_image() {
  local ctx
  ctx="$(make_context)"
  log "building ${IMAGE} with ${BUILDER}"
  case "${BUILDER}" in
    cloudbuild)
      # A config file rather than --tag: the Dockerfile's heredoc needs BuildKit switched on.
      cat >"${ctx}/cloudbuild.yaml" <<EOF
steps:
  - name: gcr.io/cloud-builders/docker
    env: ["DOCKER_BUILDKIT=1"]
    args: ["build", "--tag", "${IMAGE}", "--file", "Dockerfile", "."]
images: ["${IMAGE}"]
EOF
      gcloud builds submit "${ctx}" --project="${PROJECT}" --region="${REGION}" \
        --config="${ctx}/cloudbuild.yaml"
      ;;
    docker)
      DOCKER_BUILDKIT=1 docker build --tag "${IMAGE}" --file "${ctx}/Dockerfile" "${ctx}"
      docker push "${IMAGE}"
      ;;
    *)
      log "BUILDER must be cloudbuild or docker, not ${BUILDER}"
      exit 2
      ;;
  esac
  rm -rf "${ctx}"
  log "built ${IMAGE}: pass TAG=${IMAGE##*:} (or IMAGE=...) to template, run and direct"
}

build_template() {
  log "writing the Flex Template spec ${TEMPLATE_FILE} (image ${IMAGE})"
  gcloud dataflow flex-template build "${TEMPLATE_FILE}" \
    --project="${PROJECT}" \
    --image="${IMAGE}" \
    --sdk-language=PYTHON \
    --metadata-file="${METADATA}"
}

# Template parameters, joined with "~" (gcloud's ^~^ delimiter) because `stages` holds commas.
template_parameters() {
  local params=("config=${CONFIG}" "output=${OUTPUT}" "overwrite=${OVERWRITE}"
                "sdk_container_image=${IMAGE}" "disk_size_gb=${DISK_SIZE_GB}")
  if [[ -n "${STAGES}" ]]; then
    params+=("stages=${STAGES}")
  fi
  local joined
  joined="$(IFS='~'; printf '%s' "${params[*]}")"
  printf '^~^%s\n' "${joined}"
}

run_template() {
  local extra=()
  [[ -n "${SERVICE_ACCOUNT}" ]] && extra+=("--service-account-email=${SERVICE_ACCOUNT}")
  [[ -n "${SUBNETWORK}" ]] && extra+=("--subnetwork=${SUBNETWORK}")
  [[ "${NO_PUBLIC_IPS}" == "true" ]] && extra+=("--disable-public-ips")
  log "starting job ${JOB_NAME}: ${CONFIG} -> ${OUTPUT}"
  gcloud dataflow flex-template run "${JOB_NAME}" \
    --project="${PROJECT}" \
    --region="${REGION}" \
    --template-file-gcs-location="${TEMPLATE_FILE}" \
    --staging-location="${STAGING_LOCATION}" \
    --temp-location="${TEMP_LOCATION}" \
    --worker-machine-type="${MACHINE_TYPE}" \
    --num-workers="${NUM_WORKERS}" \
    --max-workers="${MAX_WORKERS}" \
    --launcher-machine-type="${LAUNCHER_MACHINE_TYPE}" \
    --additional-experiments="${EXPERIMENTS}" \
    --parameters="$(template_parameters)" \
    "${extra[@]}"
  log "when the job has finished: winnow finalize ${OUTPUT} --config <local copy of ${CONFIG}> (manifest, report)"
}

# Direct submission: `winnow run` on this machine builds the graph, submits it with the same image for
# the workers, WAITS for the job and then writes OUT/manifest.json (conservation checked, exit 1 if not).
run_direct() {
  local extra=()
  [[ -n "${SERVICE_ACCOUNT}" ]] && extra+=("--service_account_email=${SERVICE_ACCOUNT}")
  [[ -n "${SUBNETWORK}" ]] && extra+=("--subnetwork=${SUBNETWORK}")
  [[ "${NO_PUBLIC_IPS}" == "true" ]] && extra+=("--no_use_public_ips")
  [[ -n "${STAGES}" ]] && extra+=("--stages=${STAGES}")
  [[ "${OVERWRITE}" == "true" ]] && extra+=("--overwrite")
  local config="${CONFIG}"
  if [[ "${config}" == gs://* ]]; then  # winnow reads its config from local disk
    config="$(mktemp -d)/$(basename "${CONFIG}")"
    gcloud storage cp "${CONFIG}" "${config}"
  fi
  log "submitting ${JOB_NAME} from this machine (waits for the job): ${CONFIG} -> ${OUTPUT}"
  "${WINNOW}" run --config "${config}" --output "${OUTPUT}" \
    --runner=DataflowRunner \
    --project="${PROJECT}" \
    --region="${REGION}" \
    --job_name="${JOB_NAME}" \
    --staging_location="${STAGING_LOCATION}" \
    --temp_location="${TEMP_LOCATION}" \
    --sdk_container_image="${IMAGE}" \
    --machine_type="${MACHINE_TYPE}" \
    --num_workers="${NUM_WORKERS}" \
    --max_num_workers="${MAX_WORKERS}" \
    --autoscaling_algorithm=THROUGHPUT_BASED \
    --disk_size_gb="${DISK_SIZE_GB}" \
    --experiments="${EXPERIMENTS}" \
    "${extra[@]}"
}

main() {
  local command="${1:-}"
  case "${command}" in
    image | template | run | all | direct) resolve_image "${command}" ;;
  esac
  case "${command}" in
    image) build_image ;;
    template) build_template ;;
    run) run_template ;;
    all) build_image; build_template; run_template ;;
    direct) run_direct ;;
    *)
      sed -n '2,9p' "${BASH_SOURCE[0]}" >&2
      exit 2
      ;;
  esac
}

main "$@"
