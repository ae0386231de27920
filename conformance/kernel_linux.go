//go:build linux

package conformance

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// kernelSettle is the pause before a drain. rtnetlink, the taps and
// AF_PACKET deliver synchronously inside sendmsg and recvmsg, so this is
// a margin, not a wait for work.
const kernelSettle = 5 * time.Millisecond

// Kernel is the backend of the running Linux kernel, through raw
// AF_NETLINK and AF_PACKET sockets. It needs root, and it is meant to run
// inside the kernel oracle (../shared/kernel-oracle), whose kernel has
// nlmon: Kernel fails unless KNET_ORACLE=1 is set and the process is root.
func Kernel() (Backend, error) {
	if os.Getenv("KNET_ORACLE") != "1" {
		return nil, errors.New("the kernel backend runs inside the kernel oracle only (KNET_ORACLE=1, see cmd/record)")
	}
	if os.Geteuid() != 0 {
		return nil, errors.New("the kernel backend needs root")
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return nil, err
	}
	return kernelBackend{release: unix.ByteSliceToString(u.Release[:])}, nil
}

type kernelBackend struct{ release string }

func (kernelBackend) Name() string { return "kernel" }

// Run runs the scenario on a goroutine locked to a thread that unshares
// its network namespace. The goroutine never unlocks the thread, so the
// thread exits with it and takes its namespaces along.
func (b kernelBackend) Run(sc *Scenario) (*Result, error) {
	type out struct {
		r   *Result
		err error
	}
	ch := make(chan out, 1)
	go func() {
		runtime.LockOSThread()
		e := &kernelEnv{release: b.release, nsfd: make(map[string]int), tids: make(map[string]uint32), park: make(chan struct{})}
		defer e.close()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			ch <- out{nil, fmt.Errorf("unshare(CLONE_NEWNET): %w", err)}
			return
		}
		fd, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			ch <- out{nil, err}
			return
		}
		e.nsfd["a"] = fd
		r, err := run(e, sc)
		ch <- out{r, err}
	}()
	o := <-ch
	return o.r, o.err
}

type kernelEnv struct {
	release string
	nsfd    map[string]int
	// tids are the thread ids of the threads parked in each namespace
	// for IFLA_NET_NS_PID and NETNSA_PID; closing park releases them.
	tids map[string]uint32
	park chan struct{}
}

func (e *kernelEnv) kernel() string { return e.release }

// newNS unshares another namespace and returns to "a"; sockets are made
// in it by entering it with setns.
func (e *kernelEnv) newNS(name string) error {
	if _, dup := e.nsfd[name]; dup {
		return fmt.Errorf("namespace %q exists", name)
	}
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("unshare(CLONE_NEWNET): %w", err)
	}
	fd, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	e.nsfd[name] = fd
	return unix.Setns(e.nsfd["a"], unix.CLONE_NEWNET)
}

// in runs f with the thread in namespace ns.
func (e *kernelEnv) in(ns string, f func() error) error {
	fd, ok := e.nsfd[ns]
	if !ok {
		return fmt.Errorf("no namespace %q", ns)
	}
	if ns == "a" {
		return f()
	}
	if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("setns %s: %w", ns, err)
	}
	defer func() {
		if err := unix.Setns(e.nsfd["a"], unix.CLONE_NEWNET); err != nil {
			panic("conformance: cannot return to namespace a: " + err.Error())
		}
	}()
	return f()
}

// withoutNetAdmin runs f with CAP_NET_ADMIN dropped from the thread's
// effective capabilities (it stays permitted, so it is restored after).
func withoutNetAdmin(f func() error) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capget: %w", err)
	}
	saved := data
	data[0].Effective &^= 1 << unix.CAP_NET_ADMIN
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	defer func() {
		if err := unix.Capset(&hdr, &saved[0]); err != nil {
			panic("conformance: cannot restore capabilities: " + err.Error())
		}
	}()
	return f()
}

func (e *kernelEnv) open(ns string, o Open) (sock, string, error) {
	s := &kernelSock{fd: -1, unpriv: o.Unpriv}
	var op string
	err := e.in(ns, func() error {
		return s.as(func() error {
			fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, o.Proto)
			if err != nil {
				op = "socket"
				return err
			}
			s.fd = fd
			if o.RcvBuf != 0 {
				if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, o.RcvBuf); err != nil {
					op = "SO_RCVBUF"
					return err
				}
			}
			for _, opt := range o.Opts {
				if err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, opt, 1); err != nil {
					op = fmt.Sprintf("setsockopt %d", opt)
					return err
				}
			}
			if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: o.Groups}); err != nil {
				op = "socket+bind"
				return err
			}
			sa, err := unix.Getsockname(fd)
			if err != nil {
				op = "getsockname"
				return err
			}
			s.pid = sa.(*unix.SockaddrNetlink).Pid
			return nil
		})
	})
	if err != nil {
		if s.fd >= 0 {
			unix.Close(s.fd)
		}
		if op == "socket" {
			op = "socket+bind" // the model's Socket creates and binds in one call
		}
		return nil, op, err
	}
	return s, "", nil
}

// htons gives v in network byte order, as a sockaddr_ll field holds it.
func htons(v uint16) uint16 {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)
	return binary.NativeEndian.Uint16(b[:])
}

