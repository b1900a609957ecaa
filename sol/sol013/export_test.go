package sol013

// EncodeListItem encodes v as ListPage encodes each item.
func EncodeListItem(v any) ([]byte, error) {
	b, err := newItemEncoder().encode(v)
	return append([]byte(nil), b...), err
}
