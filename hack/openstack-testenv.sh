#!/bin/bash
# openstack-testenv.sh: a real OpenStack on loopback for Cadenza's integration tests.
#
# Debian's packages (bookworm: OpenStack Zed): Keystone, Glance (file store), Placement, Nova
# (api, conductor, scheduler, and compute with the fake virt driver), Neutron (ML2 with a small
# mechanism driver that binds every port, no agents, no dataplane), Cinder (api, scheduler, and
# volume with the fake driver of Cinder's own tests: volumes live in its database only) and
# Heat. They use the
# MariaDB (root, empty password, 127.0.0.1:3306) and RabbitMQ (guest/guest, 127.0.0.1:5672)
# of the machine, which are started when they are not running. Every API listens on 127.0.0.1.
#
# Usage: hack/openstack-testenv.sh COMMAND
#   install     Debian packages (idempotent; ~2-3 min the first time)
#   configure   configs under /etc, databases, migrations, Keystone users and catalog
#               (idempotent; ~1 min)
#   up          start every service that is not running and wait until all APIs answer
#               and nova-compute reports
#   ensure      install, configure and up, each only when needed
#   down        stop the services started by 'up' (MariaDB and RabbitMQ are left running)
#   status      which APIs answer, RSS per service
#   env         print export lines: OS_* variables, OS_CLIENT_CONFIG_FILE and OS_CLOUD
#
# Environment: OS_TESTENV_RUN (pids and logs, default /tmp/cadenza-openstack-testenv),
# OS_TESTENV_STATE (password, clouds.yaml, default /var/lib/cadenza-openstack-testenv).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/apt.sh
. "$HERE/lib/apt.sh"

RUN=${OS_TESTENV_RUN:-/tmp/cadenza-openstack-testenv}
STATE=${OS_TESTENV_STATE:-/var/lib/cadenza-openstack-testenv}
LOG=$RUN/logs
CONFIG_REV=3 # bump when write_configs or the catalog changes, so 'ensure' configures again
KS=http://127.0.0.1:5000
REGION=RegionOne
VHOST=cadenza-openstack
RABBIT="rabbit://guest:guest@127.0.0.1:5672/$VHOST"
PY=/usr/bin/python3 # Debian's python, whatever python3 is first on PATH
DBP=os_             # database name prefix, apart from other users of the shared MariaDB
SITE=/usr/local/lib/python3.11/dist-packages
COMPUTES=${OS_TESTENV_COMPUTES:-2} # fake compute hosts cadenza-compute-N, each in availability zone az-N
SERVICES="keystone placement glance-api nova-api nova-conductor nova-scheduler neutron-server heat-api heat-engine"
SERVICES="$SERVICES cinder-api cinder-scheduler cinder-volume"
for ((i = 1; i <= COMPUTES; i++)); do SERVICES="$SERVICES nova-compute-$i"; done
APIS="$KS/v3 http://127.0.0.1:8778/ http://127.0.0.1:9292/versions http://127.0.0.1:8774/v2.1 http://127.0.0.1:9696/ http://127.0.0.1:8004/
	http://127.0.0.1:8776/"
PACKAGES="python3-pymysql keystone glance placement-api nova-api nova-conductor nova-scheduler
	neutron-common heat-api heat-engine uwsgi-core uwsgi-plugin-python3 python3-keystoneclient
	cinder-api cinder-scheduler"

log() { echo "[$(date +%H:%M:%S)] openstack-testenv: $*" >&2; }
die() { log "error: $*"; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "run as root (it writes /etc and starts system services)"; }

# --- install ----------------------------------------------------------------------------------

do_install() {
	need_root
	local t0=$SECONDS
	# nova-compute (the package) is left out: it pulls in libvirt and qemu. python3-nova has all
	# the fake driver needs. /usr/bin/neutron-server comes from neutron-common. cinder-volume
	# (the package) is left out too: it pulls in LVM and iSCSI tools the fake volume driver
	# never runs; python3-cinder has the service.
	# shellcheck disable=SC2086
	[ -z "$(apt_missing $PACKAGES)" ] && { log "packages installed"; return 0; }
	# postinst scripts must not start services through the init scripts
	local policy=/usr/sbin/policy-rc.d own_policy=0
	if [ ! -e $policy ]; then
		printf '#!/bin/sh\nexit 101\n' >$policy
		chmod +x $policy
		own_policy=1
	fi
	# Every debconf question about databases, Keystone registration and endpoints defaults
	# to false, so the packages leave the databases alone.
	# shellcheck disable=SC2086
	apt_install $PACKAGES || { [ $own_policy = 1 ] && rm -f $policy; die "apt-get install failed"; }
	[ $own_policy = 1 ] && rm -f $policy
	log "install done in $((SECONDS - t0)) s"
}

