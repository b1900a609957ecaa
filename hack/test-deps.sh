#!/bin/bash
# test-deps.sh: makes this machine ready for `make test`, idempotently: PostgreSQL running on
# 127.0.0.1:5432, the Debian packages the tests use (third-party SOL clients, the TOSCA oracle),
# the Kubernetes test control plane built and started, and the OpenStack test cloud installed,
# configured and started (about 10 minutes the first time on a fresh machine, 1 s when it runs).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
log() { echo "[$(date +%H:%M:%S)] test-deps: $*" >&2; }

ensure_postgres() {
	if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
	log "starting PostgreSQL"
	if ! command -v pg_ctlcluster >/dev/null; then
		# shellcheck source=lib/apt.sh
		. "$HERE/lib/apt.sh"
		apt_install postgresql
	fi
	local v
	v=$(ls /etc/postgresql | sort -V | tail -n 1)
	pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
	for _ in $(seq 1 60); do
		pg_isready -q -h 127.0.0.1 -p 5432 && return 0
		sleep 0.5
	done
	log "PostgreSQL did not come up on 127.0.0.1:5432"
	return 1
}

ensure_postgres
"$HERE/tackerclient-install.sh"
"$HERE/k8s-testenv.sh" ensure >/dev/null
"$HERE/openstack-testenv.sh" ensure >/dev/null
log "ready"
