package lcm

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/internal/store"
)

// CreateRequest is CreateVnfRequest.
type CreateRequest struct {
	VNFDID      string
	Name        string
	Description string
	Metadata    map[string]any
}

// Create records a NOT_INSTANTIATED instance of the VNFD, whose package
// must be available.
func (s *Service) Create(ctx context.Context, req CreateRequest) (store.Item[VNFInstance], error) {
	pkg, err := s.opts.Packages.Package(ctx, req.VNFDID)
	if err != nil {
		return store.Item[VNFInstance]{}, err
	}
	d := pkg.VNFD
	inst := VNFInstance{ID: uuid.NewString(), Name: req.Name, Description: req.Description,
		VNFDID: d.ID, Provider: d.Provider, ProductName: d.ProductName,
		SoftwareVersion: d.SoftwareVersion, VNFDVersion: d.DescriptorVersion,
		InstantiationState: NotInstantiated, Metadata: req.Metadata}
	var m store.Meta
	err = s.db.Tx(ctx, func(ctx context.Context) error {
		var err error
		if m, err = s.instances.Create(ctx, inst.ID, &inst); err != nil {
			return err
		}
		return s.emit(ctx, Event{Kind: EventInstanceCreated, Instance: inst})
	})
	if err != nil {
		return store.Item[VNFInstance]{}, err
	}
	s.log.Info("vnf instance created", "vnfInstance", inst.ID, "vnfdId", inst.VNFDID)
	return store.Item[VNFInstance]{Meta: m, Doc: inst}, nil
}

// Delete removes a NOT_INSTANTIATED instance with no operation in flight.
func (s *Service) Delete(ctx context.Context, id string) error {
	var gone VNFInstance
	return s.db.Tx(ctx, func(ctx context.Context) error {
		if err := s.instances.Delete(ctx, id, func(it store.Item[VNFInstance]) error {
			gone = it.Doc
			return deletable(it.Doc)
		}); err != nil {
			return err
		}
		return s.emit(ctx, Event{Kind: EventInstanceDeleted, Instance: gone})
	})
}

// deletable refuses to delete an instance that has resources or an
// operation in flight.
func deletable(inst VNFInstance) error {
	if inst.InstantiationState != NotInstantiated {
		return fmt.Errorf("vnf instance %s is %s: %w", inst.ID, inst.InstantiationState, ErrState)
	}
	if inst.ActiveOpOccID != "" {
		return fmt.Errorf("vnf instance %s: operation %s: %w", inst.ID, inst.ActiveOpOccID, ErrBusy)
	}
	return nil
}

// Modify changes the instance's information as PATCH does. It needs no VIM
// work, so the MODIFY_INFO occurrence is recorded COMPLETED together with
// the change, in one transaction. A new vnfdId must name an available
// package.
func (s *Service) Modify(ctx context.Context, id string, ifVersion int64, mod Modification, params json.RawMessage) (store.Item[OpOcc], error) {
	if mod.VNFDID != nil {
		if _, err := s.opts.Packages.Package(ctx, *mod.VNFDID); err != nil {
			return store.Item[OpOcc]{}, err
		}
	}
	now := time.Now().UTC()
	op := OpOcc{ID: uuid.NewString(), Operation: OpModifyInfo, State: Completed, StartTime: now,
		StateEnteredTime: now, VNFInstanceID: id, Params: params, Request: Request{Modify: &mod}}
	var out store.Item[OpOcc]
	err := s.db.Tx(ctx, func(ctx context.Context) error {
		_, err := s.instances.Update(ctx, id, ifVersion, func(inst *VNFInstance) error {
			if inst.ActiveOpOccID != "" {
				return fmt.Errorf("vnf instance %s: operation %s: %w", id, inst.ActiveOpOccID, ErrBusy)
			}
			mod.apply(inst)
			return nil
		})
		if err != nil {
			return err
		}
		m, err := s.ops.Create(ctx, op.ID, &op)
		if err != nil {
			return err
		}
		out = store.Item[OpOcc]{Meta: m, Doc: op}
		return s.emitOp(ctx, op)
	})
	return out, err
}

func (mod *Modification) apply(inst *VNFInstance) {
	if mod.Name != nil {
		inst.Name = *mod.Name
	}
	if mod.Description != nil {
		inst.Description = *mod.Description
	}
	if mod.VNFDID != nil {
		inst.VNFDID = *mod.VNFDID
	}
	inst.Metadata = mergeMap(inst.Metadata, mod.Metadata)
	inst.Extensions = mergeMap(inst.Extensions, mod.Extensions)
	inst.ConfigurableProperties = mergeMap(inst.ConfigurableProperties, mod.ConfigurableProps)
	for k, c := range mod.VIMConnections {
		if c == nil {
			delete(inst.VIMConnections, k)
			continue
		}
		if inst.VIMConnections == nil {
			inst.VIMConnections = map[string]VIMConnectionInfo{}
		}
		inst.VIMConnections[k] = *c
	}
}

// mergeMap applies a JSON merge patch of one level: nil removes a key.
func mergeMap(dst, patch map[string]any) map[string]any {
	for k, v := range patch {
		if v == nil {
			delete(dst, k)
			continue
		}
		if dst == nil {
			dst = map[string]any{}
		}
		dst[k] = v
	}
	return dst
}
