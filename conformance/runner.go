package conformance

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// Backend runs scenarios against one implementation of the kernel: the
// model ([Model]) or the running Linux kernel ([Kernel]).
type Backend interface {
	// Name is "model" or "kernel".
	Name() string
	// Run runs the scenario in a fresh network namespace and returns what
	// was observed. An error means the scenario could not run (a broken
	// scenario or backend), not that the kernel answered with one.
	Run(sc *Scenario) (*Result, error)
}

// env is what a backend provides to the runner, which interprets the
// steps the same way for both: namespaces, sockets, captures, modules.
// Operations run on the runner's goroutine, which the kernel backend has
// locked to its OS thread.
type env interface {
	kernel() string
	// newNS creates a namespace; the runner then brings its lo up.
	newNS(name string) error
	// open creates, configures and binds a netlink socket; op names the
	// failing operation.
	open(ns string, o Open) (s sock, op string, err error)
	capture(ns, dev string) (capSock, error)
	ifindex(ns, dev string) (int32, error)
	unload(module string, waitIdle bool) error
	// nsRef is the value that names namespace ns in a request of this
	// backend: a file descriptor, or with pid the id of a task in it.
	nsRef(ns string, pid bool) (uint32, error)
	// settle gives asynchronous work a moment before a drain.
	settle()
	sleep(d time.Duration)
	// quiesce waits for the kernel's global state left by earlier
	// scenarios to lapse (Quiesce); the model has none.
	quiesce(d time.Duration)
	close()
}

type sock interface {
	port() uint32
	send(b []byte, port, groups uint32) error
	join(group uint32) error
	leave(group uint32) error
	// recv receives one datagram without blocking into a buffer of bufLen
	// bytes (MSG_TRUNC): data is what fits, n the full length. An empty
	// queue is EAGAIN.
	recv(bufLen int) (data []byte, n int, port, groups uint32, err error)
	close() error
}

type frameMeta struct {
	protocol uint16 // host order
	pktType  uint8
	hatype   uint16
	ifindex  int32
	halen    uint8
}

type capSock interface {
	recv(bufLen int) (data []byte, n int, m frameMeta, err error)
	// send transmits a whole link-layer frame on the bound device.
	send(frame []byte) error
	close() error
}

const (
	defaultRecvLen = 65536
	maxDrain       = 4096 // datagrams per drain, a guard against runaway loops
	maxDrainErrors = 4
)

type runSock struct {
	s       sock
	ns      string
	proto   int
	recvLen int
}

type runner struct {
	e     env
	step  int
	socks map[string]*runSock
	caps  map[string]capSock
	capNS map[string]string
	// failedCaps are the captures whose Capture step failed (an error
	// event): later steps on them do nothing.
	failedCaps map[string]bool
	// refs maps the backend's namespace reference values back to the
	// scenario's sentinels (see nsref.go).
	refs map[nsRefKey]uint32
	// nss are the scenario's namespaces in order of creation.
	nss []string
	res *Result
}

type nsRefKey struct {
	pid  bool
	real uint32
}

// run interprets sc over e. The caller has created namespace "a".
func run(e env, sc *Scenario) (*Result, error) {
	r := &runner{
		e:          e,
		socks:      make(map[string]*runSock),
		caps:       make(map[string]capSock),
		capNS:      make(map[string]string),
		refs:       make(map[nsRefKey]uint32),
		failedCaps: make(map[string]bool),
		res:        &Result{Scenario: sc.Name, Fingerprint: sc.Fingerprint(), Kernel: e.kernel(), Events: []Event{}},
	}
	defer r.closeAll()
	if err := r.loUp("a"); err != nil {
		return nil, err
	}
	r.nss = []string{"a"}
	for i, st := range sc.Steps {
		r.step = i
		if err := r.do(st); err != nil {
			return nil, fmt.Errorf("%s: step %d (%T): %w", sc.Name, i, st, err)
		}
	}
	r.res.NSIDs = r.nsids()
	return r.res, nil
}

