#!/bin/bash
# k8s-testenv.sh: a real Kubernetes control plane on loopback for Cadenza's integration tests.
#
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl and KWOK are built
# from the Go module proxy (no Docker, no kubelet, no other downloads) and cached. KWOK fakes
# the nodes, so pods bound to them go Running. Several independent control planes may run at
# once (one per instance), and fake nodes can be spread over zones with topology labels.
#
# Usage: hack/k8s-testenv.sh [-i INSTANCE] COMMAND
#   build           build the binaries into the cache (skipped when present; ~9 min cold on 2 cores)
#   up              start a fresh control plane for the instance; prints the kubeconfig path
#   ensure          build if missing, up if not running (idempotent); prints the kubeconfig path
#   down            stop the instance and delete its state
#   down-all        stop every instance
#   status          processes of the instance and their RSS
#   list            every instance with its API URL and kubeconfig
#   env             print export lines (KUBECONFIG, CADENZA_KUBECONFIG) for the instance
#   kubeconfig      print the kubeconfig path of the instance (fails when it is not up)
#   add-nodes ZONE COUNT [REGION]
#                   add COUNT ready fake nodes in ZONE to a running instance
#   edge N          ensure N edge instances edge1..edgeN (region edgeK, zones edgeK-a and
#                   edgeK-b, one node each) and print 'export CADENZA_EDGE_KUBECONFIGS=...'
#
# Environment:
#   K8S_TESTENV_INSTANCE  instance name (default "default"); also -i NAME. Each instance has its
#                         own ports, data dir and kubeconfig.
#   K8S_TESTENV_SLOT      port slot (0..99) for the instance; default: the lowest free one.
#                         Ports: etcd 23790+10*slot (+1 peer, +2 metrics), API 16443+10*slot,
#                         kwok 10247+10*slot.
#   K8S_TESTENV_ZONES     fake nodes at 'up': comma-separated ZONE[:COUNT] (default "zone-a:1,zone-b:1")
#   K8S_TESTENV_REGION    topology.kubernetes.io/region of those nodes (default "region-1")
#   K8S_TESTENV_CACHE     binary cache (default ${XDG_CACHE_HOME:-~/.cache}/cadenza/k8s-testenv)
#   K8S_TESTENV_STATE     state root (default /tmp/cadenza-k8s-testenv); instance dir beneath
#   K8S_VERSION ETCD_VERSION KWOK_VERSION   module versions (1.37.2, 3.7.3, 0.8.0)
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-1.37.2}
ETCD_VERSION=${ETCD_VERSION:-3.7.3}
KWOK_VERSION=${KWOK_VERSION:-0.8.0}
CACHE=${K8S_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cadenza/k8s-testenv}
BIN=$CACHE/k8s$K8S_VERSION-etcd$ETCD_VERSION-kwok$KWOK_VERSION
STATE=${K8S_TESTENV_STATE:-/tmp/cadenza-k8s-testenv}
INSTANCE=${K8S_TESTENV_INSTANCE:-default}
ZONES=${K8S_TESTENV_ZONES:-zone-a:1,zone-b:1}
REGION=${K8S_TESTENV_REGION:-region-1}
SERVICE_CIDR=10.96.0.0/16 # data only: nothing routes to it
POD_CIDR=10.244.0.1/16    # data only: the pod IPs kwok writes into status

COMPONENTS="etcd kube-apiserver kube-controller-manager kube-scheduler kwok"
TOOLS="$COMPONENTS kubectl"

