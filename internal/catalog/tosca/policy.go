package tosca

import "strconv"

// policies reads the policies of a topology: a list of one-key maps, as
// TOSCA and SOL 001 write them (a plain map is accepted too).
func (l *loader) policies(c *checker, t *TopologyTemplate, v *Value, path string) {
	if v.IsNull() {
		return
	}
	var entries []Entry
	var paths []string
	switch v.Kind {
	case KindList:
		for i, item := range v.List {
			if item.Kind != KindMap || len(item.Map) != 1 {
				l.d.add(CodeSyntax, item.Pos, joinPath(path, strconv.Itoa(i)), "a policy must be a map with one key")
				continue
			}
			entries = append(entries, item.Map[0])
			paths = append(paths, joinPath(path, item.Map[0].Key))
		}
	case KindMap:
		for _, e := range v.Map {
			entries = append(entries, e)
			paths = append(paths, joinPath(path, e.Key))
		}
	default:
		l.d.add(CodeSyntax, v.Pos, path, "must be a list of policies")
		return
	}
	for i, e := range entries {
		if p := l.policy(c, t, e, paths[i]); p != nil {
			t.Policies = append(t.Policies, p)
		}
	}
}

func (l *loader) policy(c *checker, t *TopologyTemplate, e Entry, path string) *Policy {
	p := &Policy{Name: e.Key, Pos: e.KeyPos}
	v := e.Value
	if !l.p.wantMap(v, path) {
		return p
	}
	l.p.checkKeys(v, path, "type", "description", "metadata", "properties", "targets", "triggers")
	p.TypeName = l.p.str(v.Get("type"), joinPath(path, "type"))
	p.Description = l.p.str(v.Get("description"), joinPath(path, "description"))
	p.Metadata = l.p.strMap(v.Get("metadata"), joinPath(path, "metadata"))
	p.Targets = l.p.strList(v.Get("targets"), joinPath(path, "targets"))
	if p.TypeName == "" {
		l.d.add(CodeMissingRequired, e.KeyPos, joinPath(path, "type"), "policy has no type")
		return p
	}
	p.Type = c.typeRef(p.TypeName, v.Get("type").Pos, joinPath(path, "type"), PolicyType)
	l.checkMembers(c, t, p.Targets, validTypesOf(p.Type), v.Get("targets").posOr(p.Pos), joinPath(path, "targets"), "target")
	if p.Type != nil {
		p.Properties = c.assign(v.Get("properties"), p.Type.Property, p.Type.AllProperties(), p.Pos, joinPath(path, "properties"), "property", true)
	}
	p.Triggers = l.triggers(c, t, v.Get("triggers"), joinPath(path, "triggers"))
	return p
}

func (v *Value) posOr(p Pos) Pos {
	if v == nil {
		return p
	}
	return v.Pos
}

var triggerKeys = []string{
	"description", "event", "event_type", "schedule", "target_filter", "condition",
	"constraint", "period", "evaluations", "method", "action",
}

// triggers reads event-condition-action rules. Events are names (or maps
// with a type); conditions and actions are kept as written after their
// functions are checked.
func (l *loader) triggers(c *checker, t *TopologyTemplate, v *Value, path string) []*Trigger {
	if !l.p.wantMap(v, path) {
		return nil
	}
	var out []*Trigger
	for _, e := range v.Map {
		tpath := joinPath(path, e.Key)
		tr := &Trigger{Name: e.Key, Pos: e.KeyPos}
		out = append(out, tr)
		if !l.p.wantMap(e.Value, tpath) {
			continue
		}
		l.p.checkKeys(e.Value, tpath, triggerKeys...)
		tr.Description = l.p.str(e.Value.Get("description"), joinPath(tpath, "description"))
		ev := e.Value.Get("event")
		if ev == nil {
			ev = e.Value.Get("event_type")
		}
		if ev != nil && ev.Kind == KindMap {
			tr.Event = l.p.str(ev.Get("type"), joinPath(tpath, "event", "type"))
		} else {
			tr.Event = l.p.str(ev, joinPath(tpath, "event"))
		}
		if tr.Event == "" {
			l.d.add(CodeMissingRequired, e.KeyPos, joinPath(tpath, "event"), "trigger has no event")
		}
		tr.Condition = e.Value.Get("condition")
		if tr.Condition == nil {
			tr.Condition = e.Value.Get("constraint")
		}
		tr.Action = e.Value.Get("action")
		if tr.Action.IsNull() {
			l.d.add(CodeMissingRequired, e.KeyPos, joinPath(tpath, "action"), "trigger has no action")
		}
		tr.TargetFilter = e.Value.Get("target_filter")
		tr.Schedule = e.Value.Get("schedule")
		if tf := tr.TargetFilter.Get("node"); tf != nil && t.nodes[tf.Str] == nil && c.reg.lookup(NodeType, tf.Str) == nil {
			l.d.add(CodeUnknownName, tf.Pos, joinPath(tpath, "target_filter", "node"), "no node template or type %q", tf.Str)
		}
		l.checkActivities(c, t, tr.Action, joinPath(tpath, "action"))
	}
	return out
}

