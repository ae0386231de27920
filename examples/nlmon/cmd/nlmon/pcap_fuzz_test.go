package main

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/knetlab/knet/examples/nlmon/decode"
)

// FuzzPcapFrame writes arbitrary frames through the pcap writer and reads
// them back: every record must carry the frame whole, the LINKTYPE_NETLINK
// header (pkttype, ARPHRD_NETLINK, protocol) big-endian, and decode as the
// frame itself does.
func FuzzPcapFrame(f *testing.F) {
	f.Add(uint8(4), uint16(0), []byte{16, 0, 0, 0, 18, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0})
	f.Add(uint8(4), uint16(16), []byte{20, 0, 0, 0, 2, 0, 0, 1, 1, 0, 0, 0, 7, 0, 0, 0, 0xea, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, pkttype uint8, protocol uint16, data []byte) {
		var buf bytes.Buffer
		w, err := newPcapWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		ts := time.Unix(1764000000, 123456000)
		if err := w.writeFrame(ts, pkttype, protocol, data); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if len(b) < 24+16+16 {
			t.Fatalf("pcap of %d bytes", len(b))
		}
		le, be := binary.LittleEndian, binary.BigEndian
		rec := b[24:]
		incl, orig := int(le.Uint32(rec[8:])), int(le.Uint32(rec[12:]))
		want := min(16+len(data), pcapSnaplen)
		if incl != want || orig != 16+len(data) || len(rec) != 16+incl {
			t.Fatalf("record lengths incl %d orig %d in %d bytes for %d bytes of data", incl, orig, len(rec), len(data))
		}
		sll := rec[16:32]
		if be.Uint16(sll[0:]) != uint16(pkttype) || be.Uint16(sll[2:]) != 824 || be.Uint16(sll[14:]) != protocol {
			t.Fatalf("link-layer header %x", sll)
		}
		if !bytes.Equal(rec[32:], data[:incl-16]) {
			t.Fatal("payload differs from the frame")
		}
		data = data[:incl-16]
		m1, e1 := decode.Frame(protocol, data)
		m2, e2 := decode.Frame(be.Uint16(sll[14:]), rec[32:])
		if (e1 == nil) != (e2 == nil) || len(m1) != len(m2) {
			t.Fatalf("decoding the record and the frame differ: %v/%v, %d/%d messages", e1, e2, len(m1), len(m2))
		}
	})
}
