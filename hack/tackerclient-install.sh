#!/bin/bash
# tackerclient-install.sh: installs the third-party SOL clients Cadenza is tested against, from
# Debian's packages (idempotent; the package lists are refreshed at most once):
#   python3-tackerclient    'openstack vnf package ...' and 'openstack vnflcm ...'
#   python3-openstackclient the 'openstack' command (tackerclient does not pull it in)
#   python3-tosca-parser    OpenStack's TOSCA parser, a reference for our TOSCA engine
#
# The commands run on Debian's /usr/bin/python3; a python3 earlier on PATH (pyenv, venv) does
# not see these modules. Point the client at a Cadenza server without Keystone with
#   OS_AUTH_TYPE=none OS_ENDPOINT=http://127.0.0.1:PORT openstack vnflcm list
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/apt.sh
. "$HERE/lib/apt.sh"

PACKAGES="python3-tackerclient python3-openstackclient python3-tosca-parser"

# shellcheck disable=SC2086
if [ -n "$(apt_missing $PACKAGES)" ]; then
	t0=$SECONDS
	# shellcheck disable=SC2086
	apt_install $PACKAGES
	echo "tackerclient-install: installed in $((SECONDS - t0)) s" >&2
fi
/usr/bin/python3 -c 'import tackerclient, toscaparser' ||
	{ echo "tackerclient-install: python modules missing after install" >&2; exit 1; }
command -v openstack >/dev/null || { echo "tackerclient-install: no openstack command" >&2; exit 1; }
echo "tackerclient-install: $(dpkg-query -W -f='${Package} ${Version}  ' $PACKAGES)" >&2
