// Package openstack owns the OpenStack VIM driver: it realises a vim.Spec on OpenStack through
// gophercloud, as one Heat stack per VNF instance whose HOT template it generates from the Spec
// (no hand-written templates in the package).
//
// Why Heat rather than direct Nova and Neutron calls: the stack is one named object per VNF
// (vnf-<instance id>), created or updated in one API call, so
//
//   - Deploy is create-or-update of that stack: repeating it, or resuming it from another
//     process after a crash, converges instead of leaking servers, ports or networks; the
//     driver keeps no state besides the Handle, which names the stack;
//   - Delete is one stack delete that Heat carries through in dependency order (ports before
//     networks, servers before server groups), retried by a repeated Delete;
//   - Scale changes one parameter per VDU (a stack PATCH) of an OS::Heat::ResourceGroup,
//     which adds or removes the highest-indexed members with their ports;
//   - Operate records the stopped state as a stack parameter, then powers the servers off or
//     on through Nova (os-stop, os-start): a stopped VNF keeps its servers, ports and volumes;
//     a Scale while stopped changes only the desired count, which the start applies;
//   - Heal marks the member of the VNFC unhealthy and updates the stack, so Heat replaces its
//     server and ports in place, under the same name.
//
// Direct calls would need the driver to record every created resource durably before it
// exists and to order deletions itself; Heat already does both.
//
// What is shared between VNFs is kept outside the stacks: flavours are chosen by exact size
// or created once per size, and software images from the package are uploaded to Glance once
// per content hash. Neither is removed with a VNF.
//
// Layout of a stack: per internal virtual link an OS::Neutron::Net and Subnet; per node-scope
// placement rule an OS::Nova::ServerGroup; per connection point that security group rules
// name an OS::Neutron::SecurityGroup with those rules, which its ports get; per VDU a
// ResourceGroup of a generated nested template holding the server and one OS::Neutron::Port
// per connection point; a VDU granted several availability zones has its members in them in
// turn, by member index. An external CP's port is on the network of its external link, so a
// stack update with another link makes its port anew on the new network. Servers are
// named vnf-<instance id>-<vdu>-<index> and carry the instance and VDU in their metadata;
// ports and networks carry the tag vnf-<instance id>, which is how Observe finds them.
//
// Virtual storage: a VDU's block storages are, per member, an OS::Cinder::Volume of the
// storage's size (from its image when it has one) and an OS::Cinder::VolumeAttachment to the
// member's server, in the same nested template. A volume is named <server name>-<storage>,
// carries the instance, VDU, storage and server name in its metadata (Observe lists the
// volumes by it) and goes with its member: on scale in, on heal (the member is made anew)
// and with the stack; a stop keeps it. Each member has its own volume even for a storage
// not marked per VNFC instance, as a volume attaches to one server. Storage is claimed only
// when the Keystone catalogue has a block storage service; file and object storage are not
// made.
package openstack
