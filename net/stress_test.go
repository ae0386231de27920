package net

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/net/nettest"
)

// TestStress runs mixed create/delete/up/down/get/dump/capture/namespace
// churn from 8 goroutines for a bounded time, checks every answer is
// well-formed netlink, and ends with the consistency check clean.
func TestStress(t *testing.T) {
	d := 300 * time.Millisecond
	if testing.Short() {
		d = 50 * time.Millisecond
	}
	k := newTestKernel(t)
	registerTestMon(t, k, "nlmon", nil)
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	wellFormed := func(b []byte) bool { return nettest.WellFormed(b) == nil }
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			ns := k.InitNet()
			if g%4 == 3 {
				var err error
				if ns, err = k.NewNamespace(); err != nil {
					fail("netns: %v", err)
					return
				}
				defer ns.Close()
			}
			s, err := ns.Socket(unix.NETLINK_ROUTE, &DialConfig{Groups: uint32(g % 2)})
			if err != nil {
				fail("socket: %v", err)
				return
			}
			defer s.Close()
			var capt *Capture
			buf := make([]byte, 1<<16)
			for seq := uint32(1); time.Now().Before(deadline); seq++ {
				name := fmt.Sprintf("s%d-%d", g, r.IntN(4))
				var req []byte
				switch r.IntN(7) {
				case 0:
					req = linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_CREATE, seq, 0, 0, 0,
						attr(unix.IFLA_IFNAME, str(name)), attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, str("nlmon"))))
				case 1:
					req = linkReq(unix.RTM_DELLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, seq, 0, 0, 0, attr(unix.IFLA_IFNAME, str(name)))
				case 2:
					req = linkReq(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, seq, 0, uint32(r.IntN(2)), unix.IFF_UP, attr(unix.IFLA_IFNAME, str(name)))
				case 3:
					req = linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST, seq, 0, 0, 0, attr(unix.IFLA_IFNAME, str(name)))
				case 4:
					req = linkReq(unix.RTM_GETLINK, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, seq, 0, 0, 0)
				case 5:
					if capt != nil {
						capt.TryRead()
						capt.Close()
						capt = nil
					} else if c, err := ns.Capture(name); err == nil {
						capt = c
					}
					continue
				case 6:
					req = linkReq(unix.RTM_SETLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, seq, 0, 0, 0, attr(unix.IFLA_IFNAME, str(name)), attr(unix.IFLA_MTU, u32(uint32(1000+r.IntN(3000)))))
				}
				if err := s.Send(req); err != nil {
					fail("send: %v", err)
					return
				}
				for s.Pending() > 0 {
					n, _, err := s.Recv(buf)
					if err != nil && err.Error() != "recvmsg: no buffer space available" {
						fail("recv: %v", err)
						return
					}
					if err == nil && !wellFormed(buf[:n]) {
						fail("malformed answer %x", buf[:n])
					}
				}
				if capt != nil {
					for {
						f, ok, err := capt.TryRead()
						if !ok || err != nil {
							break
						}
						if !wellFormed(f.Data) {
							fail("malformed frame %x", f.Data)
						}
					}
				}
			}
			if capt != nil {
				capt.Close()
			}
		}(g)
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
}
