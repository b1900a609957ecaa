#!/bin/bash
# run-local.sh: the main job on one machine: the NFVO (127.0.0.1:9880) and the VNFM
# (127.0.0.1:9890), each on its own embedded SQLite database under $DATA (default .run/), with
# OAuth 2.0 on and one client that may use every API, and the local Kubernetes test control
# plane registered in the NFVO as its default VIM ($DATA/vims.json). The VNFM fetches packages
# from the NFVO and asks it for grants over SOL 003; the grants send it to that VIM.
# Ctrl-C stops the servers (the control plane keeps running: hack/k8s-testenv.sh down).
#
#   AUTH=none hack/run-local.sh     run without authorisation (for curl and noauth clients)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-$PWD/.run}
AUTH=${AUTH:-oauth2}
mkdir -p "$DATA"
[ -x bin/nfvo ] && [ -x bin/vnfm ] || go build -o bin/ ./cmd/nfvo ./cmd/vnfm

if [ ! -s "$DATA/client-secret" ]; then
	(umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$DATA/client-secret")
fi
SECRET=$(cat "$DATA/client-secret")
export MANO_AUTH=$AUTH MANO_OAUTH_CLIENT="cadenza:$SECRET" MANO_LOG_FORMAT=${MANO_LOG_FORMAT:-text}
KUBECONFIG_VIM=$(hack/k8s-testenv.sh ensure)

# The NFVO's VIM registry: the test control plane, from its kubeconfig (server, CA, token),
# in a file only this user reads; the NFVO seals the token in its database.
(umask 077; python3 - "$KUBECONFIG_VIM" >"$DATA/vims.json" <<'PY'
import base64, json, sys, yaml
kc = yaml.safe_load(open(sys.argv[1]))
cluster, user = kc["clusters"][0]["cluster"], kc["users"][0]["user"]
print(json.dumps({"vims": [{
    "id": "k8s-testenv", "name": "Kubernetes test control plane", "vimType": "kubernetes",
    "default": True, "zones": ["zone-a", "zone-b"],
    "interfaceInfo": {"endpoint": cluster["server"],
                      "ssl_ca_cert": base64.b64decode(cluster["certificate-authority-data"]).decode()},
    "accessInfo": {"bearer_token": user["token"]}}]}, indent=2))
PY
)

# The NFVO follows the VNFM's instances (package usageState) through its notifications; it
# subscribes once the VNFM answers.
nfvo_args=(--data-dir "$DATA/nfvo" --vims "$DATA/vims.json" --vnfm-url http://127.0.0.1:9890)
if [ "$AUTH" = oauth2 ]; then
	nfvo_args+=(--vnfm-client "cadenza:$SECRET")
fi
bin/nfvo "${nfvo_args[@]}" &
nfvo=$!
# The VNFM trusts tokens issued by the NFVO, so one token serves both, and
# uses the same client to fetch packages from the NFVO.
vnfm_args=(--data-dir "$DATA/vnfm" --nfvo-url http://127.0.0.1:9880 --vim-kubeconfig "$KUBECONFIG_VIM")
if [ "$AUTH" = oauth2 ]; then
	vnfm_args+=(--oauth-issuer http://127.0.0.1:9880 --oauth-jwks http://127.0.0.1:9880/oauth2/jwks
		--nfvo-client "cadenza:$SECRET")
fi
bin/vnfm "${vnfm_args[@]}" &
vnfm=$!
trap 'kill $nfvo $vnfm 2>/dev/null; wait' INT TERM EXIT

for url in http://127.0.0.1:9880/readyz http://127.0.0.1:9890/readyz; do
	for _ in $(seq 1 100); do curl -fsS "$url" >/dev/null 2>&1 && break; sleep 0.1; done
done
cat >&2 <<MSG

  NFVO  http://127.0.0.1:9880    VNFM  http://127.0.0.1:9890    data in $DATA
  VIM   Kubernetes test control plane (NFVO default VIM, $DATA/vims.json), kubeconfig $KUBECONFIG_VIM
  Each server issues tokens for its own APIs (client "cadenza", secret in $DATA/client-secret):
    token() { curl -s -u cadenza:\$(cat $DATA/client-secret) -d grant_type=client_credentials \\
      http://127.0.0.1:\$1/oauth2/token | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }
    curl -H "Authorization: Bearer \$(token 9880)" http://127.0.0.1:9880/vnfpkgm/v1/vnf_packages
    curl -H "Authorization: Bearer \$(token 9890)" http://127.0.0.1:9890/vnflcm/v2/vnf_instances

MSG
wait -n $nfvo $vnfm