# --- MariaDB and RabbitMQ of the machine --------------------------------------------------------

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_until() { # timeout_s what cmd...
	local timeout=$1 what=$2 end=$((SECONDS + $1))
	shift 2
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || die "$what not ready after ${timeout}s"
		sleep 0.5
	done
}

start_infra() {
	if ! mysqladmin -uroot -h127.0.0.1 ping >/dev/null 2>&1; then
		log "starting MariaDB"
		install -d -o mysql -g mysql /run/mysqld
		start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
		wait_until 60 MariaDB mysqladmin -uroot -h127.0.0.1 ping
	fi
	# ten services with small connection pools: the default of 151 connections is too few
	mysql -uroot -h127.0.0.1 -e 'SET GLOBAL max_connections = GREATEST(@@max_connections, 1000)'
	if ! port_open 5672; then
		log "starting RabbitMQ"
		rabbitmq-server -detached
		wait_until 120 RabbitMQ port_open 5672
		timeout 120 rabbitmqctl -q await_startup >/dev/null
	fi
}

setup_vhost() { # the services' own RabbitMQ virtual host, apart from other users of the broker
	timeout 120 rabbitmqctl -q await_startup >/dev/null
	local vhosts
	vhosts=$(rabbitmqctl -q list_vhosts)
	if ! grep -qx "$VHOST" <<<"$vhosts"; then
		rabbitmqctl -q add_vhost "$VHOST" >/dev/null
	fi
	rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*' >/dev/null
}

# --- configure ----------------------------------------------------------------------------------

password() { # the admin, service and database password, made once per machine
	if [ ! -s "$STATE/password" ]; then
		mkdir -p "$STATE"
		(umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$STATE/password")
	fi
	cat "$STATE/password"
}

authtoken() { # service user
	cat <<EOF
[keystone_authtoken]
www_authenticate_uri = $KS
auth_url = $KS
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $PW
EOF
}

svcauth() { # section user
	cat <<EOF
[$1]
auth_type = password
auth_url = $KS
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $2
password = $PW
region_name = $REGION
EOF
}

write_keystone_glance_placement() {
	cat >/etc/keystone/keystone.conf <<EOF
[database]
connection = $DB/${DBP}keystone
[token]
provider = fernet
[fernet_tokens]
key_repository = /etc/keystone/fernet-keys/
[credential]
key_repository = /etc/keystone/credential-keys/
EOF
	{
		cat <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9292
workers = 0
[database]
connection = $DB/${DBP}glance
[paste_deploy]
flavor = keystone
[glance_store]
stores = file,http
default_store = file
filesystem_store_datadir = /var/lib/glance/images/
EOF
		authtoken glance
	} >/etc/glance/glance-api.conf
	{
		cat <<EOF
[placement_database]
connection = $DB/${DBP}placement
[api]
auth_strategy = keystone
EOF
		authtoken placement
	} >/etc/placement/placement.conf
}

write_nova() {
	# fake.FakeDriver offers ~1000 vCPUs; vif plugging events never come without agents
	{
		cat <<EOF
[DEFAULT]
transport_url = $RABBIT
my_ip = 127.0.0.1
compute_driver = fake.FakeDriver
enabled_apis = osapi_compute
osapi_compute_workers = 1
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = 8774
state_path = /var/lib/nova
instances_path = /var/lib/nova/instances
vif_plugging_is_fatal = false
vif_plugging_timeout = 0
allow_resize_to_same_host = true
[api]
auth_strategy = keystone
[api_database]
connection = $DB/${DBP}nova_api
[database]
connection = $DB/${DBP}nova
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 5
[filter_scheduler]
enabled_filters = ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter
[quota]
instances = 1000
cores = -1
ram = -1
[oslo_concurrency]
lock_path = /var/lib/nova/tmp
[glance]
region_name = $REGION
[oslo_messaging_notifications]
driver = noop
EOF
		authtoken nova
		svcauth placement placement
		svcauth neutron neutron
		svcauth service_user nova
		echo "send_service_user_token = true"
		cat <<EOF
[cinder]
os_region_name = $REGION
catalog_info = volumev3::publicURL
auth_type = password
auth_url = $KS
project_domain_name = Default
user_domain_name = Default
project_name = service
username = nova
password = $PW
EOF
	} >/etc/nova/nova.conf
	local i
	for ((i = 1; i <= COMPUTES; i++)); do
		printf '[DEFAULT]\nhost = cadenza-compute-%d\n' "$i" >"/etc/nova/nova-compute-$i.conf"
	done
}

write_neutron() {
	{
		cat <<EOF
[DEFAULT]
core_plugin = ml2
service_plugins = router
auth_strategy = keystone
transport_url = $RABBIT
bind_host = 127.0.0.1
bind_port = 9696
api_workers = 0
rpc_workers = 1
rpc_state_report_workers = 0
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
dhcp_agent_notification = false
allow_overlapping_ips = true
state_path = /var/lib/neutron
[database]
connection = $DB/${DBP}neutron
[oslo_concurrency]
lock_path = /var/lib/neutron/tmp
[oslo_messaging_notifications]
driver = noop
EOF
		authtoken neutron
		svcauth nova nova
	} >/etc/neutron/neutron.conf
	cat >/etc/neutron/plugins/ml2/ml2_conf.ini <<EOF
[ml2]
type_drivers = flat,vlan,vxlan
tenant_network_types = vxlan
mechanism_drivers = cadenza_fakebind
extension_drivers = port_security
[ml2_type_flat]
flat_networks = *
[ml2_type_vlan]
network_vlan_ranges = physnet1:100:199
[ml2_type_vxlan]
vni_ranges = 1:10000
EOF
	# A test-only ML2 mechanism driver: binds every port on any host (vif_type ovs, ACTIVE),
	# so Nova servers go ACTIVE without agents. Registered through a stevedore entry point.
	mkdir -p "$SITE/cadenza_fakebind-0.1.egg-info"
	cat >"$SITE/cadenza_fakebind.py" <<'EOF'
"""Test-only ML2 mechanism driver: binds every port, no agent, no dataplane."""
from neutron_lib import constants
from neutron_lib.api.definitions import portbindings
from neutron_lib.plugins.ml2 import api


class FakeBindDriver(api.MechanismDriver):
    def initialize(self):
        pass

    @property
    def connectivity(self):
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context):
        vif_details = {portbindings.CAP_PORT_FILTER: True, portbindings.OVS_HYBRID_PLUG: False}
        for segment in context.segments_to_bind:
            context.set_binding(segment[api.ID], portbindings.VIF_TYPE_OVS, vif_details,
                                status=constants.PORT_STATUS_ACTIVE)
            return
EOF
	printf 'Metadata-Version: 2.1\nName: cadenza-fakebind\nVersion: 0.1\n' >"$SITE/cadenza_fakebind-0.1.egg-info/PKG-INFO"
	printf '[neutron.ml2.mechanism_drivers]\ncadenza_fakebind = cadenza_fakebind:FakeBindDriver\n' \
		>"$SITE/cadenza_fakebind-0.1.egg-info/entry_points.txt"
	echo cadenza_fakebind >"$SITE/cadenza_fakebind-0.1.egg-info/top_level.txt"
}

