#!/usr/bin/env bash
# Opens a run's report.html in headless Chromium with every host name unresolvable, and fails if the
# page asked for anything over the network or did not render. Not part of `make test` (Chromium is
# not a Python dependency); after a run:  bash tests/check_report_in_chromium.sh out/sample/report.html
# (Debian: apt-get install chromium). The last result is in perf/RESULTS.md ("Run report").
set -euo pipefail
report="$(realpath "${1:?usage: check_report_in_chromium.sh OUT/report.html}")"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --disable-default-apps \
  --host-resolver-rules="MAP * ~NOTFOUND" --log-net-log="$work/net.json" \
  --dump-dom "file://$report" >"$work/dom.html" 2>"$work/stderr.log" || true
# Every URL the session requested, less Chromium's own update/time/account checks (not the page's).
requested=$(grep -o '"url":"[^"]*"' "$work/net.json" | sed 's/"url":"//; s/"$//' | sort -u |
  grep -Ev '^https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gvt1\.com)/' || true)
if [ -n "$requested" ]; then
  echo "FAIL: the page requested:" >&2
  echo "$requested" >&2
  exit 1
fi
svgs=$(grep -o "<svg" "$work/dom.html" | wc -l)
if ! grep -q "winnow run report" "$work/dom.html" || [ "$svgs" -lt 1 ]; then
  echo "FAIL: the page did not render (no title or no charts in the DOM)" >&2
  exit 1
fi
echo "OK: $report rendered in $("$browser" --version 2>/dev/null | head -1), no network request: $svgs charts"
