#!/usr/bin/env bash
# Install Debian's squid when missing, with iproute2 (the multicast tests' network namespaces) and
# Debian's python3 with python3-yaml (helpers run under Squid as user proxy, who cannot reach
# /root/.pyenv).
# Under CI=true a machine where Squid cannot be had is a failure, never a skip; elsewhere the
# Squid-needing tests skip (with the reason) and this script only warns.
set -euo pipefail

is_ci() { case "${CI:-}" in 1|true|TRUE|True|yes) return 0 ;; *) return 1 ;; esac; }

give_up() {
  echo "ensure-squid: $*" >&2
  if is_ci; then exit 1; fi
  echo "ensure-squid: continuing; tests that need Squid will be skipped" >&2
  exit 0
}

need=()
command -v squid >/dev/null 2>&1 || [ -x /usr/sbin/squid ] || need+=(squid)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
[ -x /usr/bin/python3 ] || need+=(python3)
# squidcarp-helper reads YAML rule files when Squid runs it under Debian's python3
{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import yaml' 2>/dev/null; } || need+=(python3-yaml)
if [ ${#need[@]} -gt 0 ]; then
  echo "ensure-squid: installing ${need[*]}" >&2
  [ "$(id -u)" -eq 0 ] || give_up "not root, cannot apt-get install ${need[*]}"
  command -v apt-get >/dev/null 2>&1 || give_up "no apt-get here; install ${need[*]} yourself"
  export DEBIAN_FRONTEND=noninteractive
  # The package would start the system-wide squid service; tests run their own instances only.
  # policy-rc.d exit 101 = "action forbidden" for invoke-rc.d (Debian policy).
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 0755 "$policy" && made_policy=1
  fi
  status=0
  { apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; } || status=$?
  if [ "$made_policy" -eq 1 ]; then rm -f "$policy"; fi
  [ "$status" -eq 0 ] || give_up "apt-get install ${need[*]} failed ($status)"
  # Where systemd started it anyway, stop the packaged service (by its unit, never by name).
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet squid 2>/dev/null; then
    systemctl stop squid || true
  fi
fi

squid_bin=$(command -v squid 2>/dev/null || echo /usr/sbin/squid)
"$squid_bin" -v | head -1 >&2 || give_up "$squid_bin does not run"