write_heat() {
	# heat-api-cfn is not run: templates should use user_data_format RAW and no wait conditions
	{
		cat <<EOF
[DEFAULT]
transport_url = $RABBIT
region_name_for_services = $REGION
num_engine_workers = 1
heat_metadata_server_url = http://127.0.0.1:8000
heat_waitcondition_server_url = http://127.0.0.1:8000/v1/waitcondition
stack_user_domain_name = heat
stack_domain_admin = heat_domain_admin
stack_domain_admin_password = $PW
[heat_api]
bind_host = 127.0.0.1
bind_port = 8004
workers = 1
[database]
connection = $DB/${DBP}heat
[clients_keystone]
auth_uri = $KS
[ec2authtoken]
auth_uri = $KS/v3
[oslo_messaging_notifications]
driver = noop
EOF
		authtoken heat
		cat <<EOF
[trustee]
auth_type = password
auth_url = $KS
username = heat
password = $PW
user_domain_name = Default
EOF
	} >/etc/heat/heat.conf
}

write_cinder() {
	# The volume backend is the fake driver of Cinder's own tests: volumes live in the database
	# only and attachments get fake connection info, which Nova's fake virt driver "attaches"
	# without touching the host. No block devices, iSCSI targets or mounts.
	{
		cat <<EOF
[DEFAULT]
transport_url = $RABBIT
auth_strategy = keystone
my_ip = 127.0.0.1
host = cadenza-volume
state_path = /var/lib/cinder
enabled_backends = fake
default_volume_type = __DEFAULT__
[database]
connection = $DB/${DBP}cinder
[fake]
volume_driver = cadenza_fakevolume.FakeVolumeDriver
volume_backend_name = fake
[oslo_concurrency]
lock_path = /var/lib/cinder/tmp
[oslo_messaging_notifications]
driver = noop
EOF
		authtoken cinder
		svcauth nova nova
	} >/etc/cinder/cinder.conf
	# Test-only: Cinder's fake driver would write an image into a device path of its LVM
	# parent class when a volume is made from an image; this one skips the copy, so such a
	# volume is made as an empty one.
	cat >"$SITE/cadenza_fakevolume.py" <<'EOF'
"""Test-only Cinder volume driver: Cinder's FakeLoggingVolumeDriver, which also makes a
volume from an image without writing the image anywhere."""
from cinder.tests import fake_driver


class FakeVolumeDriver(fake_driver.FakeLoggingVolumeDriver):
    def copy_image_to_volume(self, context, volume, image_service, image_id):
        pass
EOF
}

