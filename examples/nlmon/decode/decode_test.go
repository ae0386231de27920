package decode_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/examples/nlmon/decode"
	"github.com/knetlab/knet/net/nettest"
)

func msg(typ, flags uint16, seq, pid uint32, payload ...[]byte) []byte {
	b := make([]byte, 16)
	binary.NativeEndian.PutUint16(b[4:], typ)
	binary.NativeEndian.PutUint16(b[6:], flags)
	binary.NativeEndian.PutUint32(b[8:], seq)
	binary.NativeEndian.PutUint32(b[12:], pid)
	for _, p := range payload {
		b = append(b, p...)
	}
	binary.NativeEndian.PutUint32(b, uint32(len(b)))
	return b
}

var (
	attr = nettest.Attr
	u32  = nettest.U32
)

func s32(v int32) []byte { return u32(uint32(v)) }

func ifinfo(typ uint16, index int32, flags, change uint32) []byte {
	b := make([]byte, 16)
	binary.NativeEndian.PutUint16(b[2:], typ)
	binary.NativeEndian.PutUint32(b[4:], uint32(index))
	binary.NativeEndian.PutUint32(b[8:], flags)
	binary.NativeEndian.PutUint32(b[12:], change)
	return b
}

func nlerr(errno int32, req []byte) []byte {
	return append(s32(-errno), req[:16]...)
}

func ptr(v uint32) *uint32 { return &v }

