// Package testenv owns the connection of integration tests to the real backends that the
// project's test environment scripts start: a Kubernetes control plane
// (hack/k8s-testenv.sh), PostgreSQL, and OpenStack (hack/openstack-testenv.sh).
//
// Each helper finds its backend through the environment. When a backend is not configured
// or not reachable, the test is skipped with the reason, unless CADENZA_REQUIRE_BACKENDS
// names the backend (or is "all"): then the test fails, so that a CI run which set the
// backends up can never report a missing one as passed.
//
//	CADENZA_KUBECONFIG         kubeconfig of the control plane (KUBECONFIG is used too, but
//	                           only when its server is on a loopback address)
//	CADENZA_EDGE_KUBECONFIGS   kubeconfigs of further control planes, joined like PATH
//	CADENZA_POSTGRES_DSN       PostgreSQL server; default postgres://postgres@127.0.0.1:5432/postgres
//	                           when it answers. Each test gets a fresh database.
//	OS_AUTH_URL, OS_USERNAME,  Keystone v3 credentials (hack/openstack-testenv.sh env);
//	OS_PASSWORD, ...           a non-loopback OS_AUTH_URL needs CADENZA_ALLOW_REMOTE_BACKENDS=1
//	CADENZA_REQUIRE_BACKENDS   comma-separated backends that must be there: kubernetes,
//	                           kubernetes-edge, postgres, openstack, or all
package testenv