# config_files SERVICE: the configuration files the service reads
config_files() {
	case $1 in
	keystone) echo /etc/keystone/keystone.conf ;;
	placement) echo /etc/placement/placement.conf ;;
	glance-api) echo /etc/glance/glance-api.conf ;;
	nova-*) echo /etc/nova/nova.conf ;;
	neutron-server) echo /etc/neutron/neutron.conf /etc/neutron/plugins/ml2/ml2_conf.ini ;;
	heat-*) echo /etc/heat/heat.conf ;;
	cinder-*) echo /etc/cinder/cinder.conf "$SITE/cadenza_fakevolume.py" ;;
	esac
}

config_sums() { # checksums of every service's configuration, to see what a configure changed
	local s
	for s in $SERVICES; do
		# shellcheck disable=SC2046
		md5sum $(config_files "$s") 2>/dev/null || true
	done | sort -u
}

stop_changed() { # SUMS: stop the running services whose configuration changed since SUMS
	local now s f changed=""
	now=$(config_sums)
	for s in $SERVICES; do
		alive "$s" || continue
		for f in $(config_files "$s"); do
			if [ "$(grep " $f\$" <<<"$1")" != "$(grep " $f\$" <<<"$now")" ]; then
				changed="$changed $s"
				break
			fi
		done
	done
	[ -z "$changed" ] && return 0
	log "configuration changed, stopping (up starts them again):$changed"
	# shellcheck disable=SC2086
	stop_services $changed
}

write_configs() {
	local f
	for f in /etc/keystone/keystone.conf /etc/glance/glance-api.conf /etc/placement/placement.conf \
		/etc/nova/nova.conf /etc/neutron/neutron.conf /etc/heat/heat.conf /etc/cinder/cinder.conf; do
		[ -f "$f.dist" ] || cp "$f" "$f.dist" # Debian's sample, kept once
	done
	mkdir -p /var/lib/glance/images /var/lib/nova/instances /var/lib/nova/tmp /var/lib/neutron/tmp \
		/var/lib/heat /etc/neutron/plugins/ml2 /var/lib/cinder/tmp
	(
		umask 027 # the configs hold the service password
		write_keystone_glance_placement
		write_nova
		write_neutron
		write_heat
		write_cinder
	)
}