// nsids asks, after the last step, every namespace for the id it has for
// each other one (RTM_GETNSID by NETNSA_FD, which allocates none), for
// Normalize to follow interface indexes across namespaces. Ids never
// change while both namespaces live, so the table holds for every event.
// Failed queries and unassigned ids are left out.
func (r *runner) nsids() map[string]map[string]int32 {
	if len(r.nss) < 2 {
		return nil
	}
	var out map[string]map[string]int32
	seq := uint32(0)
	for _, x := range r.nss {
		s, _, err := r.e.open(x, Open{Proto: unix.NETLINK_ROUTE})
		if err != nil {
			continue
		}
		for _, y := range r.nss {
			if y == x {
				continue
			}
			fd, err := r.e.nsRef(y, false)
			if err != nil {
				continue
			}
			seq++
			b, _ := nsidMsg(unix.RTM_GETNSID, fReq, seq, A(netnsaFD, U32(fd))).encode(nil)
			if s.send(b, 0, 0) != nil {
				continue
			}
			r.e.settle()
			id := int32(-1)
			for range maxDrainErrors {
				data, _, _, _, err := s.recv(defaultRecvLen)
				if err != nil {
					break
				}
				if len(data) < 20 || ne.Uint32(data[8:]) != seq || ne.Uint16(data[4:]) != unix.RTM_NEWNSID {
					continue
				}
				forAttrs(data[20:min(int(ne.Uint32(data)), len(data))], func(t uint16, a []byte) {
					if t == netnsaNSID && len(a) == 8 {
						id = int32(ne.Uint32(a[4:]))
					}
				})
				break
			}
			if id < 0 {
				continue
			}
			if out == nil {
				out = map[string]map[string]int32{}
			}
			if out[x] == nil {
				out[x] = map[string]int32{}
			}
			out[x][y] = id
		}
		s.close()
	}
	return out
}

func (r *runner) closeAll() {
	for _, s := range r.socks {
		s.s.close()
	}
	for _, c := range r.caps {
		c.close()
	}
}

// loUp brings lo of ns up, as `ip link set lo up` does, through a socket
// it closes again; the answer must be a plain ack.
func (r *runner) loUp(ns string) error {
	s, op, err := r.e.open(ns, Open{Proto: unix.NETLINK_ROUTE})
	if err != nil {
		return fmt.Errorf("lo up in %s: %s: %w", ns, op, err)
	}
	defer s.close()
	m := Msg{Type: unix.RTM_NEWLINK, Flags: unix.NLM_F_REQUEST | unix.NLM_F_ACK, Seq: 1,
		Link: &Ifinfo{Index: 1, Flags: unix.IFF_UP, Change: unix.IFF_UP}}
	b, _ := m.encode(nil)
	if err := s.send(b, 0, 0); err != nil {
		return fmt.Errorf("lo up in %s: %w", ns, err)
	}
	r.e.settle()
	data, _, _, _, err := s.recv(defaultRecvLen)
	if err != nil {
		return fmt.Errorf("lo up in %s: %w", ns, err)
	}
	if len(data) < 20 || binary.NativeEndian.Uint16(data[4:]) != unix.NLMSG_ERROR || binary.NativeEndian.Uint32(data[16:]) != 0 {
		return fmt.Errorf("lo up in %s: unexpected answer %x", ns, data)
	}
	return nil
}

func (r *runner) add(ev Event) {
	ev.Step = r.step
	r.res.Events = append(r.res.Events, ev)
}

// capture returns the capture opened as name; nil and no error for one
// whose opening failed (its steps do nothing: the failure is an event).
func (r *runner) capture(name string) (capSock, error) {
	if c, ok := r.caps[name]; ok {
		return c, nil
	}
	if r.failedCaps[name] {
		return nil, nil
	}
	return nil, fmt.Errorf("no capture %q", name)
}

func (r *runner) sock(name string) (*runSock, error) {
	s, ok := r.socks[name]
	if !ok {
		return nil, fmt.Errorf("no socket %q", name)
	}
	return s, nil
}

func nsOf(ns string) string {
	if ns == "" {
		return "a"
	}
	return ns
}

