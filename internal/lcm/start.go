package lcm

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/internal/store"
)

// startSpec is an operation about to start.
type startSpec struct {
	op     Operation
	req    Request
	params json.RawMessage
	// want is the instantiation state the operation needs.
	want InstantiationState
	// held is the instance as the request's checks read it; the transaction writes from it
	// unless another writer came between, which saves reading it again.
	held store.Item[VNFInstance]
}

// start records the operation occurrence (STARTING), marks the instance
// busy with it and inserts its job, in one transaction: either all three
// happen or none does. A second operation on the instance gets ErrBusy.
func (s *Service) start(ctx context.Context, instID string, st startSpec) (store.Item[OpOcc], error) {
	now := time.Now().UTC()
	op := OpOcc{ID: uuid.NewString(), Operation: st.op, State: Starting, StartTime: now,
		StateEnteredTime: now, VNFInstanceID: instID, Params: st.params, Request: st.req}
	var out store.Item[OpOcc]
	err := s.db.Tx(ctx, func(ctx context.Context) error {
		busy := func(inst *VNFInstance) error {
			if inst.ActiveOpOccID != "" {
				return fmt.Errorf("vnf instance %s: operation %s: %w", instID, inst.ActiveOpOccID, ErrBusy)
			}
			if inst.InstantiationState != st.want {
				return fmt.Errorf("%s needs a %s vnf instance; %s is %s: %w",
					st.op, st.want, instID, inst.InstantiationState, ErrState)
			}
			op.Before = inst.Instantiated
			inst.ActiveOpOccID = op.ID
			return nil
		}
		var inst store.Item[VNFInstance]
		var err error
		if st.held.ID == instID {
			inst, err = s.instances.UpdateFrom(ctx, st.held, busy)
		} else {
			inst, err = s.instances.Update(ctx, instID, 0, busy)
		}
		if err != nil {
			return err
		}
		m, err := s.ops.Create(ctx, op.ID, &op)
		if err != nil {
			return err
		}
		out = store.Item[OpOcc]{Meta: m, Doc: op}
		if _, err := s.jobs.InsertTx(ctx, OpArgs{OpOccID: op.ID}, nil); err != nil {
			return err
		}
		return s.emitOpOn(ctx, op, inst.Doc)
	})
	if err != nil {
		return store.Item[OpOcc]{}, err
	}
	s.log.Info("lcm operation started", "opOcc", op.ID, "operation", op.Operation, "vnfInstance", instID)
	return out, nil
}

// instance reads an instance for a request's checks; the transaction of
// start checks its state again.
func (s *Service) instance(ctx context.Context, id string, want InstantiationState) (store.Item[VNFInstance], error) {
	it, err := s.instances.Get(ctx, id)
	if err != nil {
		return it, err
	}
	if it.Doc.InstantiationState != want {
		return it, fmt.Errorf("vnf instance %s is %s, not %s: %w", id, it.Doc.InstantiationState, want, ErrState)
	}
	if it.Doc.ActiveOpOccID != "" {
		return it, fmt.Errorf("vnf instance %s: operation %s: %w", id, it.Doc.ActiveOpOccID, ErrBusy)
	}
	return it, nil
}