log() { echo "[$(date +%H:%M:%S)] k8s-testenv[$INSTANCE]: $*" >&2; }
die() { log "error: $*"; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- build ------------------------------------------------------------------------------------

binaries_present() {
	local c
	for c in $TOOLS; do [ -x "$BIN/$c" ] || return 1; done
	[ -f "$BIN/kwok-stages.yaml" ]
}

# write_wrapper_module DIR: a module that requires kubernetes, etcd and kwok. The kubernetes
# module replaces its staging modules with local paths; a dependency's replace directives are
# ignored, so the wrapper pins each staging module to the matching published version.
write_wrapper_module() {
	local dir=$1 staging="v0.${K8S_VERSION#1.}" gomod
	gomod=$(cd "$dir" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" |
		sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')
	[ -f "$gomod" ] || die "cannot download k8s.io/kubernetes@v$K8S_VERSION"
	{
		printf 'module cadenzak8stestenv\n\ngo 1.26.0\n\nrequire (\n'
		printf '\tgo.etcd.io/etcd/server/v3 v%s\n' "$ETCD_VERSION"
		printf '\tk8s.io/kubernetes v%s\n' "$K8S_VERSION"
		printf '\tsigs.k8s.io/kwok v%s\n)\n\nreplace (\n' "$KWOK_VERSION"
		sed -n '/^replace (/,/^)/p' "$gomod" |
			awk -v v="$staging" '$2 == "=>" && $3 ~ /^\.\/staging/ { print "\t" $1 " => " $1 " " v }'
		printf ')\n'
	} >"$dir/go.mod"
	mkdir -p "$dir/etcd"
	# etcd's root module (its main package) is not on the proxy; etcdmain is the same entry point.
	cat >"$dir/etcd/main.go" <<'EOF'
// Command etcd runs the etcd server from the published server module.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
	cat >"$dir/tools.go" <<'EOF'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
EOF
	(cd "$dir" && go mod tidy)
}

# kwok_stages: the default stages (node init and lease heartbeat, pod ready/complete/delete)
# from the kwok module source; the kwok controller does nothing without them.
kwok_stages() {
	local src f
	src=$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/kwok@v$KWOK_VERSION" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')/kustomize/stage
	for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
		pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
		[ -f "$src/$f" ] || die "kwok stage $f missing in $src"
		echo '---'
		cat "$src/$f"
	done
}

do_build() {
	binaries_present && { log "binaries present in $BIN"; return 0; }
	command -v go >/dev/null || die "go not found on PATH"
	mkdir -p "$CACHE"
	exec 8>"$CACHE/.build.lock"
	flock -w 5400 8 || die "another build holds $CACHE/.build.lock" # wait for a running build
	binaries_present && { log "binaries built by another process in $BIN"; return 0; }
	local work t0 minor ver ldflags
	work=$(mktemp -d /tmp/cadenza-k8s-build.XXXXXX)
	t0=$(now_ms)
	log "build: kubernetes $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION (cold: ~9 min on 2 cores)"
	write_wrapper_module "$work"
	log "build: modules resolved after $(($(now_ms) - t0)) ms; compiling"
	minor=$(echo "$K8S_VERSION" | cut -d. -f2)
	ver=k8s.io/component-base/version
	ldflags="-s -w -X $ver.gitVersion=v$K8S_VERSION -X $ver.gitMajor=1 -X $ver.gitMinor=$minor -X $ver.gitTreeState=clean"
	rm -rf "$BIN.tmp"
	mkdir -p "$BIN.tmp"
	# One go build for all six compiles the shared packages once and keeps both cores busy.
	(cd "$work" && go build -trimpath -ldflags "$ldflags" -o "$BIN.tmp/" \
		k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
		k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl \
		sigs.k8s.io/kwok/cmd/kwok ./etcd)
	kwok_stages >"$BIN.tmp/kwok-stages.yaml"
	rm -rf "$BIN"
	mv "$BIN.tmp" "$BIN"
	rm -rf "$work"
	log "build: done in $(($(now_ms) - t0)) ms -> $BIN"
}

# --- instance state -------------------------------------------------------------------------

D=$STATE/$INSTANCE

set_ports() {
	local slot=$1
	ETCD_PORT=$((23790 + 10 * slot))
	API_PORT=$((16443 + 10 * slot))
	KWOK_PORT=$((10247 + 10 * slot))
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

slot_free() { # slot: no other instance holds it and its ports are closed
	local s=$1 f
	for f in "$STATE"/*/slot; do
		[ -f "$f" ] || continue
		[ "$(dirname "$f")" = "$D" ] && continue
		[ "$(cat "$f")" = "$s" ] && return 1
	done
	set_ports "$s"
	! port_busy "$ETCD_PORT" && ! port_busy $((ETCD_PORT + 1)) && ! port_busy $((ETCD_PORT + 2)) &&
		! port_busy "$API_PORT" && ! port_busy "$KWOK_PORT"
}

# pick_slot: the instance's slot, from K8S_TESTENV_SLOT, its earlier run, or the lowest free one.
# Called with the state lock held.
pick_slot() {
	local s
	if [ -n "${K8S_TESTENV_SLOT:-}" ]; then
		[[ $K8S_TESTENV_SLOT =~ ^[0-9]{1,2}$ ]] || die "K8S_TESTENV_SLOT must be 0..99"
		slot_free "$K8S_TESTENV_SLOT" || die "slot $K8S_TESTENV_SLOT is in use"
		echo "$K8S_TESTENV_SLOT"
		return
	fi
	if [ -f "$D/slot" ] && slot_free "$(cat "$D/slot")"; then
		cat "$D/slot"
		return
	fi
	for ((s = 0; s < 100; s++)); do
		slot_free "$s" && { echo "$s"; return; }
	done
	die "no free port slot"
}

load_slot() {
	[ -f "$D/slot" ] || die "instance not set up (run 'up' first)"
	set_ports "$(cat "$D/slot")"
	TOKEN=$(cut -d, -f1 "$D/pki/tokens.csv")
}

alive() { # component: its recorded process runs (zombies count as gone)
	local p s
	[ -f "$D/pids/$1.pid" ] || return 1
	p=$(cat "$D/pids/$1.pid")
	s=$(ps -o stat= -p "$p" 2>/dev/null) || return 1
	[ "${s#Z}" = "$s" ]
}

all_alive() {
	local c
	for c in $COMPONENTS; do alive "$c" || return 1; done
}

# --- up ---------------------------------------------------------------------------------------

start() { # name cmd...: run in the background, log and pid under the instance dir
	local name=$1
	shift
	# the lock descriptors stay with this script: a daemon holding them would hold the locks
	setsid "$@" >"$D/logs/$name.log" 2>&1 </dev/null 7>&- 8>&- 9>&- &
	echo $! >"$D/pids/$name.pid"
}

wait_for() { # name timeout_s cmd...: fails with the log tail if the process dies or time runs out
	local name=$1 timeout=$2 i
	shift 2
	for ((i = 0; i < timeout * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		alive "$name" || { tail -30 "$D/logs/$name.log" >&2; die "$name exited"; }
		sleep 0.1
	done
	tail -30 "$D/logs/$name.log" >&2
	die "$name not ready after ${timeout}s"
}

gen_pki() {
	local p=$D/pki
	mkdir -p "$p"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$p/ca.key" -out "$p/ca.crt" -days 3650 \
		-subj "/CN=cadenza-k8s-testenv-$INSTANCE" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -keyout "$p/apiserver.key" -out "$p/apiserver.csr" \
		-subj /CN=kube-apiserver 2>/dev/null
	printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
		'extendedKeyUsage=serverAuth' \
		'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc' \
		>"$p/apiserver.ext"
	openssl x509 -req -in "$p/apiserver.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial \
		-days 3650 -extfile "$p/apiserver.ext" -out "$p/apiserver.crt" 2>/dev/null
	openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
	openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
	# one static-token user in system:masters; the token only ever lives in this dir
	echo "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'),admin,admin,system:masters" >"$p/tokens.csv"
	chmod 600 "$p"/*.key "$p/tokens.csv"
}

write_kubeconfig() {
	local name=cadenza-$INSTANCE
	umask 077
	cat >"$D/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $name
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(base64 -w0 <"$D/pki/ca.crt")
users:
- name: admin
  user:
    token: $TOKEN
contexts:
- name: $name
  context: {cluster: $name, user: admin}
current-context: $name
EOF
	umask 022
}

api() { # method path [json-body]
	curl -sf --cacert "$D/pki/ca.crt" -H "Authorization: Bearer $TOKEN" -X "$1" \
		-H 'Content-Type: application/json' ${3:+--data "$3"} "https://127.0.0.1:$API_PORT$2"
}

start_etcd() {
	start etcd "$BIN/etcd" --name="$INSTANCE" --data-dir="$D/etcd" \
		--listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
		--listen-peer-urls="http://127.0.0.1:$((ETCD_PORT + 1))" \
		--initial-advertise-peer-urls="http://127.0.0.1:$((ETCD_PORT + 1))" \
		--initial-cluster="$INSTANCE=http://127.0.0.1:$((ETCD_PORT + 1))" \
		--listen-metrics-urls="http://127.0.0.1:$((ETCD_PORT + 2))" \
		--unsafe-no-fsync --quota-backend-bytes=$((2 << 30)) --log-level=warn
	wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"
}

start_apiserver() {
	# endpoint-reconciler none: a loopback address cannot go into the kubernetes Endpoints
	start kube-apiserver "$BIN/kube-apiserver" \
		--etcd-servers="http://127.0.0.1:$ETCD_PORT" --etcd-prefix="/registry-$INSTANCE" \
		--bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
		--tls-cert-file="$D/pki/apiserver.crt" --tls-private-key-file="$D/pki/apiserver.key" \
		--client-ca-file="$D/pki/ca.crt" --token-auth-file="$D/pki/tokens.csv" \
		--authorization-mode=Node,RBAC \
		--service-account-issuer=https://kubernetes.default.svc \
		--service-account-key-file="$D/pki/sa.pub" --service-account-signing-key-file="$D/pki/sa.key" \
		--service-cluster-ip-range="$SERVICE_CIDR" --endpoint-reconciler-type=none \
		--enable-priority-and-fairness=false --profiling=false
	wait_for kube-apiserver 90 api GET /readyz
}

start_clients() {
	# Request rates and sync workers sized for many VNFs at once: at the defaults (20 requests a
	# second, 5 deployment and replica set workers) the controllers, not the MANO, set the pace
	# of a thousand concurrent instantiations. With 20 workers they still did: on 2 cores the
	# last of 1,000 pods was created 55-77 s after the start, with 100 after 45 s.
	start kube-controller-manager "$BIN/kube-controller-manager" \
		--kubeconfig="$D/kubeconfig" --leader-elect=false --secure-port=0 \
		--service-account-private-key-file="$D/pki/sa.key" --root-ca-file="$D/pki/ca.crt" \
		--use-service-account-credentials=false \
		--kube-api-qps=1000 --kube-api-burst=2000 \
		--concurrent-deployment-syncs=100 --concurrent-replicaset-syncs=100 --concurrent-namespace-syncs=20
	start kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$D/kubeconfig" --leader-elect=false --secure-port=0 \
		--kube-api-qps=400 --kube-api-burst=800
	# kwok plays the pods' stages 4 at a time by default; with a thousand pods arriving in 30 s
	# pods became Ready 20 s (p50) after they were created. A configuration replaces every
	# default of its options, so the other parallelisms are kwok's defaults written out.
	cat >"$D/kwok.yaml" <<'EOF'
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  podPlayStageParallelism: 32
  nodePlayStageParallelism: 4
  nodeLeaseParallelism: 4
  podsOnNodeSyncParallelism: 1
EOF
	start kwok "$BIN/kwok" --kubeconfig="$D/kubeconfig" --config="$BIN/kwok-stages.yaml" --config="$D/kwok.yaml" \
		--manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
		--node-lease-duration-seconds=40 --cidr="$POD_CIDR" --node-ip=127.0.0.1 \
		--server-address="127.0.0.1:$KWOK_PORT"
}

valid_label() { [[ $1 =~ ^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$ ]]; }

node_ready() { api GET "/api/v1/nodes/$1" | tr -d ' \n' | grep -q '"type":"Ready","status":"True"'; }

# add_nodes ZONE COUNT REGION: untainted fake nodes kwok-ZONE-N with topology labels, so the
# MANO's ordinary Deployments land on them without tolerations.
add_nodes() {
	local zone=$1 count=$2 region=$3 i n name
	valid_label "$zone" || die "bad zone name '$zone'"
	valid_label "$region" || die "bad region name '$region'"
	[[ $count =~ ^[0-9]{1,3}$ ]] || die "bad node count '$count'"
	n=$(api GET "/api/v1/nodes?labelSelector=topology.kubernetes.io/zone%3D$zone" | { grep -o '"kubernetes.io/hostname"' || true; } | wc -l)
	for ((i = n; i < n + count; i++)); do
		name=kwok-$zone-$i
		api POST /api/v1/nodes "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"$name\",
			\"annotations\":{\"kwok.x-k8s.io/node\":\"fake\"},
			\"labels\":{\"type\":\"kwok\",\"kubernetes.io/hostname\":\"$name\",\"kubernetes.io/os\":\"linux\",
			\"kubernetes.io/arch\":\"amd64\",\"topology.kubernetes.io/zone\":\"$zone\",
			\"topology.kubernetes.io/region\":\"$region\"}}}" >/dev/null || die "cannot create node $name"
	done
	for ((i = n; i < n + count; i++)); do wait_for kwok 60 node_ready "kwok-$zone-$i"; done
}

# do_up MODE: start the instance afresh. MODE "ensure" keeps an instance that is ready; "up"
# refuses it. A per-instance lock serialises concurrent callers; the state lock covers only
# picking a port slot until the ports are bound.
do_up() {
	local mode=$1 slot t0 spec zone count
	binaries_present || do_build
	mkdir -p "$STATE"
	exec 7>"$STATE/.$INSTANCE.lock"
	flock -w 300 7 || die "another process holds $STATE/.$INSTANCE.lock"
	if all_alive && [ -f "$D/ready" ]; then
		load_slot
		if api GET /readyz >/dev/null 2>&1; then
			[ "$mode" = ensure ] || die "already running; run 'down' first (or 'ensure')"
			log "already running"
			echo "$D/kubeconfig"
			return
		fi
	fi
	stop_all
	exec 9>"$STATE/.lock"
	flock -w 300 9 || die "another process holds $STATE/.lock"
	slot=$(pick_slot)
	rm -rf "$D"
	mkdir -p "$D/logs" "$D/pids"
	echo "$slot" >"$D/slot"
	set_ports "$slot"
	t0=$(now_ms)
	gen_pki
	TOKEN=$(cut -d, -f1 "$D/pki/tokens.csv")
	write_kubeconfig
	start_etcd
	log "etcd :$ETCD_PORT healthy after $(($(now_ms) - t0)) ms"
	start_apiserver
	flock -u 9 # the ports are taken now; other instances may start
	log "kube-apiserver :$API_PORT ready after $(($(now_ms) - t0)) ms"
	start_clients
	for spec in ${ZONES//,/ }; do
		zone=${spec%%:*}
		count=1
		[ "$spec" != "$zone" ] && count=${spec#*:}
		add_nodes "$zone" "$count" "$REGION"
	done
	# kcm works once its serviceaccount controller made the default SA, which pods need
	wait_for kube-controller-manager 60 api GET /api/v1/namespaces/default/serviceaccounts/default
	alive kube-scheduler || { tail -30 "$D/logs/kube-scheduler.log" >&2; die "kube-scheduler exited"; }
	touch "$D/ready"
	flock -u 7
	log "usable after $(($(now_ms) - t0)) ms (zones $ZONES, region $REGION)"
	echo "$D/kubeconfig"
}

# --- down / status ----------------------------------------------------------------------------

stop() { # SIGTERM the named components, SIGKILL what is left after 3 s
	local c p i left pids=""
	for c in "$@"; do
		[ -f "$D/pids/$c.pid" ] || continue
		p=$(cat "$D/pids/$c.pid")
		alive "$c" && kill "$p" 2>/dev/null && pids="$pids $p"
		rm -f "$D/pids/$c.pid"
	done
	for ((i = 0; i < 30; i++)); do
		left=""
		for p in $pids; do
			s=$(ps -o stat= -p "$p" 2>/dev/null) && [ "${s#Z}" = "$s" ] && left="$left $p"
		done
		pids=$left
		[ -z "$pids" ] && return 0
		sleep 0.1
	done
	# kube-apiserver waits up to a minute for open watches to drain
	kill -9 $pids 2>/dev/null || true
}

stop_all() { # clients first, then the apiserver, then etcd
	stop kwok kube-scheduler kube-controller-manager
	stop kube-apiserver
	stop etcd
}

do_down() {
	[ -d "$D" ] || { log "not running"; return 0; }
	stop_all
	rm -rf "$D"
	log "stopped"
}

do_down_all() {
	local dir
	for dir in "$STATE"/*/; do
		[ -d "$dir" ] || continue
		INSTANCE=$(basename "$dir")
		D=$STATE/$INSTANCE
		do_down
	done
}

do_status() {
	local c p rc=0
	for c in $COMPONENTS; do
		if alive "$c"; then
			p=$(cat "$D/pids/$c.pid")
			echo "$INSTANCE $c running pid=$p rss=$(($(ps -o rss= -p "$p") / 1024))MiB"
		else
			echo "$INSTANCE $c not running"
			rc=1
		fi
	done
	return $rc
}

do_edge() {
	local n=$1 i inst paths=""
	[[ $n =~ ^[1-9]$ ]] || die "edge count must be 1..9"
	for ((i = 1; i <= n; i++)); do
		inst=edge$i
		K8S_TESTENV_ZONES="$inst-a:1,$inst-b:1" K8S_TESTENV_REGION=$inst K8S_TESTENV_SLOT='' \
			"$0" -i "$inst" ensure >/dev/null
		paths="$paths${paths:+:}$STATE/$inst/kubeconfig"
	done
	echo "export CADENZA_EDGE_KUBECONFIGS=$paths"
}

do_list() {
	local dir
	for dir in "$STATE"/*/; do
		[ -f "$dir/slot" ] || continue
		INSTANCE=$(basename "$dir")
		D=$STATE/$INSTANCE
		set_ports "$(cat "$D/slot")"
		if all_alive; then
			echo "$INSTANCE https://127.0.0.1:$API_PORT $D/kubeconfig"
		else
			echo "$INSTANCE stopped $D/kubeconfig"
		fi
	done
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }

# main is parsed whole before it runs, so editing this file cannot derail a running copy.
main() {
	if [ "${1:-}" = -i ]; then
		[ $# -ge 2 ] || usage
		INSTANCE=$2
		shift 2
	fi
	valid_label "$INSTANCE" || die "instance name must be a DNS label"
	D=$STATE/$INSTANCE

	case "${1:-}" in
	build) do_build ;;
	up) do_up up ;;
	ensure) do_up ensure ;;
	down) do_down ;;
	down-all) do_down_all ;;
	status) do_status ;;
	list) do_list ;;
	env)
		echo "export KUBECONFIG=$D/kubeconfig"
		echo "export CADENZA_KUBECONFIG=$D/kubeconfig"
		;;
	kubeconfig)
		[ -f "$D/kubeconfig" ] || die "not running (run 'ensure')"
		echo "$D/kubeconfig"
		;;
	edge)
		[ $# -ge 2 ] || usage
		do_build
		do_edge "$2"
		;;
	add-nodes)
		[ $# -ge 3 ] || usage
		all_alive || die "not running"
		load_slot
		exec 7>"$STATE/.$INSTANCE.lock"
		flock -w 300 7 || die "another process holds $STATE/.$INSTANCE.lock"
		add_nodes "$2" "$3" "${4:-$REGION}"
		;;
	*) usage ;;
	esac
}

main "$@"; exit