func TestFrame(t *testing.T) {
	newlinkReq := msg(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_CREATE|unix.NLM_F_EXCL, 7, 4242,
		ifinfo(0, 0, 0, 0), attr(unix.IFLA_IFNAME, []byte("nlmon1\x00")), attr(unix.IFLA_MTU, u32(10)),
		attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, []byte("nlmon\x00"))))
	tests := []struct {
		name     string
		protocol uint16
		frame    []byte
		want     []decode.Message
		line     string
	}{
		{
			name: "create request", frame: newlinkReq,
			want: []decode.Message{{
				Direction: decode.ToKernel, Family: "route", Type: "RTM_NEWLINK", TypeNum: unix.RTM_NEWLINK,
				Flags: []string{"REQUEST", "ACK", "EXCL", "CREATE"}, FlagBits: 0x605, Seq: 7, PortID: 4242, Len: uint32(len(newlinkReq)),
				Link: &decode.Link{Name: "nlmon1", MTU: ptr(10), Kind: "nlmon"},
			}},
			line: "user->kernel route RTM_NEWLINK flags=REQUEST,ACK,EXCL,CREATE seq=7 port=4242 len=68 ifname=nlmon1 mtu=10 kind=nlmon",
		},
		{
			name: "error with extack, capped",
			frame: msg(unix.NLMSG_ERROR, unix.NLM_F_CAPPED|unix.NLM_F_ACK_TLVS, 7, 4242, nlerr(int32(unix.EINVAL), newlinkReq),
				attr(unix.NLMSGERR_ATTR_MSG, []byte("mtu less than device minimum\x00")), attr(unix.NLMSGERR_ATTR_OFFS, u32(44))),
			want: []decode.Message{{
				Direction: decode.ToUser, Family: "route", Type: "NLMSG_ERROR", TypeNum: unix.NLMSG_ERROR,
				Flags: []string{"CAPPED", "ACK_TLVS"}, FlagBits: 0x300, Seq: 7, PortID: 4242, Len: 80,
				Error: &decode.Error{Errno: 22, Name: "EINVAL", Request: "RTM_NEWLINK", RequestSeq: 7,
					Message: "mtu less than device minimum", Offset: ptr(44)},
			}},
			line: `kernel->user route NLMSG_ERROR flags=CAPPED,ACK_TLVS seq=7 port=4242 len=80 error=EINVAL(22) extack="mtu less than device minimum" offs=44 req=RTM_NEWLINK`,
		},
		{
			name: "error echoing the request, then extack",
			frame: msg(unix.NLMSG_ERROR, unix.NLM_F_ACK_TLVS, 7, 4242, append(s32(-int32(unix.EINVAL)), newlinkReq...),
				attr(unix.NLMSGERR_ATTR_MSG, []byte("no\x00"))),
			want: []decode.Message{{
				Direction: decode.ToUser, Family: "route", Type: "NLMSG_ERROR", TypeNum: unix.NLMSG_ERROR,
				Flags: []string{"ACK_TLVS"}, FlagBits: 0x200, Seq: 7, PortID: 4242, Len: 16 + 4 + 68 + 8,
				Error: &decode.Error{Errno: 22, Name: "EINVAL", Request: "RTM_NEWLINK", RequestSeq: 7, Message: "no"},
			}},
			line: `kernel->user route NLMSG_ERROR flags=ACK_TLVS seq=7 port=4242 len=96 error=EINVAL(22) extack="no" req=RTM_NEWLINK`,
		},
		{
			name:  "ack",
			frame: msg(unix.NLMSG_ERROR, unix.NLM_F_CAPPED, 7, 4242, nlerr(0, newlinkReq)),
			want: []decode.Message{{
				Direction: decode.ToUser, Family: "route", Type: "NLMSG_ERROR", TypeNum: unix.NLMSG_ERROR,
				Flags: []string{"CAPPED"}, FlagBits: 0x100, Seq: 7, PortID: 4242, Len: 36,
				Error: &decode.Error{Request: "RTM_NEWLINK", RequestSeq: 7},
			}},
			line: "kernel->user route NLMSG_ERROR flags=CAPPED seq=7 port=4242 len=36 ack req=RTM_NEWLINK",
		},
		{
			name: "dump request and a two-message reply frame with done",
			frame: append(append(msg(unix.RTM_NEWLINK, unix.NLM_F_MULTI, 9, 1, ifinfo(824, 2, 0x100c1, 0), attr(unix.IFLA_IFNAME, []byte("nlmon0\x00"))),
				msg(unix.RTM_NEWLINK, unix.NLM_F_MULTI|unix.NLM_F_DUMP_INTR, 9, 1, ifinfo(772, 1, 0x49, 0))...),
				msg(unix.NLMSG_DONE, unix.NLM_F_MULTI, 9, 1, u32(0))...),
			want: []decode.Message{
				{Direction: decode.ToUser, Family: "route", Type: "RTM_NEWLINK", TypeNum: unix.RTM_NEWLINK,
					Flags: []string{"MULTI"}, FlagBits: 2, Seq: 9, PortID: 1, Len: 44,
					Link: &decode.Link{Index: 2, DevType: 824, Flags: []string{"UP", "RUNNING", "NOARP", "LOWER_UP"}, FlagBits: 0x100c1, Name: "nlmon0"}},
				{Direction: decode.ToUser, Family: "route", Type: "RTM_NEWLINK", TypeNum: unix.RTM_NEWLINK,
					Flags: []string{"MULTI", "DUMP_INTR"}, FlagBits: 0x12, Seq: 9, PortID: 1, Len: 32,
					Link: &decode.Link{Index: 1, DevType: 772, Flags: []string{"UP", "LOOPBACK", "RUNNING"}, FlagBits: 0x49}},
				{Direction: decode.ToUser, Family: "route", Type: "NLMSG_DONE", TypeNum: unix.NLMSG_DONE,
					Flags: []string{"MULTI"}, FlagBits: 2, Seq: 9, PortID: 1, Len: 20, Done: &decode.Done{}},
			},
			line: "kernel->user route RTM_NEWLINK flags=MULTI seq=9 port=1 len=44 ifindex=2 ifname=nlmon0 <UP,RUNNING,NOARP,LOWER_UP>",
		},
		{
			name:  "get dump request",
			frame: msg(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, 3, 5, ifinfo(0, 0, 0, 0)),
			want: []decode.Message{{Direction: decode.ToKernel, Family: "route", Type: "RTM_GETLINK", TypeNum: unix.RTM_GETLINK,
				Flags: []string{"REQUEST", "DUMP"}, FlagBits: 0x301, Seq: 3, PortID: 5, Len: 32, Link: &decode.Link{}}},
			line: "user->kernel route RTM_GETLINK flags=REQUEST,DUMP seq=3 port=5 len=32",
		},
		{
			name:  "legacy rtgenmsg dump request",
			frame: msg(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_ROOT, 3, 5, []byte{0, 0, 0, 0}),
			want: []decode.Message{{Direction: decode.ToKernel, Family: "route", Type: "RTM_GETLINK", TypeNum: unix.RTM_GETLINK,
				Flags: []string{"REQUEST", "ROOT"}, FlagBits: 0x101, Seq: 3, PortID: 5, Len: 20}},
			line: "user->kernel route RTM_GETLINK flags=REQUEST,ROOT seq=3 port=5 len=20",
		},
		{
			name:  "delete request and unknown flag bits",
			frame: msg(unix.RTM_DELLINK, unix.NLM_F_REQUEST|unix.NLM_F_NONREC|0x1000, 1, 5, ifinfo(0, 3, 0, 0)),
			want: []decode.Message{{Direction: decode.ToKernel, Family: "route", Type: "RTM_DELLINK", TypeNum: unix.RTM_DELLINK,
				Flags: []string{"REQUEST", "NONREC", "0x1000"}, FlagBits: 0x1101, Seq: 1, PortID: 5, Len: 32, Link: &decode.Link{Index: 3}}},
			line: "user->kernel route RTM_DELLINK flags=REQUEST,NONREC,0x1000 seq=1 port=5 len=32 ifindex=3",
		},
		{
			name: "generic", protocol: unix.NETLINK_GENERIC,
			frame: msg(unix.GENL_ID_CTRL, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 1, 5, []byte{unix.CTRL_CMD_GETFAMILY, 1, 0, 0}),
			want: []decode.Message{{Direction: decode.ToKernel, Family: "generic", Protocol: 16, Type: "nlctrl", TypeNum: unix.GENL_ID_CTRL,
				Flags: []string{"REQUEST", "ACK"}, FlagBits: 5, Seq: 1, PortID: 5, Len: 20, Genl: &decode.Genl{Cmd: 3, Version: 1}}},
			line: "user->kernel generic nlctrl flags=REQUEST,ACK seq=1 port=5 len=20 cmd=3 version=1",
		},
		{
			name: "unknown family and type", protocol: 12,
			frame: msg(0x123, 0, 0, 0),
			want:  []decode.Message{{Direction: decode.ToUser, Family: "netfilter", Protocol: 12, Type: "0x123", TypeNum: 0x123, Len: 16}},
			line:  "kernel->user netfilter 0x123 seq=0 port=0 len=16",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decode.Frame(tt.protocol, tt.frame)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if line := got[0].String(); line != tt.line {
				t.Errorf("String():\n got %s\nwant %s", line, tt.line)
			}
		})
	}
}

