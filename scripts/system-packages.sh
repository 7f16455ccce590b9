#!/usr/bin/env bash
# The system packages the kit uses beyond Python: bubblewrap (the grader's sandbox) and
# chromium (the report's browser test). Installs them with apt-get when run as root on
# Debian/Ubuntu; otherwise says what is missing, and the tests that need it skip saying so.
set -uo pipefail
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} with apt-get ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || echo "warning: could not install ${missing[*]}; the tests that need them will skip and say so" >&2
else
    echo "note: ${missing[*]} not installed (sudo apt-get install ${missing[*]}); grading needs bubblewrap," \
         "or --insecure for trusted submissions" >&2
fi
exit 0
