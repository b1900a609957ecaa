// Package mergepatch applies JSON Merge Patches (RFC 7396) to decoded JSON
// objects: the modifications of VNF instances and packages.
package mergepatch

import "maps"

// Apply applies patch to dst as a JSON Merge Patch (RFC 7396), the rule
// SOL 003 and SOL 005 give for the maps of a modification: null removes a key, an
// object merges into the object it names (or replaces what is not one), and
// anything else, arrays included, replaces. dst's own nested maps are copied
// before they change, since a caller may hold a shallow clone; the result
// never shares a map with patch.
func Apply(dst, patch map[string]any) map[string]any {
	for k, v := range patch {
		if v == nil {
			delete(dst, k)
			continue
		}
		if obj, ok := v.(map[string]any); ok {
			cur, _ := dst[k].(map[string]any)
			merged := make(map[string]any, len(cur)+len(obj))
			maps.Copy(merged, cur)
			v = Apply(merged, obj)
		}
		if dst == nil {
			dst = map[string]any{}
		}
		dst[k] = v
	}
	return dst
}
