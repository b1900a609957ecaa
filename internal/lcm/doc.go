// Package lcm owns the VNFM's lifecycle engine: VNF instances and their
// operation occurrences, the SOL 003 operation state machine, the pure
// planning of what a VNF should look like on its VIM, and the durable
// workers that reconcile the VIM towards that plan.
//
// Every operation is stored as an OpOcc together with its job in one store
// transaction, and ends with its final state change and the job's
// completion in another. A VNF instance runs one operation at a time: a
// second one is refused with ErrBusy, and an operation the instance's
// instantiation state forbids with ErrState.
//
// Operation occurrence states (SOL 003 §5.6.2.2 / §5.4.1.2):
//
//	start ──► STARTING ──grant──► PROCESSING ──VIM converged──► COMPLETED
//	             │                   │  ▲
//	          cancel              error│  │retry
//	             ▼                   ▼  │
//	        ROLLED_BACK ◄──ok── ROLLING_BACK ◄──rollback── FAILED_TEMP ──fail──► FAILED
//	                                 │                     ▲   ▲
//	                                 └──────error──────────┘   └──cancel (PROCESSING,
//	                                                              ROLLING_BACK)
//
// Steps reconcile: a worker re-reads the OpOcc and the instance, observes
// the VIM, and does only what is missing, so a crash at any point, or a
// job run twice, converges to the same result. The instance's instantiated
// information changes only in the final transaction of a successful
// operation (or rollback), which is why planning from it is repeatable.
package lcm
