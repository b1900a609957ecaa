package lcm

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cadenza-mano/cadenza/internal/mergepatch"
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
// the change, in one transaction, its changedInfo saying what changed. A
// new vnfdId must name an available package; every VNFC modified must be
// one the instance has when the change is made.
func (s *Service) Modify(ctx context.Context, id string, ifVersion int64, mod Modification, params json.RawMessage) (store.Item[OpOcc], error) {
	changed := mod.changedInfo()
	if mod.VNFDID != nil {
		pkg, err := s.opts.Packages.Package(ctx, *mod.VNFDID)
		if err != nil {
			return store.Item[OpOcc]{}, err
		}
		d := pkg.VNFD
		changed.VNFDID, changed.Provider, changed.ProductName = d.ID, d.Provider, d.ProductName
		changed.SoftwareVersion, changed.VNFDVersion = d.SoftwareVersion, d.DescriptorVersion
	}
	now := time.Now().UTC()
	op := OpOcc{ID: uuid.NewString(), Operation: OpModifyInfo, State: Completed, StartTime: now,
		StateEnteredTime: now, VNFInstanceID: id, Params: params, Request: Request{Modify: &mod},
		ChangedInfo: changed}
	var out store.Item[OpOcc]
	err := s.db.Tx(ctx, func(ctx context.Context) error {
		_, err := s.instances.Update(ctx, id, ifVersion, func(inst *VNFInstance) error {
			if inst.ActiveOpOccID != "" {
				return fmt.Errorf("vnf instance %s: operation %s: %w", id, inst.ActiveOpOccID, ErrBusy)
			}
			if err := mod.checkVNFCs(inst); err != nil {
				return err
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
	inst.Metadata = mergepatch.Apply(inst.Metadata, mod.Metadata)
	inst.Extensions = mergepatch.Apply(inst.Extensions, mod.Extensions)
	inst.ConfigurableProperties = mergepatch.Apply(inst.ConfigurableProperties, mod.ConfigurableProps)
	if info := inst.Instantiated; info != nil {
		for _, id := range mod.VNFCDeleteIDs {
			delete(info.VNFCProperties, id)
		}
		for _, c := range mod.VNFCs {
			if info.VNFCProperties == nil {
				info.VNFCProperties = map[string]map[string]any{}
			}
			if p := mergepatch.Apply(info.VNFCProperties[c.ID], c.ConfigurableProperties); len(p) > 0 {
				info.VNFCProperties[c.ID] = p
			} else {
				delete(info.VNFCProperties, c.ID)
			}
		}
	}
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

// checkVNFCs reports every VNFC the modification names that the instance
// lacks; a NOT_INSTANTIATED instance has none. That is ErrInvalid (422), as
// a heal of an unknown VNFC is: SOL 013 answers 422 for a well-formed body
// whose content cannot be processed, and 409 is for the resource's state,
// which no other state of it would make right. (Tacker answers 400 here.)
func (mod *Modification) checkVNFCs(inst *VNFInstance) error {
	has := func(id string) bool {
		return inst.Instantiated != nil &&
			slices.ContainsFunc(inst.Instantiated.VNFCs, func(c VNFCResource) bool { return c.ID == id })
	}
	var unknown []string
	for i, c := range mod.VNFCs {
		if !has(c.ID) {
			unknown = append(unknown, fmt.Sprintf("vnfcInfoModifications[%d].id %q", i, c.ID))
		}
	}
	for i, id := range mod.VNFCDeleteIDs {
		if !has(id) {
			unknown = append(unknown, fmt.Sprintf("vnfcInfoModificationsDeleteIds[%d] %q", i, id))
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("vnf instance %s has no such vnfc: %s: %w", inst.ID, strings.Join(unknown, ", "), ErrInvalid)
	}
	return nil
}

// changedInfo is what mod changes as requested, without what follows
// from a new vnfdId, and without the VIM connections' credentials.
func (mod *Modification) changedInfo() *ChangedInfo {
	c := &ChangedInfo{Name: mod.Name, Description: mod.Description, ConfigurableProperties: mod.ConfigurableProps,
		Metadata: mod.Metadata, Extensions: mod.Extensions, VNFCs: mod.VNFCs, VNFCDeleteIDs: mod.VNFCDeleteIDs}
	for id, v := range mod.VIMConnections {
		if c.VIMConnections == nil {
			c.VIMConnections = map[string]*VIMConnectionInfo{}
		}
		if v != nil {
			redacted := *v
			redacted.AccessInfo = nil
			v = &redacted
		}
		c.VIMConnections[id] = v
	}
	return c
}