func (r *runner) do(st Step) error {
	switch st := st.(type) {
	case Open:
		ns := nsOf(st.NS)
		if _, dup := r.socks[st.Sock]; dup {
			return fmt.Errorf("socket %q opened twice", st.Sock)
		}
		s, op, err := r.e.open(ns, st)
		if err != nil {
			r.add(Event{Kind: EvError, NS: ns, Sock: st.Sock, Proto: st.Proto, Op: op, Errno: errnoString(err)})
			return nil
		}
		rl := st.RecvLen
		if rl == 0 {
			rl = defaultRecvLen
		}
		r.socks[st.Sock] = &runSock{s: s, ns: ns, proto: st.Proto, recvLen: rl}
		r.add(Event{Kind: EvOpen, NS: ns, Sock: st.Sock, Proto: st.Proto, Port: s.port()})
	case Close:
		if s, ok := r.socks[st.Sock]; ok {
			delete(r.socks, st.Sock)
			if err := s.s.close(); err != nil {
				r.add(Event{Kind: EvError, NS: s.ns, Sock: st.Sock, Op: "close", Errno: errnoString(err)})
			}
			return nil
		}
		if c, ok := r.caps[st.Sock]; ok {
			delete(r.caps, st.Sock)
			if err := c.close(); err != nil {
				r.add(Event{Kind: EvError, NS: r.capNS[st.Sock], Sock: st.Sock, Op: "close", Errno: errnoString(err)})
			}
			return nil
		}
		if r.failedCaps[st.Sock] {
			return nil
		}
		return fmt.Errorf("no socket or capture %q", st.Sock)
	case Send:
		s, err := r.sock(st.Sock)
		if err != nil {
			return err
		}
		var b []byte
		for _, m := range st.Msgs {
			mb, err := m.encode(func(dev string) (int32, error) { return r.e.ifindex(s.ns, dev) })
			if err != nil {
				// The device the request names does not exist (encode
				// fails for nothing else): a backend that failed to
				// create it. The datagram is not sent; the event shows
				// why.
				r.add(Event{Kind: EvError, NS: s.ns, Sock: st.Sock, Proto: s.proto, Op: "ifindex of " + m.Link.Dev, Errno: errnoString(err)})
				return nil
			}
			b = append(b, mb...)
		}
		wire, err := r.substituteNSRefs(s.proto, b)
		if err != nil {
			return err
		}
		var port uint32
		if st.To != "" {
			d, err := r.sock(st.To)
			if err != nil {
				return err
			}
			port = d.s.port()
		}
		err = s.s.send(wire, port, st.Groups)
		r.add(Event{Kind: EvSend, NS: s.ns, Sock: st.Sock, Proto: s.proto, Port: port, Groups: st.Groups,
			Len: len(b), Data: b, Errno: errnoString(err)})
	case Join, Leave:
		var name, op string
		var group uint32
		join := false
		if j, ok := st.(Join); ok {
			name, group, op, join = j.Sock, j.Group, "NETLINK_ADD_MEMBERSHIP", true
		} else {
			l := st.(Leave)
			name, group, op = l.Sock, l.Group, "NETLINK_DROP_MEMBERSHIP"
		}
		s, err := r.sock(name)
		if err != nil {
			return err
		}
		if join {
			err = s.s.join(group)
		} else {
			err = s.s.leave(group)
		}
		if err != nil {
			r.add(Event{Kind: EvError, NS: s.ns, Sock: name, Proto: s.proto, Op: op, Errno: errnoString(err)})
		}
	case Drain:
		r.e.settle()
		for _, name := range st.Socks {
			s, err := r.sock(name)
			if err != nil {
				return err
			}
			r.drain(name, s, maxDrain, EvRecv)
		}
	case Recv:
		s, err := r.sock(st.Sock)
		if err != nil {
			return err
		}
		r.e.settle()
		r.drain(st.Sock, s, st.N, EvRecv)
	case Capture:
		ns := nsOf(st.NS)
		if _, dup := r.caps[st.Cap]; dup {
			return fmt.Errorf("capture %q opened twice", st.Cap)
		}
		c, err := r.e.capture(ns, st.Dev)
		if err != nil {
			r.add(Event{Kind: EvError, NS: ns, Sock: st.Cap, Op: "packet bind", Errno: errnoString(err)})
			r.failedCaps[st.Cap] = true
			return nil
		}
		r.caps[st.Cap] = c
		r.capNS[st.Cap] = ns
	case DrainCapture:
		c, err := r.capture(st.Cap)
		if c == nil {
			return err
		}
		r.e.settle()
		r.drainCapture(st.Cap, c)
	case Stats:
		s, err := r.sock(st.Sock)
		if err != nil {
			return err
		}
		m := Msg{Type: unix.RTM_GETLINK, Flags: unix.NLM_F_REQUEST, Seq: st.Seq, Link: &Ifinfo{},
			Body: A(unix.IFLA_IFNAME, Str(st.Dev))}
		b, _ := m.encode(nil)
		if err := s.s.send(b, 0, 0); err != nil {
			r.add(Event{Kind: EvError, NS: s.ns, Sock: st.Sock, Op: "sendmsg", Errno: errnoString(err)})
			return nil
		}
		r.e.settle()
		r.drain(st.Sock, s, maxDrain, EvStats)
	case NewNS:
		if err := r.e.newNS(st.NS); err != nil {
			return err
		}
		r.nss = append(r.nss, st.NS)
		return r.loUp(st.NS)
	case Unload:
		err := r.e.unload(st.Module, st.WaitIdle)
		r.add(Event{Kind: EvUnload, Op: "delete_module " + st.Module, Errno: errnoString(err)})
	case SendFrame:
		c, err := r.capture(st.Cap)
		if c == nil {
			return err
		}
		err = c.send(st.Frame)
		r.add(Event{Kind: EvSendFrame, NS: r.capNS[st.Cap], Sock: st.Cap, Len: len(st.Frame),
			Data: append(Hex(nil), st.Frame...), Errno: errnoString(err)})
	case Sleep:
		r.e.sleep(time.Duration(st.Ms) * time.Millisecond)
	case Quiesce:
		r.e.quiesce(time.Duration(st.Ms) * time.Millisecond)
	default:
		return fmt.Errorf("unknown step %T", st)
	}
	return nil
}

