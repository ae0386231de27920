package conformance

import (
	"encoding/binary"
	"errors"
	"fmt"

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
	// settle gives asynchronous work a moment before a drain.
	settle()
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
	res   *Result
}

// run interprets sc over e. The caller has created namespace "a".
func run(e env, sc *Scenario) (*Result, error) {
	r := &runner{
		e:     e,
		socks: make(map[string]*runSock),
		caps:  make(map[string]capSock),
		capNS: make(map[string]string),
		res:   &Result{Scenario: sc.Name, Fingerprint: sc.Fingerprint(), Kernel: e.kernel(), Events: []Event{}},
	}
	defer r.closeAll()
	if err := r.loUp("a"); err != nil {
		return nil, err
	}
	for i, st := range sc.Steps {
		r.step = i
		if err := r.do(st); err != nil {
			return nil, fmt.Errorf("%s: step %d (%T): %w", sc.Name, i, st, err)
		}
	}
	return r.res, nil
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
				return err
			}
			b = append(b, mb...)
		}
		var port uint32
		if st.To != "" {
			d, err := r.sock(st.To)
			if err != nil {
				return err
			}
			port = d.s.port()
		}
		err = s.s.send(b, port, st.Groups)
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
			return nil
		}
		r.caps[st.Cap] = c
		r.capNS[st.Cap] = ns
	case DrainCapture:
		c, ok := r.caps[st.Cap]
		if !ok {
			return fmt.Errorf("no capture %q", st.Cap)
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
		return r.loUp(st.NS)
	case Unload:
		err := r.e.unload(st.Module, st.WaitIdle)
		r.add(Event{Kind: EvUnload, Op: "delete_module " + st.Module, Errno: errnoString(err)})
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
		r.add(Event{Kind: EvFrame, NS: r.capNS[name], Sock: name, Proto: int(m.protocol), Len: n, Data: data,
			PktType: m.pktType, Hatype: m.hatype, Ifindex: m.ifindex, Halen: m.halen})
	}
}
