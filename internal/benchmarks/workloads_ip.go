package benchmarks

import (
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// The IPv4 configuration-plane workloads, all on lo (ifindex 1), which
// every namespace has: address add+delete, route add+delete, a dump of
// a table of 10,000 routes and a lookup in it.

const loIndex = 1

// upLo brings the namespace's lo up: the host's fresh namespace has it
// down, and device routes need an up device.
func upLo(s Sock, buf []byte) error { return Ack(s, SetUpReq("lo"), buf) }

// addrAddDelete is `ip addr add 10.200.0.1/24 dev lo` and `ip addr del`:
// inet_rtm_newaddr with the local, prefix and broadcast routes the FIB
// derives, and their removal.
func addrAddDelete(env Env) (*Prepared, error) {
	return addDeleteOn(env, func(typ uint16) []byte {
		if typ == unix.RTM_NEWROUTE {
			typ = unix.RTM_NEWADDR
		} else {
			typ = unix.RTM_DELADDR
		}
		return AddrReq(typ, netip.MustParsePrefix("10.200.0.1/24"), loIndex)
	})
}

// routeAddDelete is `ip route add 10.201.0.0/24 dev lo` and `ip route del`.
func routeAddDelete(env Env) (*Prepared, error) {
	return addDeleteOn(env, func(typ uint16) []byte {
		return RouteReq(typ, netip.MustParsePrefix("10.201.0.0/24"), loIndex)
	})
}

// addDeleteOn measures one create request and one delete request, req
// building each from RTM_NEWROUTE or RTM_DELROUTE.
func addDeleteOn(env Env, req func(typ uint16) []byte) (*Prepared, error) {
	s, err := env.Socket()
	if err != nil {
		return nil, err
	}
	p := &Prepared{Note: "lo"}
	p.onClose(s.Close)
	buf := make([]byte, RecvBufSize)
	if err := upLo(s, buf); err != nil {
		p.Close()
		return nil, fmt.Errorf("%s: lo up: %w", env.Side(), err)
	}
	newReq, delReq := req(unix.RTM_NEWROUTE), req(unix.RTM_DELROUTE)
	p.Ops = []Op{func() (int, error) { return 1, CreateDelete(s, newReq, delReq, buf) }}
	return p, nil
}

// routeN is the i-th of the table workloads' /24 routes: 10.1.0.0/24,
// 10.1.1.0/24, ...
func routeN(i int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(1 + i/256), byte(i), 0}), 24)
}

// withRoutes prepares a namespace whose main table holds n routes on lo.
func withRoutes(env Env, n int) (*Prepared, Sock, []byte, error) {
	s, err := env.Socket()
	if err != nil {
		return nil, nil, nil, err
	}
	p := &Prepared{Note: fmt.Sprintf("%d routes on lo", n)}
	p.onClose(s.Close)
	buf := make([]byte, RecvBufSize)
	if err := upLo(s, buf); err != nil {
		p.Close()
		return nil, nil, nil, fmt.Errorf("%s: lo up: %w", env.Side(), err)
	}
	for i := 0; i < n; i++ {
		if err := Ack(s, RouteReq(unix.RTM_NEWROUTE, routeN(i), loIndex), buf); err != nil {
			p.Close()
			return nil, nil, nil, fmt.Errorf("%s: route %v: %w", env.Side(), routeN(i), err)
		}
	}
	p.onClose(func() error {
		for i := 0; i < n; i++ {
			if err := Ack(s, RouteReq(unix.RTM_DELROUTE, routeN(i), loIndex), buf); err != nil {
				return err
			}
		}
		return nil
	})
	return p, s, buf, nil
}

// routeDump is an AF_INET route dump of a namespace with total routes in
// its main table, counted in routes (the local table's few included).
func routeDump(total int) func(Env) (*Prepared, error) {
	return func(env Env) (*Prepared, error) {
		p, s, buf, err := withRoutes(env, total)
		if err != nil {
			return nil, err
		}
		req := RouteDumpReq()
		n, err := DumpOf(s, req, buf, unix.RTM_NEWROUTE)
		if err != nil {
			p.Close()
			return nil, err
		}
		if n < total {
			p.Close()
			return nil, fmt.Errorf("%s: dump listed %d routes, want %d or more", env.Side(), n, total)
		}
		p.Ops = []Op{func() (int, error) { return DumpOf(s, req, buf, unix.RTM_NEWROUTE) }}
		return p, nil
	}
}

// routeLookup is `ip route get 10.20.30.40` in a table of total routes:
// a longest-prefix match that lands on 10.20.30.0/24.
func routeLookup(total int) func(Env) (*Prepared, error) {
	return func(env Env) (*Prepared, error) {
		p, s, buf, err := withRoutes(env, total)
		if err != nil {
			return nil, err
		}
		req := RouteGetReq(netip.MustParseAddr("10.20.30.40"))
		if err := RouteGet(s, req, buf); err != nil {
			p.Close()
			return nil, fmt.Errorf("%s: %w", env.Side(), err)
		}
		p.Ops = []Op{func() (int, error) { return 1, RouteGet(s, req, buf) }}
		return p, nil
	}
}