func (r *runner) drain(name string, s *runSock, max int, kind string) {
	errs := 0
	for got := 0; got < max; {
		data, n, port, groups, err := s.s.recv(s.recvLen)
		if errors.Is(err, unix.EAGAIN) {
			return
		}
		if err != nil {
			r.add(Event{Kind: EvError, NS: s.ns, Sock: name, Proto: s.proto, Op: "recvmsg", Errno: errnoString(err)})
			if errs++; errs >= maxDrainErrors {
				return
			}
			continue
		}
		got++
		if s.proto == unix.NETLINK_ROUTE {
			r.restoreNSRefs(data)
		}
		r.add(Event{Kind: kind, NS: s.ns, Sock: name, Proto: s.proto, Port: port, Groups: groups, Len: n, Data: data})
	}
}

func (r *runner) drainCapture(name string, c capSock) {
	errs := 0
	for got := 0; got < maxDrain; {
		data, n, m, err := c.recv(defaultRecvLen)
		if errors.Is(err, unix.EAGAIN) {
			return
		}
		if err != nil {
			r.add(Event{Kind: EvError, NS: r.capNS[name], Sock: name, Op: "recvfrom", Errno: errnoString(err)})
			if errs++; errs >= maxDrainErrors {
				return
			}
			continue
		}
		got++
		if m.hatype == unix.ARPHRD_NETLINK && m.protocol == unix.NETLINK_ROUTE {
			r.restoreNSRefs(data)
		}
		r.add(Event{Kind: EvFrame, NS: r.capNS[name], Sock: name, Proto: int(m.protocol), Len: n, Data: data,
			PktType: m.pktType, Hatype: m.hatype, Ifindex: m.ifindex, Halen: m.halen})
	}
}

// substituteNSRefs returns the datagram b to put on the wire: a copy with
// every namespace reference sentinel replaced by the backend's value, which
// restoreNSRefs maps back later.
func (r *runner) substituteNSRefs(proto int, b []byte) ([]byte, error) {
	if proto != unix.NETLINK_ROUTE {
		return b, nil
	}
	wire := append([]byte(nil), b...)
	var err error
	forNSRefs(wire, func(pid bool, v []byte) {
		sentinel := ne.Uint32(v)
		ns, isPID, ok := parseNSRef(sentinel)
		if !ok || isPID != pid || err != nil {
			return
		}
		real, e := r.e.nsRef(ns, pid)
		if e != nil {
			err = fmt.Errorf("namespace reference to %s: %w", ns, e)
			return
		}
		if _, dup := r.refs[nsRefKey{pid, real}]; !dup {
			r.refs[nsRefKey{pid, real}] = sentinel
		}
		ne.PutUint32(v, real)
	})
	return wire, err
}

// restoreNSRefs maps the backend's namespace reference values in a
// received datagram or captured netlink frame back to their sentinels.
func (r *runner) restoreNSRefs(b []byte) {
	if len(r.refs) == 0 {
		return
	}
	forNSRefs(b, func(pid bool, v []byte) {
		if s, ok := r.refs[nsRefKey{pid, ne.Uint32(v)}]; ok {
			ne.PutUint32(v, s)
		}
	})
}
