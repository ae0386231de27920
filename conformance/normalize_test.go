package conformance

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

func linkMsgBytes(t *testing.T, typ uint16, seq, pid uint32, index int32, attrs ...[]byte) []byte {
	t.Helper()
	b, err := Msg{Type: typ, Seq: seq, Link: &Ifinfo{Index: index}, Body: Cat(attrs...)}.encode(nil)
	if err != nil {
		t.Fatal(err)
	}
	ne.PutUint32(b[12:], pid)
	return b
}

func TestNormalize(t *testing.T) {
	cacheinfo := A(unix.IFLA_AF_SPEC, A(unix.AF_INET6, A(unix.IFLA_INET6_CACHEINFO, U32(65535), U32(1234), U32(27000), U32(1000))))
	zeroed := A(unix.IFLA_AF_SPEC, A(unix.AF_INET6, A(unix.IFLA_INET6_CACHEINFO, U32(65535), U32(0), U32(0), U32(1000))))
	reply := linkMsgBytes(t, unix.RTM_NEWLINK, 77, 4242, 9, cacheinfo)
	errMsg := append(linkMsgBytes(t, unix.NLMSG_ERROR, 77, 4242, 0), 0) // placeholder, rebuilt below
	errMsg = errMsg[:16]
	errMsg = append(errMsg, U32(uint32(0x100000000-22))...)
	errMsg = append(errMsg, linkMsgBytes(t, unix.RTM_GETLINK, 77, 0, 9)...)
	ne.PutUint32(errMsg, uint32(len(errMsg)))

	in := &Result{Events: []Event{
		{Kind: EvOpen, NS: "a", Port: 4242},
		{Kind: EvOpen, NS: "b", Port: 4242},
		{Kind: EvSend, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_GETLINK, 77, 0, 9)},
		{Kind: EvRecv, NS: "a", Proto: route, Data: reply},
		{Kind: EvRecv, NS: "a", Proto: route, Data: errMsg},
		{Kind: EvFrame, NS: "b", Proto: route, Ifindex: 9, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 0, 0, 1)},
	}}
	got := Normalize(in)

	wantErr := append([]byte(nil), errMsg...)
	ne.PutUint32(wantErr[8:], 1)
	ne.PutUint32(wantErr[12:], 1)
	ne.PutUint32(wantErr[20+8:], 1)
	ne.PutUint32(wantErr[20+20:], 2)
	want := []Event{
		{Kind: EvOpen, NS: "a", Port: 1},
		{Kind: EvOpen, NS: "b", Port: 1}, // port ids count per namespace
		{Kind: EvSend, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_GETLINK, 1, 0, 2)},
		{Kind: EvRecv, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 1, 1, 2, zeroed)},
		{Kind: EvRecv, NS: "a", Proto: route, Data: wantErr},
		{Kind: EvFrame, NS: "b", Proto: route, Ifindex: 2, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 0, 0, 1)},
	}
	if diff := cmp.Diff(want, got.Events); diff != "" {
		t.Errorf("Normalize (-want +got):\n%s", diff)
	}
	if in.Events[3].Data[8] != 77 {
		t.Error("Normalize changed its input")
	}
}

func TestCompareLocatesDifference(t *testing.T) {
	a := &Result{Events: []Event{{Kind: EvRecv, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 1, 0, 1, mtu(1500))}}}
	b := &Result{Events: []Event{{Kind: EvRecv, NS: "a", Proto: route, Data: linkMsgBytes(t, unix.RTM_NEWLINK, 1, 0, 1, mtu(1400))}}}
	c := Compare(a, b)
	if c.Match || len(c.Bytes) != 1 {
		t.Fatalf("Compare = %+v, want one byte difference", c)
	}
	if want := "byte offset 36 (0x24), msg 0 RTM_NEWLINK > IFLA_MTU [+4]: want 0xdc got 0x78"; !strings.Contains(c.Bytes[0], want) {
		t.Errorf("byte report %q does not contain %q", c.Bytes[0], want)
	}
	if !strings.Contains(c.Diff, "IFLA_MTU len=8 1500") {
		t.Errorf("text diff does not name the attribute:\n%s", c.Diff)
	}
	if !Compare(a, a).Match {
		t.Error("a result differs from itself")
	}
}

func TestEncodePadsAndResolves(t *testing.T) {
	m := Msg{Type: unix.RTM_GETLINK, Flags: fReq | fDump, Seq: 3, Body: []byte{unix.AF_PACKET}}
	b, err := m.encode(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 20 || ne.Uint32(b) != 17 {
		t.Errorf("rtgenmsg request: %d bytes, nlmsg_len %d; want 20 and 17", len(b), ne.Uint32(b))
	}
	b, err = get(1, "nlmon0").encode(func(dev string) (int32, error) {
		if dev != "nlmon0" {
			return 0, fmt.Errorf("asked for %q", dev)
		}
		return 7, nil
	})
	if err != nil || ne.Uint32(b[20:]) != 7 {
		t.Errorf("ifindex not resolved: %x, %v", b, err)
	}
}

// FuzzText: the decoder accepts any bytes in any protocol.
func FuzzText(f *testing.F) {
	for _, name := range []string{"ack-policy-error-layouts", "dump-strict-errors", "tap-generic"} {
		if r, err := ReadResult(GoldenDir, name); err == nil {
			for _, ev := range r.Events {
				if len(ev.Data) > 0 {
					f.Add(ev.Proto, []byte(ev.Data), 0)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, proto int, data []byte, off int) {
		r := &Result{Events: []Event{{Kind: EvRecv, NS: "a", Proto: proto & 31, Data: data}}}
		Text(Normalize(r))
		if len(data) > 0 {
			Locate(proto&31, data, (off%len(data)+len(data))%len(data))
		}
	})
}

// TestShow prints a scenario's decoded kernel and model results:
// KNET_SHOW=NAME go test ./conformance -run TestShow -v.
func TestShow(t *testing.T) {
	name := os.Getenv("KNET_SHOW")
	if name == "" {
		t.Skip("KNET_SHOW=SCENARIO prints its decoded kernel and model results")
	}
	s := Lookup(name)
	if s == nil {
		t.Fatalf("no scenario %q", name)
	}
	if k, err := ReadResult(kernelDir(), name); err == nil {
		t.Logf("kernel %s:\n%s", k.Kernel, strings.Join(Text(Normalize(k)), "\n"))
	} else {
		t.Log(err)
	}
	m, err := Model().Run(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("model (hash %s):\n%s", ModelHash(m), strings.Join(Text(Normalize(m)), "\n"))
}
