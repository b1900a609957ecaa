package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/cadenza-mano/cadenza/conformance/check"
)

// instantiateBody instantiates the manifest CNF's default flavour on the
// VNFM's default VIM: one Deployment of one pod.
const instantiateBody = `{"flavourId": "default", "additionalParams": {"lcm-kubernetes-def-files": ["Files/kubernetes/deployment.yaml"]}}`

// lifecycle is the instance the lifecycle checks instantiate, change and
// terminate, in the order SOL 003's tasks allow, and the subscription that
// follows it.
type lifecycle struct {
	inst instance
	sub  subscribed
	// instantiated is the instantiation's outcome.
	instantiated error
}

func (l *vnflcm) lifecycleChecks() []check.Check {
	return []check.Check{
		{Name: "instantiate a CNF: 202, VnfLcmOpOcc COMPLETED, INSTANTIATED with instantiatedVnfInfo; STARTING and COMPLETED notified", Run: l.checkInstantiate},
		{Name: "instantiate or DELETE an INSTANTIATED instance: 409 ProblemDetails", Run: l.checkInstantiatedConflict},
		{Name: "scale out web_aspect by one step: COMPLETED, scaleStatus level 1", Run: l.step("scale",
			`{"type": "SCALE_OUT", "aspectId": "web_aspect", "numberOfSteps": 1}`, "SCALE", scaleLevel("web_aspect", 1))},
		{Name: "scale_to_level level_2: COMPLETED, scaleStatus level 2", Run: l.step("scale_to_level",
			`{"instantiationLevelId": "level_2"}`, "SCALE_TO_LEVEL", scaleLevel("web_aspect", 2))},
		{Name: "scale in web_aspect by one step: COMPLETED, scaleStatus level 1", Run: l.step("scale",
			`{"type": "SCALE_IN", "aspectId": "web_aspect", "numberOfSteps": 1}`, "SCALE", scaleLevel("web_aspect", 1))},
		{Name: "heal the whole VNF: COMPLETED", Run: l.step("heal", `{}`, "HEAL", nil)},
		{Name: "operate STOPPED: COMPLETED, vnfState STOPPED", Run: l.step("operate",
			`{"changeStateTo": "STOPPED"}`, "OPERATE", vnfState("STOPPED"))},
		{Name: "operate STARTED: COMPLETED, vnfState STARTED", Run: l.step("operate",
			`{"changeStateTo": "STARTED"}`, "OPERATE", vnfState("STARTED"))},
		{Name: "terminate FORCEFUL: 202, COMPLETED, NOT_INSTANTIATED; COMPLETED notified; DELETE: 204", Run: l.checkTerminate},
	}
}

// infoCheck checks the instantiatedVnfInfo of an instance after a step.
type infoCheck func(info map[string]any) error

func scaleLevel(aspect string, level int) infoCheck {
	return func(info map[string]any) error {
		list, _ := info["scaleStatus"].([]any)
		for _, s := range list {
			si, _ := s.(map[string]any)
			if si["aspectId"] == aspect {
				if got, _ := si["scaleLevel"].(float64); int(got) != level {
					return fmt.Errorf("scaleStatus of %s is level %v, want %d", aspect, si["scaleLevel"], level)
				}
				return nil
			}
		}
		return fmt.Errorf("scaleStatus %v has no aspect %s", info["scaleStatus"], aspect)
	}
}

func vnfState(want string) infoCheck {
	return func(info map[string]any) error {
		if info["vnfState"] != want {
			return fmt.Errorf("vnfState is %v, want %s", info["vnfState"], want)
		}
		return nil
	}
}

