package core

import (
	"encoding/binary"
	"testing"
)

// FuzzNlaParse runs the ifla_policy parse over arbitrary attribute bytes in
// every validation mode: it must not panic, every attribute it keeps must
// lie inside the input with its offset pointing at its header, and a
// failure in strict mode must name an attribute inside the input when it
// names one at all.
func FuzzNlaParse(f *testing.F) {
	f.Add([]byte{8, 0, 4, 0, 0xdc, 5, 0, 0}, uint8(0))
	f.Add([]byte{7, 0, 3, 0, 'l', 'o', 0, 0, 6, 0, 4, 0, 1, 2, 0, 0}, uint8(1))
	f.Add([]byte{12, 0, 18, 0, 9, 0, 1, 0, 'n', 'l', 'm', 'o', 'n', 0, 0, 0}, uint8(2))
	f.Fuzz(func(t *testing.T, b []byte, mode uint8) {
		const base = 32
		validate := []int{nlValidateLiberal, nlValidateTrailing | nlValidateMaxtype, nlValidateStrict}[int(mode)%3]
		var tb [IFLA_MAX + 1]Attr
		ext := newExtAck()
		err := nlaParse(tb[:], IFLA_MAX, b, base, iflaPolicy, validate, &ext)
		for typ, a := range tb {
			if !a.ok {
				continue
			}
			off := int(a.Off) - base
			if off < 0 || off+NLA_HDRLEN+len(a.Data) > len(b) {
				t.Fatalf("attribute %d at %d (+%d) outside %d bytes", typ, a.Off, len(a.Data), len(b))
			}
			if l := int(binary.NativeEndian.Uint16(b[off:])); l != NLA_HDRLEN+len(a.Data) {
				t.Fatalf("attribute %d: header says %d bytes, view has %d", typ, l, NLA_HDRLEN+len(a.Data))
			}
		}
		if err != nil && ext.BadAttr >= 0 && (ext.BadAttr < base || ext.BadAttr >= base+len(b)) {
			t.Fatalf("error %v points at offset %d outside the attributes", err, ext.BadAttr)
		}
	})
}
