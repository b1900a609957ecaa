# shellcheck shell=bash
# apt.sh: idempotent Debian package installs for the test environment scripts (sourced).
#
# apt_install PKG...: installs the packages that are not installed yet. The package lists are
# refreshed at most once: only when they are missing or older than APT_MAX_AGE_MIN minutes
# (default 360), or when an install from the current lists fails.

APT_STAMP=${APT_STAMP:-/var/lib/apt/cadenza-update-stamp}
APT_MAX_AGE_MIN=${APT_MAX_AGE_MIN:-360}
_apt_updated=0

apt_missing() { # PKG...: prints the packages that are not installed
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
	done
}

apt_update_once() {
	[ "$_apt_updated" = 1 ] && return 0
	apt-get update -q
	touch "$APT_STAMP"
	_apt_updated=1
}

apt_lists_fresh() {
	[ -f "$APT_STAMP" ] && [ -n "$(find "$APT_STAMP" -mmin -"$APT_MAX_AGE_MIN" 2>/dev/null)" ] &&
		ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1
}

apt_install() {
	local missing
	missing=$(apt_missing "$@")
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || { echo "apt_install: must run as root to install: $missing" >&2; return 1; }
	apt_lists_fresh || apt_update_once
	# shellcheck disable=SC2086 # one word per package
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing; then
		[ "$_apt_updated" = 1 ] && return 1
		apt_update_once
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
	fi
}
