#!/bin/bash
# tackerclient-vnfpkg.sh: Debian's python3-tackerclient ('openstack vnf package ...'), unchanged,
# against a real NFVO: create, upload, show, list (with a filter), update, download (package,
# VNFD, artifact) and delete, each result checked. Starts its own NFVO on a free port with a
# throw-away SQLite database (auth none: the client's noauth plugin sends X-Auth-Token: notused).
set -euo pipefail
cd "$(dirname "$0")/.."
HERE=$PWD

command -v openstack >/dev/null || { echo "tackerclient-vnfpkg: 'openstack' missing: run hack/tackerclient-install.sh" >&2; exit 1; }
WORK=$(mktemp -d)
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pass=0 fail=0
cleanup() { [ -n "${NFVO_PID:-}" ] && kill "$NFVO_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
ok() { pass=$((pass + 1)); echo "  ok    $*"; }
bad() { fail=$((fail + 1)); echo "  FAIL  $*"; }
check() { # DESCRIPTION COMMAND...: the command must succeed
	local what=$1; shift
	if out=$("$@" 2>&1); then ok "$what"; else bad "$what: $out"; fi
}
jget() { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get(sys.argv[1], ""))' "$1"; }

go build -o "$WORK/bin/" ./cmd/nfvo ./internal/catalog/csartest/mkcsar
"$WORK/bin/mkcsar" testdata/packages/cnf-manifests "$WORK/cnf.zip"
"$WORK/bin/nfvo" --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" --auth none --log-format text 2>"$WORK/nfvo.log" &
NFVO_PID=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

# Only our OS_* settings: inherited ones (a cloud's credentials) would confuse the client.
while read -r v; do unset "$v"; done < <(compgen -e | grep '^OS_' || true)
export OS_AUTH_TYPE=none OS_ENDPOINT=http://127.0.0.1:$PORT
os() { openstack "$@"; }

echo "python3-tackerclient $(dpkg-query -W -f='${Version}' python3-tackerclient 2>/dev/null) against the NFVO on :$PORT"
PKG=$(os vnf package create --user-data owner=ci -f json | jget ID)
[ -n "$PKG" ] && ok "vnf package create -> $PKG" || bad "vnf package create gave no ID"
check "vnf package upload" os vnf package upload --path "$WORK/cnf.zip" "$PKG"
# Onboarding runs after the upload is accepted: wait for it as a user would.
for _ in $(seq 1 60); do
	SHOW=$(os vnf package show "$PKG" -f json)
	state=$(jget "Onboarding State" <<<"$SHOW")
	[ "$state" = PROCESSING ] || [ "$state" = UPLOADING ] || break
	sleep 0.5
done
vnfd=$(jget "VNFD ID" <<<"$SHOW")
[ "$state" = ONBOARDED ] && [ "$vnfd" = 6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f41 ] &&
	ok "vnf package show: ONBOARDED, vnfdId $vnfd" || bad "vnf package show: state '$state' vnfdId '$vnfd': $SHOW"
LIST=$(os vnf package list -f json)
grep -q "$PKG" <<<"$LIST" && ok "vnf package list" || bad "vnf package list lacks $PKG: $LIST"
LIST=$(os vnf package list --filter '(eq,onboardingState,CREATED)' -f json)
! grep -q "$PKG" <<<"$LIST" && ok "vnf package list --filter excludes it" || bad "filter kept $PKG: $LIST"
check "vnf package update ENABLED + user data" os vnf package update --operational-state ENABLED --user-data tier=gold "$PKG"
SHOW=$(os vnf package show "$PKG" -f json)
[ "$(jget "Operational State" <<<"$SHOW")" = ENABLED ] && grep -q gold <<<"$SHOW" &&
	ok "update visible in show" || bad "update not visible: $SHOW"
check "vnf package download" os vnf package download "$PKG" --file "$WORK/dl.zip"
cmp -s "$WORK/cnf.zip" "$WORK/dl.zip" && ok "downloaded package is byte-identical" || bad "downloaded package differs"
check "vnf package download --vnfd --type text/plain" os vnf package download "$PKG" --vnfd --type text/plain --file "$WORK/vnfd.yaml"
grep -q "descriptor_id: 6f1d2c3b" "$WORK/vnfd.yaml" && ok "downloaded VNFD is the YAML" || bad "VNFD: $(head -c 200 "$WORK/vnfd.yaml")"
check "vnf package artifact download" os vnf package artifact download "$PKG" Files/kubernetes/service.yaml --file "$WORK/svc.yaml"
cmp -s testdata/packages/cnf-manifests/Files/kubernetes/service.yaml "$WORK/svc.yaml" && ok "artifact is byte-identical" || bad "artifact differs"
if out=$(os vnf package delete "$PKG" 2>&1); then bad "delete of an ENABLED package succeeded"; else
	grep -qi "ENABLED" <<<"$out" && ok "delete while ENABLED refused with the reason" || bad "refusal unclear: $out"; fi
check "vnf package update DISABLED" os vnf package update --operational-state DISABLED "$PKG"
check "vnf package delete" os vnf package delete "$PKG"
if os vnf package show "$PKG" >/dev/null 2>&1; then bad "package still there after delete"; else ok "gone after delete"; fi

echo "tackerclient-vnfpkg: $pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "--- nfvo log (tail) ---"; tail -20 "$WORK/nfvo.log"; exit 1; }
