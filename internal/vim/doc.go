// Package vim owns the contract between the LCM engine and the virtualised infrastructure
// managers it deploys VNFs on: the Driver interface with its Capabilities, the versioned
// Handle the engine persists, the classified error kinds, the version-neutral Spec of what to
// deploy (and SpecFromVNFD, which builds it from a VNFD), and the Connection to a VIM.
//
// Drivers live beneath it (kubernetes, openstack); vimtest holds the behaviour suite every
// driver runs.
package vim
