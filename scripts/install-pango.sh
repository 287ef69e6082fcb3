#!/usr/bin/env bash
# Install the Pango libraries WeasyPrint renders the client report with; does nothing when present.
set -euo pipefail

if ldconfig -p | grep -q libpangoft2-1.0.so.0; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null