create_dbs() {
	local d sql=""
	for d in keystone glance placement nova_api nova nova_cell0 neutron heat cinder; do
		sql="$sql CREATE DATABASE IF NOT EXISTS ${DBP}$d;"
	done
	mysql -uroot -h127.0.0.1 <<EOF
CREATE USER IF NOT EXISTS 'openstack'@'127.0.0.1' IDENTIFIED BY '$PW';
ALTER USER 'openstack'@'127.0.0.1' IDENTIFIED BY '$PW';
GRANT ALL PRIVILEGES ON \`${DBP}%\`.* TO 'openstack'@'127.0.0.1';
$sql
FLUSH PRIVILEGES;
EOF
}

q() { # name cmd...: quiet step; the Zed CLIs print a harmless eventlet traceback at exit
	local name=$1
	shift
	if ! "$@" >"$LOG/$name.log" 2>&1; then
		tail -20 "$LOG/$name.log" >&2
		die "$name failed (log: $LOG/$name.log)"
	fi
}

migrate() {
	local t0=$SECONDS
	q keystone-db keystone-manage db_sync
	q keystone-fernet keystone-manage fernet_setup --keystone-user root --keystone-group root
	q keystone-credential keystone-manage credential_setup --keystone-user root --keystone-group root
	q keystone-bootstrap keystone-manage bootstrap --bootstrap-password "$PW" --bootstrap-username admin \
		--bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
		--bootstrap-region-id "$REGION" --bootstrap-admin-url "$KS/v3/" --bootstrap-public-url "$KS/v3/" \
		--bootstrap-internal-url "$KS/v3/"
	q glance-db glance-manage --config-file /etc/glance/glance-api.conf db_sync
	q placement-db placement-manage db sync
	q nova-api-db nova-manage api_db sync
	q nova-cell0 nova-manage cell_v2 map_cell0 --database_connection "$DB/${DBP}nova_cell0"
	local cells # captured first: grep -q closing the pipe early would fail it under pipefail
	cells=$(nova-manage cell_v2 list_cells 2>/dev/null || true)
	grep -q ' cell1 ' <<<"$cells" || q nova-cell1 nova-manage cell_v2 create_cell --name cell1
	q nova-db nova-manage db sync
	q neutron-db neutron-db-manage --config-file /etc/neutron/neutron.conf \
		--config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade head
	q heat-db heat-manage db_sync
	q cinder-db cinder-manage --config-file /etc/cinder/cinder.conf db sync
	log "database migrations done in $((SECONDS - t0)) s"
}

keystone_catalog() { # one python process instead of ~40 CLI calls; every step is idempotent
	OS_TESTENV_PW=$PW $PY - "$REGION" <<'EOF'
import os
import sys

from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

pw, region, host = os.environ["OS_TESTENV_PW"], sys.argv[1], "http://127.0.0.1"
ks = client.Client(session=session.Session(auth=v3.Password(
    auth_url=host + ":5000/v3", username="admin", password=pw, project_name="admin",
    user_domain_id="default", project_domain_id="default")))


def find(items, **attrs):
    return next((x for x in items if all(getattr(x, k) == v for k, v in attrs.items())), None)


admin_role = find(ks.roles.list(), name="admin")
for name in ("member", "reader", "service", "heat_stack_owner", "heat_stack_user"):
    find(ks.roles.list(), name=name) or ks.roles.create(name)
service = find(ks.projects.list(), name="service") or ks.projects.create("service", "default")
for name in ("glance", "placement", "nova", "neutron", "heat", "cinder"):
    user = find(ks.users.list(), name=name) or ks.users.create(name, domain="default", password=pw)
    ks.users.update(user, password=pw)
    ks.roles.grant(admin_role, user=user, project=service)
    # Cinder lets Nova delete a volume attachment only with a service token of the role
    # "service" (OSSA-2023-003)
    ks.roles.grant(find(ks.roles.list(), name="service"), user=user, project=service)
heat_domain = find(ks.domains.list(), name="heat") or ks.domains.create("heat", description="heat stack users")
heat_admin = find(ks.users.list(domain=heat_domain), name="heat_domain_admin") or \
    ks.users.create("heat_domain_admin", domain=heat_domain, password=pw)
ks.users.update(heat_admin, password=pw)
ks.roles.grant(admin_role, user=heat_admin, domain=heat_domain)
ks.roles.grant(find(ks.roles.list(), name="heat_stack_owner"), user=find(ks.users.list(), name="admin"),
               project=find(ks.projects.list(), name="admin"))
volume = host + ":8776/v3/%(project_id)s"
for kind, name, url in (("image", "glance", host + ":9292"), ("placement", "placement", host + ":8778"),
                        ("compute", "nova", host + ":8774/v2.1"), ("network", "neutron", host + ":9696"),
                        ("orchestration", "heat", host + ":8004/v1/%(project_id)s"),
                        ("volumev3", "cinderv3", volume), ("block-storage", "cinder", volume)):
    svc = find(ks.services.list(), type=kind) or ks.services.create(name, type=kind)
    have = {e.interface for e in ks.endpoints.list(service=svc)}
    for interface in ("public", "internal", "admin"):
        if interface not in have:
            ks.endpoints.create(svc, url, interface=interface, region=region)
EOF
}

configured() {
	[ "$(cat "$STATE/configured" 2>/dev/null)" = "$CONFIG_REV" ] &&
		mysql -uroot -h127.0.0.1 -e "USE ${DBP}cinder" >/dev/null 2>&1 &&
		[ -d /etc/keystone/fernet-keys ]
}

do_configure() {
	need_root
	local t0=$SECONDS
	init
	local sums
	sums=$(config_sums)
	write_configs
	stop_changed "$sums"
	start_infra
	setup_vhost
	create_dbs
	migrate
	local was_running=0
	alive keystone && was_running=1
	[ $was_running = 1 ] || start_uwsgi keystone 5000 /usr/bin/keystone-wsgi-public
	wait_http "$KS/v3" 60 || die "keystone did not answer"
	keystone_catalog
	[ $was_running = 1 ] || stop_services keystone
	# The catalog step sets the service users' passwords and roles again, which revokes the
	# tokens running services hold; nova-api then answered one boot with a 500 before it
	# authenticated anew. Stop what runs, so 'up' starts it with fresh credentials.
	local running="" s
	for s in $SERVICES; do [ "$s" != keystone ] && alive "$s" && running="$running $s"; done
	if [ -n "$running" ]; then
		log "credentials set again, stopping (up starts them again):$running"
		# shellcheck disable=SC2086
		stop_services $running
	fi
	write_clouds_yaml
	echo "$CONFIG_REV" >"$STATE/configured"
	log "configure done in $((SECONDS - t0)) s"
}

# --- up / down ----------------------------------------------------------------------------------

alive() { # service: its recorded process runs
	[ -s "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null
}

start_bg() { # name cmd...: own session, log and pid under $RUN
	local name=$1
	shift
	setsid "$@" >"$LOG/$name.log" 2>&1 </dev/null &
	echo $! >"$RUN/$name.pid"
}

start_uwsgi() { # name port wsgi-script; http11-socket keeps keep-alive connections working
	start_bg "$1" uwsgi --plugin python3 --http11-socket "127.0.0.1:$2" --wsgi-file "$3" \
		--master --processes 1 --threads 4 --enable-threads --die-on-term --lazy-apps \
		--buffer-size 65535 --procname-prefix-spaced "cadenza-$1"
}

start_service() {
	case $1 in
	keystone) start_uwsgi keystone 5000 /usr/bin/keystone-wsgi-public ;;
	placement) start_uwsgi placement 8778 /usr/bin/placement-api ;;
	glance-api) start_bg glance-api glance-api --config-file /etc/glance/glance-api.conf ;;
	# eventlet server, not uwsgi: with uwsgi threads nova-api deadlocks under concurrent boots
	nova-api) start_bg nova-api nova-api --config-file /etc/nova/nova.conf ;;
	nova-conductor) start_bg nova-conductor nova-conductor --config-file /etc/nova/nova.conf ;;
	nova-scheduler) start_bg nova-scheduler nova-scheduler --config-file /etc/nova/nova.conf ;;
	nova-compute-*)
		[ -f "/etc/nova/$1.conf" ] ||
			printf '[DEFAULT]\nhost = cadenza-compute-%s\n' "${1#nova-compute-}" >"/etc/nova/$1.conf"
		start_bg "$1" $PY -c 'import sys; from nova.cmd.compute import main; sys.exit(main())' \
			--config-file /etc/nova/nova.conf --config-file "/etc/nova/$1.conf"
		;;
	neutron-server)
		start_bg neutron-server neutron-server --config-file /etc/neutron/neutron.conf \
			--config-file /etc/neutron/plugins/ml2/ml2_conf.ini
		;;
	heat-api) start_bg heat-api heat-api --config-file /etc/heat/heat.conf ;;
	heat-engine) start_bg heat-engine heat-engine --config-file /etc/heat/heat.conf ;;
	cinder-api) start_uwsgi cinder-api 8776 /usr/bin/cinder-wsgi ;;
	cinder-scheduler) start_bg cinder-scheduler cinder-scheduler --config-file /etc/cinder/cinder.conf ;;
	cinder-volume) # /usr/bin/cinder-volume is in the package left out (see do_install)
		start_bg cinder-volume $PY -c 'import sys; from cinder.cmd.volume import main; sys.exit(main())' \
			--config-file /etc/cinder/cinder.conf
		;;
	*) die "unknown service $1" ;;
	esac
}

http_ok() { # url: 2xx, 3xx or 401 means the API is serving
	local code
	code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$1" || true)
	case $code in 2* | 3* | 401) return 0 ;; esac
	return 1
}

wait_http() { # url timeout_s
	local end=$((SECONDS + $2))
	until http_ok "$1"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.25
	done
}

# computes_ready SINCE HOST...: each named compute host sent a heartbeat after SINCE (epoch)
# and is a hypervisor; then each cadenza-compute-N is put in availability zone az-N through a
# host aggregate (idempotent).
computes_ready() {
	OS_TESTENV_PW=$PW $PY - "$@" <<'EOF'
import datetime
import os
import sys
import time

from keystoneauth1 import session
from keystoneauth1.identity import v3

since = datetime.datetime.utcfromtimestamp(int(sys.argv[1]))
want = set(sys.argv[2:])
s = session.Session(auth=v3.Password(auth_url="http://127.0.0.1:5000/v3", username="admin",
    password=os.environ["OS_TESTENV_PW"], project_name="admin", user_domain_id="default",
    project_domain_id="default"))
ef = {"service_type": "compute", "interface": "public"}


def fresh(svc):
    return svc["state"] == "up" and svc["updated_at"] and \
        datetime.datetime.fromisoformat(svc["updated_at"].split(".")[0]) >= since


end = time.time() + 180
while time.time() < end:
    svcs = s.get("/os-services?binary=nova-compute", endpoint_filter=ef, raise_exc=False)
    hyps = s.get("/os-hypervisors", endpoint_filter=ef, raise_exc=False)
    if svcs.ok and hyps.ok:
        up = {x["host"] for x in svcs.json()["services"] if fresh(x)}
        hosts = {h["hypervisor_hostname"] for h in hyps.json()["hypervisors"]}
        if want <= up and len(hosts) >= len(want):
            break
    time.sleep(1)
else:
    sys.exit("compute hosts %s did not report within 180 s" % sorted(want))

aggs = s.get("/os-aggregates", endpoint_filter=ef).json()["aggregates"]
for svc in s.get("/os-services?binary=nova-compute", endpoint_filter=ef).json()["services"]:
    host = svc["host"]
    if not host.startswith("cadenza-compute-"):
        continue
    zone = "az-" + host.rsplit("-", 1)[1]
    agg = next((a for a in aggs if a["name"] == zone), None)
    if agg is None:
        agg = s.post("/os-aggregates", endpoint_filter=ef,
                     json={"aggregate": {"name": zone, "availability_zone": zone}}).json()["aggregate"]
        agg.setdefault("hosts", [])
    if host not in (agg.get("hosts") or []):
        s.post("/os-aggregates/%s/action" % agg["id"], endpoint_filter=ef,
               json={"add_host": {"host": host}})
EOF
}

# volumes_ready SINCE: cinder-volume sent a heartbeat after SINCE (epoch) and the scheduler
# knows its backend, so a volume can be made
volumes_ready() {
	OS_TESTENV_PW=$PW $PY - "$@" <<'EOF'
import datetime
import os
import sys
import time

from keystoneauth1 import session
from keystoneauth1.identity import v3

since = datetime.datetime.utcfromtimestamp(int(sys.argv[1]))
s = session.Session(auth=v3.Password(auth_url="http://127.0.0.1:5000/v3", username="admin",
    password=os.environ["OS_TESTENV_PW"], project_name="admin", user_domain_id="default",
    project_domain_id="default"))
ef = {"service_type": "volumev3", "interface": "public"}
end = time.time() + 180
while time.time() < end:
    svcs = s.get("/os-services?binary=cinder-volume", endpoint_filter=ef, raise_exc=False)
    pools = s.get("/scheduler-stats/get_pools", endpoint_filter=ef, raise_exc=False)
    if svcs.ok and pools.ok and pools.json().get("pools") and any(
            x["state"] == "up" and x["updated_at"] and
            datetime.datetime.fromisoformat(x["updated_at"].split(".")[0]) >= since
            for x in svcs.json()["services"]):
        break
    time.sleep(1)
else:
    sys.exit("cinder-volume did not report within 180 s")
EOF
}

do_up() {
	need_root
	init
	configured || die "not configured (run 'configure' or 'ensure')"
	start_infra
	local t0=$SECONDS since s started="" u
	since=$(date -u +%s)
	for s in $SERVICES; do
		alive "$s" && continue
		start_service "$s"
		started="$started $s"
	done
	[ -z "$started" ] && all_apis_ok && { log "already running"; write_clouds_yaml; return 0; }
	log "started:$started"
	for u in $APIS; do
		if ! wait_http "$u" 240; then
			grep -l -E ' (CRITICAL|ERROR) ' "$LOG"/*.log 2>/dev/null | while read -r f; do
				echo "== $f" >&2
				grep -m5 -E ' (CRITICAL|ERROR) ' "$f" >&2
			done
			die "$u does not answer"
		fi
	done
	log "all APIs answer after $((SECONDS - t0)) s"
	local computes="" c i
	for c in $started; do
		if [[ $c == nova-compute-* ]]; then computes="$computes cadenza-compute-${c#nova-compute-}"; fi
	done
	if [ -n "$computes" ]; then
		# map new compute hosts to cell1 (the scheduler also does it every 5 s), then wait for a
		# heartbeat of this run: until then the scheduler may see the record of the previous
		# run as down and answer NoValidHost
		for ((i = 0; i < 60; i++)); do
			hosts_mapped $computes && break
			nova-manage cell_v2 discover_hosts >/dev/null 2>&1 || true
			sleep 2
		done
		# shellcheck disable=SC2086
		computes_ready "$since" $computes || die "compute hosts did not report (logs: $LOG/nova-compute-*.log)"
		log "compute hosts$computes reporting after $((SECONDS - t0)) s"
	fi
	if [[ " $started " == *" cinder-volume "* || " $started " == *" cinder-scheduler "* ]]; then
		volumes_ready "$since" || die "cinder-volume did not report (log: $LOG/cinder-volume.log)"
		log "volume backend reporting after $((SECONDS - t0)) s"
	fi
	write_clouds_yaml
}

hosts_mapped() { # host...: each is mapped to a cell
	local mapped h
	mapped=$(nova-manage cell_v2 list_hosts 2>/dev/null) || return 1
	for h in "$@"; do grep -q " $h " <<<"$mapped" || return 1; done
}

all_apis_ok() {
	local u
	for u in $APIS; do http_ok "$u" || return 1; done
}

tree_pids() { # pid and all its descendants
	local all=$1 cur=$1 kids c
	while [ -n "$cur" ]; do
		kids=""
		for c in $cur; do kids="$kids $(pgrep -P "$c" | tr '\n' ' ')"; done
		kids=$(echo $kids)
		all="$all $kids"
		cur=$kids
	done
	echo $all
}

stop_services() { # TERM each service's process tree, KILL what is left after 12 s
	local s pids="" p i left
	for s in "$@"; do
		[ -s "$RUN/$s.pid" ] || continue
		alive "$s" && pids="$pids $(tree_pids "$(cat "$RUN/$s.pid")")"
		rm -f "$RUN/$s.pid"
	done
	[ -z "$pids" ] && return 0
	kill -TERM $pids 2>/dev/null || true
	for ((i = 0; i < 24; i++)); do
		left=""
		for p in $pids; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
		[ -z "$left" ] && return 0
		sleep 0.5
	done
	kill -KILL $left 2>/dev/null || true
}

do_down() {
	local f names=""
	for f in "$RUN"/*.pid; do
		[ -f "$f" ] && names="$names $(basename "$f" .pid)"
	done
	# shellcheck disable=SC2086 # every service with a pid file, also computes of a larger run
	stop_services $names
	log "stopped (MariaDB and RabbitMQ left running)"
}

# --- status / env -------------------------------------------------------------------------------

do_status() {
	local u s kb total=0 rc=0
	for u in $APIS; do
		if http_ok "$u"; then printf '%-36s up\n' "$u"; else printf '%-36s down\n' "$u"; rc=1; fi
	done
	local all=" $SERVICES " f
	for f in "$RUN"/*.pid; do # also the computes of a run with more of them
		[ -f "$f" ] && [[ $all != *" $(basename "$f" .pid) "* ]] && all="$all$(basename "$f" .pid) "
	done
	for s in $all; do
		if alive "$s"; then
			# shellcheck disable=SC2046
			kb=$(ps -o rss= -p $(tree_pids "$(cat "$RUN/$s.pid")" | tr ' ' ',') | awk '{s += $1} END {print s + 0}')
			total=$((total + kb))
			printf '%-16s %6d MiB\n' "$s" $((kb / 1024))
		else
			printf '%-16s not running\n' "$s"
			rc=1
		fi
	done
	printf '%-16s %6d MiB (without MariaDB and RabbitMQ)\n' TOTAL $((total / 1024))
	return $rc
}

write_clouds_yaml() {
	(
		umask 077
		cat >"$STATE/clouds.yaml" <<EOF
clouds:
  cadenza-testenv:
    auth:
      auth_url: $KS/v3
      username: admin
      password: $PW
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: $REGION
    identity_api_version: 3
EOF
	)
}

do_env() {
	[ -s "$STATE/password" ] || die "not configured (run 'ensure')"
	PW=$(cat "$STATE/password")
	cat <<EOF
export OS_AUTH_URL=$KS/v3
export OS_USERNAME=admin
export OS_PASSWORD=$PW
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=$REGION
export OS_IDENTITY_API_VERSION=3
export OS_CLIENT_CONFIG_FILE=$STATE/clouds.yaml
export OS_CLOUD=cadenza-testenv
EOF
}

init() {
	mkdir -p "$RUN" "$LOG" "$STATE"
	PW=$(password)
	DB="mysql+pymysql://openstack:$PW@127.0.0.1"
}

do_ensure() {
	local t0=$SECONDS
	do_install
	init
	configured || do_configure
	do_up
	log "ensure done in $((SECONDS - t0)) s"
}

# main is parsed whole before it runs, so editing this file cannot derail a running copy.
main() {
	case "${1:-}" in
	install) do_install ;;
	configure) do_configure ;;
	up) do_up ;;
	ensure) do_ensure ;;
	down) do_down ;;
	status) do_status ;;
	env) do_env ;;
	*)
		sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
		exit 2
		;;
	esac
}

main "$@"; exit