func TestTruncated(t *testing.T) {
	ok := msg(unix.RTM_GETLINK, unix.NLM_F_REQUEST, 1, 1, ifinfo(0, 0, 0, 0))
	tests := []struct {
		name  string
		frame []byte
		n     int
	}{
		{"short header", append(append([]byte{}, ok...), 1, 2, 3), 1},
		{"length past the end", append(append([]byte{}, ok...), msg(3, 0, 0, 0, make([]byte, 8))[:20]...), 1},
		{"length below the header", []byte{4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0},
	}
	for _, tt := range tests {
		got, err := decode.Frame(0, tt.frame)
		if !errors.Is(err, decode.ErrTruncated) || len(got) != tt.n {
			t.Errorf("%s: %d messages, %v; want %d and ErrTruncated", tt.name, len(got), err, tt.n)
		}
	}
}

func TestJSON(t *testing.T) {
	got, err := decode.Frame(0, msg(unix.NLMSG_DONE, unix.NLM_F_MULTI, 1, 2, s32(-int32(unix.EBUSY))))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(got[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"direction":"kernel-\u003euser","family":"route","protocol":0,"type":"NLMSG_DONE","type_num":3,"flags":["MULTI"],"flag_bits":2,"seq":1,"port_id":2,"len":20,"done":{"errno":16,"name":"EBUSY"}}`
	if string(b) != want {
		t.Errorf("JSON:\n got %s\nwant %s", b, want)
	}
}

// FuzzFrame: any bytes decode without panicking, within their bounds, and
// format and marshal.
func FuzzFrame(f *testing.F) {
	f.Add(uint16(0), msg(unix.RTM_NEWLINK, unix.NLM_F_REQUEST, 1, 1, ifinfo(0, 0, 0, 0), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, []byte("nlmon\x00")))))
	f.Add(uint16(0), msg(unix.NLMSG_ERROR, unix.NLM_F_ACK_TLVS, 1, 1, append(u32(0xffffffea), msg(16, 1, 1, 1, make([]byte, 20))...), attr(1, []byte("x\x00"))))
	f.Add(uint16(16), msg(unix.GENL_ID_CTRL, 1, 1, 1, []byte{3, 1, 0, 0}))
	f.Add(uint16(0), []byte{})
	f.Fuzz(func(t *testing.T, protocol uint16, b []byte) {
		msgs, _ := decode.Frame(protocol, b)
		total := 0
		for _, m := range msgs {
			total += int(m.Len)
			_ = m.String()
			if _, err := json.Marshal(m); err != nil {
				t.Fatal(err)
			}
		}
		if total > len(b) {
			t.Fatalf("messages span %d bytes of %d", total, len(b))
		}
	})
}