// checkActivities checks the call_operation and delegate activities of an
// action list: the operation must be Interface.operation.
func (l *loader) checkActivities(c *checker, t *TopologyTemplate, v *Value, path string) {
	if v == nil || v.Kind != KindList {
		return
	}
	for i, act := range v.List {
		apath := joinPath(path, strconv.Itoa(i))
		op := act.Get("call_operation")
		if op == nil {
			continue
		}
		name := op.Str
		if op.Kind == KindMap {
			name = op.Get("operation").String()
		}
		if !validOperationRef(name) {
			l.d.add(CodeSyntax, op.Pos, joinPath(apath, "call_operation"), "operation %q must be <interface>.<operation>", name)
		}
	}
}

func validOperationRef(s string) bool {
	for i := 1; i < len(s)-1; i++ {
		if s[i] == '.' {
			return true
		}
	}
	return false
}

// substitution reads substitution_mappings and checks every mapping points
// at an existing template, capability or requirement.
func (l *loader) substitution(c *checker, t *TopologyTemplate, v *Value, path string) *SubstitutionMappings {
	if !l.p.wantMap(v, path) {
		return nil
	}
	l.p.checkKeys(v, path, "node_type", "properties", "capabilities", "requirements", "interfaces", "attributes", "substitution_filter", "node")
	sm := &SubstitutionMappings{
		NodeType:     l.p.str(v.Get("node_type"), joinPath(path, "node_type")),
		Properties:   l.p.valueMap(v.Get("properties"), joinPath(path, "properties")),
		Interfaces:   l.p.valueMap(v.Get("interfaces"), joinPath(path, "interfaces")),
		Capabilities: map[string][2]string{},
		Requirements: map[string][2]string{},
		Pos:          v.Pos,
	}
	if sm.NodeType == "" {
		l.d.add(CodeMissingRequired, v.Pos, joinPath(path, "node_type"), "substitution_mappings has no node_type")
		return sm
	}
	sm.Type = c.typeRef(sm.NodeType, v.Get("node_type").Pos, joinPath(path, "node_type"), NodeType)
	if sm.Type == nil {
		return sm
	}
	for _, name := range sortedKeys(sm.Properties) {
		pv := sm.Properties[name]
		ppath := joinPath(path, "properties", name)
		def := sm.Type.Property(name)
		if def == nil {
			l.d.add(CodeUnknownProperty, pv.Pos, ppath, "node type %s has no property %q", sm.NodeType, name)
			continue
		}
		if pv.Kind == KindList && len(pv.List) == 1 && t.inputs[pv.List[0].Str] != nil {
			continue // TOSCA 1.2 mapping to an input
		}
		c.value(pv, defSpec(def), ppath)
	}
	l.mappings(t, sm, v.Get("capabilities"), joinPath(path, "capabilities"), true)
	l.mappings(t, sm, v.Get("requirements"), joinPath(path, "requirements"), false)
	return sm
}

func (l *loader) mappings(t *TopologyTemplate, sm *SubstitutionMappings, v *Value, path string, caps bool) {
	if !l.p.wantMap(v, path) {
		return
	}
	what := "requirement"
	if caps {
		what = "capability"
	}
	for _, e := range v.Map {
		mpath := joinPath(path, e.Key)
		if (caps && sm.Type.Capability(e.Key) == nil) || (!caps && sm.Type.Requirement(e.Key) == nil) {
			l.d.add(CodeUnknownName, e.KeyPos, mpath, "node type %s has no %s %q", sm.NodeType, what, e.Key)
		}
		if e.Value.Kind != KindList || len(e.Value.List) != 2 {
			l.d.add(CodeSyntax, e.Value.Pos, mpath, "a %s mapping must be [node_template, %s]", what, what)
			continue
		}
		node, name := e.Value.List[0].Str, e.Value.List[1].Str
		n := t.nodes[node]
		switch {
		case n == nil:
			l.d.add(CodeUnknownName, e.Value.Pos, mpath, "no node template %q", node)
			continue
		case n.Type == nil:
		case caps && n.Type.Capability(name) == nil:
			l.d.add(CodeUnknownName, e.Value.Pos, mpath, "node template %q has no capability %q", node, name)
		case !caps && n.Type.Requirement(name) == nil:
			l.d.add(CodeUnknownName, e.Value.Pos, mpath, "node template %q has no requirement %q", node, name)
		}
		if caps {
			sm.Capabilities[e.Key] = [2]string{node, name}
		} else {
			sm.Requirements[e.Key] = [2]string{node, name}
		}
	}
}
