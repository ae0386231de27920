package conformance

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Scenario is one conformance scenario: data that a [Backend] runs step by
// step. Every scenario starts in a fresh network namespace "a" whose lo
// the runner has brought up (RTM_NEWLINK ifindex 1, IFF_UP) through a
// socket it closes before the first step, so the model and the kernel
// start equal.
type Scenario struct {
	// Name identifies the scenario and names its golden file.
	Name string
	// Desc says what the scenario checks.
	Desc string
	// Steps run in order.
	Steps []Step
}

// Fingerprint is a hash of the scenario's steps. A golden recorded from a
// scenario whose steps changed since is stale and must be re-recorded.
func (sc *Scenario) Fingerprint() string {
	h := sha256.New()
	for i, s := range sc.Steps {
		b, err := json.Marshal(s)
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(h, "%d %T %s\n", i, s, b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Step is one action of a scenario: one of the types below.
type Step interface{ step() }

// Open opens a netlink socket, socket(AF_NETLINK, SOCK_RAW, Proto): it
// sets SO_RCVBUF and the SOL_NETLINK options in Opts to 1, then binds it
// with an automatic port id and the bind-time group bitmask Groups.
type Open struct {
	Sock  string // the name later steps use
	NS    string // namespace; "" is "a"
	Proto int    // unix.NETLINK_ROUTE, ...
	Opts  []int  // unix.NETLINK_CAP_ACK, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, ...
	// Groups is sockaddr_nl.nl_groups at bind.
	Groups uint32
	// Unpriv opens and uses the socket without CAP_NET_ADMIN: the model's
	// DialConfig.Unprivileged; in the kernel, CAP_NET_ADMIN is dropped
	// from the thread's effective set around every operation on it.
	Unpriv bool
	// RcvBuf, when non-zero, is set with SO_RCVBUF before binding.
	RcvBuf int
	// RecvLen is the buffer length of every recvmsg on the socket (it
	// decides the kernel's dump chunk size); 0 means 65536.
	RecvLen int
}

// Close closes a socket or a capture.
type Close struct{ Sock string }

// Send sends one datagram holding Msgs, each padded to NLMSG_ALIGNTO, to
// the kernel (port 0), or to the socket named To and/or the groups in
// Groups (sendto with a sockaddr_nl).
type Send struct {
	Sock   string
	Msgs   []Msg
	To     string
	Groups uint32
}

// Join is setsockopt(NETLINK_ADD_MEMBERSHIP, Group).
type Join struct {
	Sock  string
	Group uint32
}

// Leave is setsockopt(NETLINK_DROP_MEMBERSHIP, Group).
type Leave struct {
	Sock  string
	Group uint32
}

// Drain receives everything queued on each socket in order, after a short
// settle, without blocking, until EAGAIN. Receive errors (ENOBUFS) are
// results too.
type Drain struct{ Socks []string }

// Recv receives at most N datagrams from a socket without blocking.
type Recv struct {
	Sock string
	N    int
}

// Capture opens a packet socket (AF_PACKET, SOCK_RAW, ETH_P_ALL) bound to
// the device Dev of namespace NS.
type Capture struct {
	Cap string
	NS  string
	Dev string
}

// DrainCapture receives every queued frame of a capture, as Drain does.
type DrainCapture struct{ Cap string }

// Stats reads a device's counters: RTM_GETLINK by IFLA_IFNAME on Sock,
// and records the answer.
type Stats struct {
	Sock string
	Dev  string
	Seq  uint32
}

// NewNS creates another network namespace and brings its lo up.
type NewNS struct{ NS string }

// SendFrame transmits Frame from the packet socket of capture Cap:
// send(2) without an address on the AF_PACKET SOCK_RAW socket bound (with
// ETH_P_ALL) to the capture's device, so Frame is the whole link-layer
// frame, Ethernet header included (packet_snd). The result is an
// EvSendFrame event with send's errno.
type SendFrame struct {
	Cap   string
	Frame []byte
}

// Sleep pauses the scenario for Ms milliseconds on both backends (the
// model follows wall time too): time-driven kernel work such as
// linkwatch's one-run-a-second limit for non-urgent events falls due.
type Sleep struct{ Ms int }

// Quiesce waits, in the kernel only, for state that earlier scenarios
// left in the kernel's global (not per-namespace) machinery to lapse:
// linkwatch's rate limit (linkwatch_nextevent, one non-urgent run a
// second) and the delayed linkwatch work of devices destroyed with their
// namespaces. The model boots a new kernel for every scenario, so there is
// nothing to wait for and it does nothing.
type Quiesce struct{ Ms int }

// Unload is delete_module(Module, O_NONBLOCK), rmmod. WaitIdle first waits
// (in the kernel) until the module's reference count is 0, for namespaces
// of earlier scenarios that the kernel destroys asynchronously.
type Unload struct {
	Module   string
	WaitIdle bool
}

func (Open) step()         {}
func (Close) step()        {}
func (Send) step()         {}
func (Join) step()         {}
func (Leave) step()        {}
func (Drain) step()        {}
func (Recv) step()         {}
func (Capture) step()      {}
func (DrainCapture) step() {}
func (Stats) step()        {}
func (NewNS) step()        {}
func (Unload) step()       {}
func (SendFrame) step()    {}
func (Sleep) step()        {}
func (Quiesce) step()      {}

// Msg is one netlink message to send.
type Msg struct {
	Type  uint16
	Flags uint16
	Seq   uint32
	// Link, when set, is the ifinfomsg at the start of the payload.
	Link *Ifinfo
	// Body follows Link: attributes, or the whole payload without Link.
	Body []byte
	// Len overrides nlmsg_len; 0 computes it.
	Len uint32
}

// Ifinfo is struct ifinfomsg. Dev, when set, names the device whose
// ifindex the runner puts in ifi_index at run time.
type Ifinfo struct {
	Family uint8
	Type   uint16
	Index  int32
	Dev    string
	Flags  uint32
	Change uint32
}

// encode builds the message; index resolves Ifinfo.Dev.
func (m Msg) encode(index func(dev string) (int32, error)) ([]byte, error) {
	b := make([]byte, 16)
	if m.Link != nil {
		idx := m.Link.Index
		if m.Link.Dev != "" {
			var err error
			if idx, err = index(m.Link.Dev); err != nil {
				return nil, fmt.Errorf("ifindex of %s: %w", m.Link.Dev, err)
			}
		}
		l := *m.Link
		l.Index = idx
		b = append(b, ifinfoBytes(l)...)
	}
	b = append(b, m.Body...)
	n := uint32(len(b))
	if m.Len != 0 {
		n = m.Len
	}
	binary.NativeEndian.PutUint32(b[0:], n)
	binary.NativeEndian.PutUint16(b[4:], m.Type)
	binary.NativeEndian.PutUint16(b[6:], m.Flags)
	binary.NativeEndian.PutUint32(b[8:], m.Seq)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b, nil
}

// Attribute helpers: the scenario catalogue builds its requests with them.

// A is a netlink attribute (struct nlattr) with its payload, padded.
func A(typ uint16, data ...[]byte) []byte {
	var p []byte
	for _, d := range data {
		p = append(p, d...)
	}
	b := make([]byte, 4, 4+len(p)+3)
	binary.NativeEndian.PutUint16(b, uint16(4+len(p)))
	binary.NativeEndian.PutUint16(b[2:], typ)
	b = append(b, p...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// U8, U16, U32 and U64 are native-endian attribute payloads.
func U8(v uint8) []byte   { return []byte{v} }
func U16(v uint16) []byte { return binary.NativeEndian.AppendUint16(nil, v) }
func U32(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }
func U64(v uint64) []byte { return binary.NativeEndian.AppendUint64(nil, v) }

// Str is a NUL-terminated string payload.
func Str(s string) []byte { return append([]byte(s), 0) }

// Cat concatenates byte slices (attributes).
func Cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}
