//go:build linux

package benchmarks

import (
	"encoding/binary"
	"errors"
	"fmt"
	stdnet "net"
	"os"
	"runtime"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// host is the kernel side: a fresh, anonymous network namespace of the
// host kernel. It is made by unshare(CLONE_NEWNET) on a locked thread that
// is then thrown away, and it is held only by an open namespace fd and by
// the sockets opened in it. Nothing names it (no /run/netns entry), so it
// disappears, with every link created in it, once Close has run and its
// sockets are closed, or when the process exits however it exits.
type host struct {
	nsfd int
	kind string
}

// hostKinds are the link kinds tried for created links, in order of
// preference: dummy and ifb are single devices like nlmon; veth comes in
// pairs.
var hostKinds = []string{"dummy", "ifb", "veth"}

// NewHost creates a fresh network namespace of the host kernel. It fails
// with an error wrapping ErrNoHost when the host cannot: not root, or no
// namespace can be made.
func NewHost() (Env, error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: not root", ErrNoHost)
	}
	fd, err := unshareNetns()
	if err != nil {
		return nil, fmt.Errorf("%w: unshare(CLONE_NEWNET): %v", ErrNoHost, err)
	}
	h := &host{nsfd: fd}
	if h.kind, err = h.probeKind(); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// HostLinkKinds reports which link kinds a fresh namespace of the host
// accepts, in the order NewHost prefers them.
func HostLinkKinds() ([]string, error) {
	e, err := NewHost()
	if err != nil {
		return nil, err
	}
	defer e.Close()
	h := e.(*host)
	var out []string
	for _, k := range hostKinds {
		if h.tryKind(k) == nil {
			out = append(out, k)
		}
	}
	return out, nil
}

// unshareNetns makes a network namespace and returns an fd holding it.
func unshareNetns() (int, error) {
	type result struct {
		fd  int
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread() // the thread is unchanged
			ch <- result{-1, err}
			return
		}
		// The thread stays locked: the runtime ends it when this goroutine
		// returns, so no other goroutine ever runs in the namespace.
		fd, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		ch <- result{fd, err}
	}()
	r := <-ch
	return r.fd, r.err
}

// do runs fn on a fresh locked thread inside the namespace; the thread is
// discarded afterwards.
func (h *host) do(fn func() error) error {
	ch := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Setns(h.nsfd, unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			ch <- fmt.Errorf("setns: %w", err)
			return
		}
		ch <- fn()
	}()
	return <-ch
}

func (h *host) probeKind() (string, error) {
	kinds := hostKinds
	if HostKind != "" {
		kinds = []string{HostKind}
	}
	var errs []error
	for _, k := range kinds {
		err := h.tryKind(k)
		if err == nil {
			return k, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", k, err))
	}
	return "", fmt.Errorf("%w: no link kind of %v: %v", ErrNoHost, kinds, errors.Join(errs...))
}

func (h *host) tryKind(kind string) error {
	s, err := h.Socket()
	if err != nil {
		return err
	}
	defer s.Close()
	buf := make([]byte, RecvBufSize)
	if err := Ack(s, NewlinkReq("kbprobe0", kind, 0), buf); err != nil {
		return err
	}
	return Ack(s, DellinkReq("kbprobe0"), buf)
}

// Side implements Env.
func (*host) Side() string { return "kernel" }

// LinkKind implements Env.
func (h *host) LinkKind() string { return h.kind }

// Socket implements Env: socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) in
// the namespace, auto-bound, used with plain blocking sendto/recvfrom.
func (h *host) Socket() (Sock, error) {
	var fd int
	err := h.do(func() error {
		var err error
		fd, err = unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
		if err != nil {
			return fmt.Errorf("socket: %w", err)
		}
		if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
			unix.Close(fd)
			return fmt.Errorf("bind: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	tv := unix.NsecToTimeval(int64(timeout))
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("SO_RCVTIMEO: %w", err)
	}
	return &hostSock{fd: fd, sa: unix.SockaddrNetlink{Family: unix.AF_NETLINK}}, nil
}

// Packet implements Env: socket(AF_PACKET, SOCK_RAW, 0) in the
// namespace, bound to dev with ETH_P_ALL.
func (h *host) Packet(dev string) (PacketSock, error) {
	var fd int
	err := h.do(func() error {
		ifi, err := stdnet.InterfaceByName(dev)
		if err != nil {
			return err
		}
		if fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0); err != nil {
			return fmt.Errorf("socket: %w", err)
		}
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi.Index}); err != nil {
			unix.Close(fd)
			return fmt.Errorf("bind: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &hostPacket{fd: fd}, nil
}

type hostPacket struct{ fd int }

func (p *hostPacket) Send(b []byte) error {
	for {
		_, err := unix.Write(p.fd, b)
		if err != unix.EINTR {
			return err
		}
	}
}

func (p *hostPacket) Close() error { return unix.Close(p.fd) }

// htons gives v in network byte order, as a sockaddr_ll field holds it.
func htons(v uint16) uint16 {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)
	return binary.NativeEndian.Uint16(b[:])
}

// Dial implements Env: mdlayher/netlink's own Linux Conn, entering the
// namespace through Config.NetNS.
func (h *host) Dial() (*netlink.Conn, error) {
	return netlink.Dial(unix.NETLINK_ROUTE, &netlink.Config{NetNS: h.nsfd})
}

// Close implements Env: it drops the namespace fd; the namespace goes
// when the last socket in it closes.
func (h *host) Close() error {
	if h.nsfd < 0 {
		return nil
	}
	err := unix.Close(h.nsfd)
	h.nsfd = -1
	return err
}

type hostSock struct {
	fd int
	sa unix.SockaddrNetlink
}

func (s *hostSock) Send(b []byte) error {
	for {
		err := unix.Sendto(s.fd, b, 0, &s.sa)
		if err != unix.EINTR {
			return err
		}
	}
}

func (s *hostSock) Recv(b []byte) (int, error) {
	for {
		n, _, err := unix.Recvfrom(s.fd, b, 0)
		if err != unix.EINTR {
			return n, err
		}
	}
}

func (s *hostSock) Close() error { return unix.Close(s.fd) }
