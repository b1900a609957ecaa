#!/bin/bash
# conformance.sh sqlite|postgres: the ETSI conformance runner against freshly started servers.
#
# Builds bin/nfvo and bin/vnfm, starts both on free loopback ports with a temporary data dir
# (and, for postgres, fresh databases on 127.0.0.1:5432 that are dropped afterwards), with
# OAuth 2.0 on and a generated client, waits until both are ready, runs `go run ./conformance`
# against them, stops them, and exits with the runner's status. On failure the servers' logs
# are shown. Extra arguments go to the runner (e.g. --timeout 2m).
#
# The runner's 403 checks ask the client for read-only scopes only, so no second client is
# needed as servers gain APIs. The VNF package checks build packages from the repository's
# sources (each with a fresh vnfdId), onboard them, and serve one to upload_from_uri from an
# HTTP server the runner starts on 127.0.0.1; everything they onboard is disabled and deleted.
# The subscription checks receive notifications on another server the runner starts on 127.0.0.1.
# The VNF LCM checks onboard a package to the VNFM's own catalogue (the VNFM runs standalone) and
# need no VIM; with CADENZA_KUBECONFIG set (e.g. from `hack/k8s-testenv.sh ensure`) the VNFM gets
# it as its default VIM and the runner also takes a small CNF through instantiate, scale out,
# scale to level, scale in, heal, stop, start and terminate there (about 25 s per API version).
set -euo pipefail
cd "$(dirname "$0")/.."

backend=${1:-}
case "$backend" in
sqlite | postgres) shift ;;
*)
	echo "usage: $0 sqlite|postgres [runner flags...]" >&2
	exit 2
	;;
esac

log() { echo "[$(date +%H:%M:%S)] conformance($backend): $*" >&2; }

GO=${GO:-go}
PGHOST=${PGHOST:-127.0.0.1}
PGUSER=${PGUSER:-postgres}
work=$(mktemp -d "${TMPDIR:-/tmp}/cadenza-conformance.XXXXXX")
pids=()
dbs=()

cleanup() {
	local status=$?
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	for db in "${dbs[@]}"; do
		psql -h "$PGHOST" -U "$PGUSER" -q -X -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" postgres >/dev/null 2>&1 ||
			log "could not drop database $db"
	done
	if [ "$status" -ne 0 ]; then
		for f in "$work"/*.log; do
			[ -s "$f" ] || continue
			echo "----- $(basename "$f"): warnings and errors -----" >&2
			grep -E '"level":"(WARN|ERROR)"' "$f" | tail -n 50 >&2 || true
			echo "----- $(basename "$f"): last 20 lines -----" >&2
			tail -n 20 "$f" >&2
		done
	fi
	rm -rf "$work"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$backend" = postgres ] && ! pg_isready -q -h "$PGHOST" -p 5432; then
	log "PostgreSQL does not answer on $PGHOST:5432 (hack/test-deps.sh starts it)"
	exit 1
fi

log "building"
$GO build -o bin/ ./cmd/nfvo ./cmd/vnfm
$GO build -o "$work/conformance" ./conformance

# make_db NAME sets DSN to the --db of server NAME, creating its database for postgres.
# (Functions here set globals rather than print: a $(...) subshell would lose pids and dbs.)
make_db() {
	if [ "$backend" = sqlite ]; then
		DSN="sqlite://$work/$1/cadenza.db"
		return
	fi
	local db="cadenza_conformance_$1_$$_$RANDOM"
	psql -h "$PGHOST" -U "$PGUSER" -q -X -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\"" postgres >/dev/null
	dbs+=("$db")
	DSN="postgres://$PGUSER@$PGHOST:5432/$db?sslmode=disable"
}

# The client and its secret reach the servers and the runner through the environment, never
# the command line, where any local user could read them.
secret=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
export MANO_OAUTH_CLIENT="conformance:$secret" CONFORMANCE_CLIENT_SECRET="$secret"

# start NAME: runs bin/NAME on a port the kernel picks and sets URL to its address once it
# serves.
start() {
	local name=$1
	make_db "$name"
	mkdir -p "$work/$name"
	local extra=()
	if [ "$name" = vnfm ] && [ -n "${CADENZA_KUBECONFIG:-}" ]; then
		extra=(--vim-kubeconfig "$CADENZA_KUBECONFIG")
	fi
	# Pages of 100: the runner's paging checks list more than one page of that.
	bin/"$name" --listen 127.0.0.1:0 --db "$DSN" --data-dir "$work/$name" --auth oauth2 \
		--log-format json --page-size 100 "${extra[@]}" >"$work/$name.log" 2>&1 &
	local pid=$! addr=""
	pids+=("$pid")
	for _ in $(seq 1 200); do
		addr=$(grep -o '"msg":"serving","addr":"[^"]*"' "$work/$name.log" 2>/dev/null | head -n 1 | sed 's/.*"addr":"//; s/"$//') || true
		[ -n "$addr" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$addr" ]; then
		log "$name did not start"
		return 1
	fi
	URL="http://$addr"
}

# ready URL waits until URL/readyz answers 200.
ready() {
	for _ in $(seq 1 200); do
		curl -fsS -o /dev/null "$1/readyz" 2>/dev/null && return 0
		sleep 0.05
	done
	log "$1 is not ready"
	return 1
}

start nfvo
nfvo=$URL
start vnfm
vnfm=$URL
ready "$nfvo"
ready "$vnfm"
log "NFVO $nfvo, VNFM $vnfm; running the checks"

runner=(--nfvo "$nfvo" --vnfm "$vnfm" --client-id conformance --package-sources "$PWD")
if [ -n "${CADENZA_KUBECONFIG:-}" ]; then
	log "instantiating on the Kubernetes VIM of $CADENZA_KUBECONFIG"
	runner+=(--instantiate)
fi
status=0
"$work/conformance" "${runner[@]}" "$@" || status=$?
exit "$status"
