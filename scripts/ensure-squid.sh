#!/usr/bin/env bash
# Install Debian's squid (and iproute2 for network namespaces) when missing.
# Under CI=true a machine where Squid cannot be had is a failure, never a skip.
set -euo pipefail
need=()
command -v squid >/dev/null 2>&1 || [ -x /usr/sbin/squid ] || need+=(squid)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "ensure-squid: installing ${need[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-squid: not root, cannot apt-get install ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${need[@]}" >/dev/null
# Debian starts the packaged service; tests run their own instances only.
if command -v systemctl >/dev/null 2>&1; then systemctl stop squid >/dev/null 2>&1 || true; fi
pkill -x squid >/dev/null 2>&1 || true
/usr/sbin/squid -v | head -1 >&2
