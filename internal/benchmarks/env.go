// Package benchmarks holds the performance workloads that compare knet's
// model kernel with the host's Linux kernel: the same netlink requests, as
// the same bytes, sent to a model namespace and to a fresh network
// namespace of the host. internal/cmd/bench runs them side by side; the
// Benchmark functions of this package run them under go test -bench.
package benchmarks

import (
	"errors"
	"fmt"
	"time"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// Sock is a NETLINK_ROUTE socket at the byte level, on the model or on the
// host kernel.
type Sock interface {
	// Send sends one datagram to the kernel (port 0).
	Send(b []byte) error
	// Recv receives one datagram into b and returns its length.
	Recv(b []byte) (int, error)
	Close() error
}

// Env is one side of a comparison: a network namespace, on the model or
// on the host kernel, in which the workloads open sockets and create
// links.
type Env interface {
	// Side is "model" or "kernel".
	Side() string
	// LinkKind is the kind of the links the workloads create: nlmon on
	// the model, the first of dummy, ifb and veth the host kernel has.
	LinkKind() string
	Socket() (Sock, error)
	Dial() (*netlink.Conn, error)
	// Packet opens an AF_PACKET SOCK_RAW socket bound to the device dev
	// (ETH_P_ALL), for transmit workloads.
	Packet(dev string) (PacketSock, error)
	Close() error
}

// PacketSock is a packet socket that transmits on its device.
type PacketSock interface {
	Send(frame []byte) error
	Close() error
}

// HostKind, when set, is the only link kind the host side uses for the
// links it creates; by default it is the first of dummy, ifb and veth the
// host kernel accepts.
var HostKind string

// ErrNoHost reports that the host kernel cannot run a workload: not Linux,
// not root, or no network namespace can be created.
var ErrNoHost = errors.New("host kernel unavailable")

// RecvBufSize is the receive buffer every workload reads with: 32 KiB, as
// iproute2 reads dumps.
const RecvBufSize = 32 << 10

// Request sends req and reads one reply datagram into buf.
func Request(s Sock, req, buf []byte) (int, error) {
	if err := s.Send(req); err != nil {
		return 0, err
	}
	return s.Recv(buf)
}

// Ack sends req, which must carry NLM_F_ACK, and waits for its ack.
func Ack(s Sock, req, buf []byte) error {
	n, err := Request(s, req, buf)
	if err != nil {
		return err
	}
	var got error = fmt.Errorf("no NLMSG_ERROR in reply")
	err = forEachMsg(buf[:n], func(typ uint16, p []byte) error {
		if typ == unix.NLMSG_ERROR {
			got = errnoOf(p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return got
}

// Getlink is one unicast RTM_GETLINK round trip with req (GetlinkReq).
func Getlink(s Sock, req, buf []byte) error {
	n, err := Request(s, req, buf)
	if err != nil {
		return err
	}
	return checkNewlink(buf[:n])
}

// Dump runs one link dump to NLMSG_DONE and returns the links it listed.
func Dump(s Sock, req, buf []byte) (int, error) { return DumpOf(s, req, buf, unix.RTM_NEWLINK) }

// DumpOf runs one dump to NLMSG_DONE and returns how many messages of
// type typ it listed.
func DumpOf(s Sock, req, buf []byte, typ uint16) (int, error) {
	if err := s.Send(req); err != nil {
		return 0, err
	}
	links := 0
	for {
		n, err := s.Recv(buf)
		if err != nil {
			return links, err
		}
		done := false
		err = forEachMsg(buf[:n], func(t uint16, p []byte) error {
			switch t {
			case typ:
				links++
			case unix.NLMSG_DONE:
				done = true
			case unix.NLMSG_ERROR:
				return fmt.Errorf("dump: %w", errnoOf(p))
			}
			return nil
		})
		if err != nil || done {
			return links, err
		}
	}
}

// GetlinkConn is one unicast RTM_GETLINK through a *netlink.Conn.
func GetlinkConn(c *netlink.Conn, m netlink.Message) error {
	msgs, err := c.Execute(m)
	if err != nil {
		return err
	}
	if len(msgs) != 1 || msgs[0].Header.Type != unix.RTM_NEWLINK {
		return fmt.Errorf("RTM_GETLINK through Conn: %d replies", len(msgs))
	}
	return nil
}

// GetlinkMessage is GetlinkReq as a netlink.Message for Conn.Execute.
func GetlinkMessage(index int32) netlink.Message {
	return netlink.Message{
		Header: netlink.Header{Type: unix.RTM_GETLINK, Flags: netlink.Request},
		Data:   ifinfomsg(index, 0, 0),
	}
}

// devGroup is the device group the workloads put their links in, so that
// one `ip link del group` removes them all in one batch.
const devGroup = 77

// MakeLinks creates n links named prefix0.. of env's kind in group
// devGroup. A veth pair counts as two links. It returns the links made.
func MakeLinks(env Env, s Sock, prefix string, n int) (int, error) {
	buf := make([]byte, RecvBufSize)
	kind := env.LinkKind()
	made := 0
	for i := 0; made < n; i++ {
		if err := Ack(s, NewlinkReq(fmt.Sprintf("%s%d", prefix, i), kind, devGroup), buf); err != nil {
			return made, fmt.Errorf("%s: create %s%d (%s): %w", env.Side(), prefix, i, kind, err)
		}
		made++
		if kind == "veth" {
			made++
		}
	}
	return made, nil
}

// DeleteLinks removes every link MakeLinks created, in one batch.
func DeleteLinks(s Sock) error {
	return Ack(s, DelGroupReq(devGroup), make([]byte, RecvBufSize))
}

// CreateDelete is one `ip link add NAME type KIND` followed by
// `ip link del NAME`, each acknowledged.
func CreateDelete(s Sock, newReq, delReq, buf []byte) error {
	if err := Ack(s, newReq, buf); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	if err := Ack(s, delReq, buf); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	return nil
}

// timeout bounds a single blocking receive in a workload, so that a lost
// reply fails the run instead of hanging it.
const timeout = 10 * time.Second