func (e *kernelEnv) capture(ns, dev string) (capSock, error) {
	idx, err := e.ifindex(ns, dev)
	if err != nil {
		return nil, err
	}
	c := &kernelCap{fd: -1}
	err = e.in(ns, func() error {
		// Protocol 0 at socket(), ETH_P_ALL at bind: the socket never
		// sees frames of other devices.
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		c.fd = fd
		return unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: int(idx)})
	})
	if err != nil {
		if c.fd >= 0 {
			unix.Close(c.fd)
		}
		return nil, err
	}
	return c, nil
}

func (e *kernelEnv) ifindex(ns, dev string) (int32, error) {
	var idx int32
	err := e.in(ns, func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		ifr, err := unix.NewIfreq(dev)
		if err != nil {
			return err
		}
		if err := unix.IoctlIfreq(fd, unix.SIOCGIFINDEX, ifr); err != nil {
			return err
		}
		idx = int32(ifr.Uint32())
		return nil
	})
	return idx, err
}

func (e *kernelEnv) unload(module string, waitIdle bool) error {
	if waitIdle {
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			b, err := os.ReadFile("/sys/module/" + module + "/refcnt")
			if err != nil || strings.TrimSpace(string(b)) == "0" {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return unix.DeleteModule(module, unix.O_NONBLOCK)
}

// nsRef names a namespace as the requests of this process can: by the
// descriptor of its namespace file, or by the id of a thread that lives
// in it (get_net_ns_by_pid looks the id up with find_task_by_vpid, which
// finds threads too). The thread is started on first use: a goroutine
// locked to its own OS thread that enters the namespace with setns and
// waits until the scenario ends; it never unlocks, so its thread exits
// with it.
func (e *kernelEnv) nsRef(ns string, pid bool) (uint32, error) {
	fd, ok := e.nsfd[ns]
	if !ok {
		return 0, fmt.Errorf("no namespace %q", ns)
	}
	if !pid {
		return uint32(fd), nil
	}
	if tid, ok := e.tids[ns]; ok {
		return tid, nil
	}
	type started struct {
		tid int
		err error
	}
	ch := make(chan started, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			ch <- started{0, fmt.Errorf("setns %s: %w", ns, err)}
			return
		}
		ch <- started{unix.Gettid(), nil}
		<-e.park
	}()
	st := <-ch
	if st.err != nil {
		return 0, st.err
	}
	e.tids[ns] = uint32(st.tid)
	return uint32(st.tid), nil
}

func (e *kernelEnv) settle() { time.Sleep(kernelSettle) }

func (e *kernelEnv) sleep(d time.Duration) { time.Sleep(d) }

func (e *kernelEnv) quiesce(d time.Duration) { time.Sleep(d) }

func (e *kernelEnv) close() {
	close(e.park)
	for _, fd := range e.nsfd {
		unix.Close(fd)
	}
}

type kernelSock struct {
	fd     int
	pid    uint32
	unpriv bool
}

// as runs an operation with the socket's privileges.
func (s *kernelSock) as(f func() error) error {
	if s.unpriv {
		return withoutNetAdmin(f)
	}
	return f()
}

func (s *kernelSock) port() uint32 { return s.pid }

func (s *kernelSock) send(b []byte, port, groups uint32) error {
	return s.as(func() error {
		return unix.Sendto(s.fd, b, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Pid: port, Groups: groups})
	})
}

func (s *kernelSock) join(g uint32) error {
	return s.as(func() error {
		return unix.SetsockoptInt(s.fd, unix.SOL_NETLINK, unix.NETLINK_ADD_MEMBERSHIP, int(g))
	})
}

func (s *kernelSock) leave(g uint32) error {
	return s.as(func() error {
		return unix.SetsockoptInt(s.fd, unix.SOL_NETLINK, unix.NETLINK_DROP_MEMBERSHIP, int(g))
	})
}

func (s *kernelSock) recv(bufLen int) ([]byte, int, uint32, uint32, error) {
	buf := make([]byte, bufLen)
	var (
		n    int
		from unix.Sockaddr
	)
	err := s.as(func() error {
		var err error
		n, from, err = unix.Recvfrom(s.fd, buf, unix.MSG_DONTWAIT|unix.MSG_TRUNC)
		return err
	})
	if err != nil {
		return nil, 0, 0, 0, err
	}
	var port, groups uint32
	if sa, ok := from.(*unix.SockaddrNetlink); ok {
		port, groups = sa.Pid, sa.Groups
	}
	return buf[:min(n, bufLen)], n, port, groups, nil
}

func (s *kernelSock) close() error { return unix.Close(s.fd) }

type kernelCap struct{ fd int }

func (c *kernelCap) recv(bufLen int) ([]byte, int, frameMeta, error) {
	buf := make([]byte, bufLen)
	n, from, err := unix.Recvfrom(c.fd, buf, unix.MSG_DONTWAIT|unix.MSG_TRUNC)
	if err != nil {
		return nil, 0, frameMeta{}, err
	}
	var m frameMeta
	if sa, ok := from.(*unix.SockaddrLinklayer); ok {
		m = frameMeta{protocol: htons(sa.Protocol), pktType: sa.Pkttype, hatype: sa.Hatype, ifindex: int32(sa.Ifindex), halen: sa.Halen}
	}
	return buf[:min(n, bufLen)], n, m, nil
}

// send is send(2) without an address: packet_snd transmits on the device
// the socket is bound to, with skb->protocol parsed from the frame.
func (c *kernelCap) send(frame []byte) error { return unix.Sendto(c.fd, frame, 0, nil) }

func (c *kernelCap) close() error { return unix.Close(c.fd) }