// step runs task with body on the instantiated instance: 202 to an
// occurrence of operation that completes and is notified COMPLETED, after
// which the instance's instantiatedVnfInfo passes want (if not nil).
func (l *vnflcm) step(task, body, operation string, want infoCheck) func(context.Context) error {
	return func(ctx context.Context) error {
		lc, err := l.instantiatedInstance(ctx)
		if err != nil {
			return err
		}
		if lc.instantiated != nil {
			return fmt.Errorf("set up: %w", lc.instantiated)
		}
		id := lc.inst.ID
		r, err := l.client().Do(ctx, check.Request{Method: http.MethodPost, Path: l.path(id) + "/" + task,
			Body: []byte(body), ContentType: check.JSON})
		if err != nil {
			return err
		}
		op, err := l.accepted(ctx, r, id, operation)
		if err != nil {
			return err
		}
		if op.OperationState != "COMPLETED" {
			return fmt.Errorf("%s occurrence %s ended %s, want COMPLETED", operation, op.ID, op.OperationState)
		}
		errs := []error{l.expectOpNotified(ctx, lc.sub, id, op.ID, "COMPLETED")}
		if want != nil {
			info, err := l.instantiatedInfo(ctx, id)
			if err == nil {
				err = want(info)
			}
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	}
}

// expectOpNotified waits for the notification that occurrence opID of
// instance id reached state, and checks it.
func (l *vnflcm) expectOpNotified(ctx context.Context, sub subscribed, id, opID, state string) error {
	what := "VnfLcmOperationOccurrenceNotification of " + opID + " " + state
	return l.expectLCMNotificationOf(ctx, sub, id, lcmOpOccType, what, func(got lcmNotification) bool {
		return got.VnfLcmOpOccID == opID && got.OperationState == state
	})
}

// instantiatedInfo reads instance id with all_fields, each page checked
// against the list schema, and returns its instantiatedVnfInfo.
func (l *vnflcm) instantiatedInfo(ctx context.Context, id string) (map[string]any, error) {
	items, err := l.list(ctx, url.Values{"filter": {"(eq,id," + id + ")"}, "all_fields": {""}})
	if err != nil {
		return nil, err
	}
	if len(items) != 1 {
		return nil, fmt.Errorf("%d instances listed for id %s", len(items), id)
	}
	info, ok := items[0]["instantiatedVnfInfo"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("instance %s has no instantiatedVnfInfo", id)
	}
	return info, nil
}

// instantiatedInstance is the lifecycle instance, instantiated; without
// --instantiate the checks that need it are skipped.
func (l *vnflcm) instantiatedInstance(ctx context.Context) (lifecycle, error) {
	if !l.srv.cfg.Instantiate {
		return lifecycle{}, check.Skipf("no --instantiate: the VNFM is not taken to have a VIM")
	}
	lc, err := l.life.get(func() (lifecycle, error) {
		var lc lifecycle
		var err error
		filter := map[string]any{"vnfInstanceSubscriptionFilter": map[string]any{
			"vnfInstanceNames": []string{l.instanceName("lifecycle")}}}
		if lc.sub, err = l.subscribe(ctx, "LccnSubscription", l.callbackName("lifecycle"), filter); err != nil {
			return lc, err
		}
		if lc.inst, err = l.create(ctx, "lifecycle", nil); err != nil {
			return lc, err
		}
		lc.instantiated = l.instantiate(ctx, lc)
		return lc, nil
	})
	if err != nil {
		return lc, fmt.Errorf("set up: %w", err)
	}
	return lc, nil
}

// instantiate instantiates lc's instance and checks the outcome.
func (l *vnflcm) instantiate(ctx context.Context, lc lifecycle) error {
	id := lc.inst.ID
	r, err := l.client().Do(ctx, check.Request{Method: http.MethodPost, Path: l.path(id) + "/instantiate",
		Body: []byte(instantiateBody), ContentType: check.JSON})
	if err != nil {
		return err
	}
	op, err := l.accepted(ctx, r, id, "INSTANTIATE")
	if err != nil {
		return err
	}
	if op.OperationState != "COMPLETED" {
		return fmt.Errorf("INSTANTIATE occurrence %s ended %s, want COMPLETED", op.ID, op.OperationState)
	}
	errs := []error{l.expectInstantiated(ctx, id, "INSTANTIATED")}
	for _, state := range []string{"STARTING", "COMPLETED"} {
		errs = append(errs, l.expectLCMNotification(ctx, lc.sub, id, lcmOpOccType, "INSTANTIATE", state))
	}
	return errors.Join(errs...)
}

// expectInstantiated reads instance id with all_fields and checks its
// instantiationState, and that instantiatedVnfInfo is there exactly when
// it is INSTANTIATED.
func (l *vnflcm) expectInstantiated(ctx context.Context, id, state string) error {
	items, err := l.list(ctx, url.Values{"filter": {"(eq,id," + id + ")"}, "all_fields": {""}})
	if err != nil {
		return err
	}
	if len(items) != 1 {
		return fmt.Errorf("%d instances listed for id %s", len(items), id)
	}
	it := items[0]
	_, hasInfo := it["instantiatedVnfInfo"]
	if it["instantiationState"] != state || hasInfo != (state == "INSTANTIATED") {
		return fmt.Errorf("instance %s is %v with instantiatedVnfInfo %v, want %s", id, it["instantiationState"], hasInfo, state)
	}
	if _, _, err := l.get(ctx, id); err != nil {
		return err
	}
	return nil
}

func (l *vnflcm) checkInstantiate(ctx context.Context) error {
	lc, err := l.instantiatedInstance(ctx)
	if err != nil {
		return err
	}
	return lc.instantiated
}

func (l *vnflcm) checkInstantiatedConflict(ctx context.Context) error {
	lc, err := l.instantiatedInstance(ctx)
	if err != nil {
		return err
	}
	if lc.instantiated != nil {
		return fmt.Errorf("set up: %w", lc.instantiated)
	}
	var errs []error
	for _, req := range []check.Request{
		{Method: http.MethodPost, Path: l.path(lc.inst.ID) + "/instantiate", Body: []byte(instantiateBody), ContentType: check.JSON},
		{Method: http.MethodDelete, Path: l.path(lc.inst.ID)},
	} {
		r, err := l.client().Do(ctx, req)
		if err == nil {
			err = l.problem(r, http.StatusConflict)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (l *vnflcm) checkTerminate(ctx context.Context) error {
	lc, err := l.instantiatedInstance(ctx)
	if err != nil {
		return err
	}
	id := lc.inst.ID
	r, err := l.client().Do(ctx, check.Request{Method: http.MethodPost, Path: l.path(id) + "/terminate",
		Body: []byte(`{"terminationType": "FORCEFUL"}`), ContentType: check.JSON})
	if err != nil {
		return err
	}
	op, err := l.accepted(ctx, r, id, "TERMINATE")
	if err != nil {
		return err
	}
	if op.OperationState != "COMPLETED" {
		return fmt.Errorf("TERMINATE occurrence %s ended %s, want COMPLETED", op.ID, op.OperationState)
	}
	errs := []error{
		l.expectInstantiated(ctx, id, "NOT_INSTANTIATED"),
		l.expectLCMNotification(ctx, lc.sub, id, lcmOpOccType, "TERMINATE", "COMPLETED"),
	}
	r, err = l.client().Do(ctx, check.Request{Method: http.MethodDelete, Path: l.path(id)})
	if err == nil {
		err = r.ExpectStatus(http.StatusNoContent)
	}
	return errors.Join(append(errs, err, l.deleteSubscription(ctx, lc.sub.ID))...)
}
