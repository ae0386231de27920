package benchmarks

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/net/nettest"
)

// smoke runs every workload's Op a few times on env. dump_10000 is
// replaced by a 100-link dump to keep the test short.
func smoke(t *testing.T, newEnv func() (Env, error)) {
	for _, w := range Workloads() {
		if w.Name == "dump_10000" {
			w.Name, w.Setup = "dump_100", dump(100)
		}
		t.Run(w.Name, func(t *testing.T) {
			env, err := newEnv()
			if errors.Is(err, ErrNoHost) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			p, err := w.Setup(env)
			if IsModelOnly(err) && env.Side() != "model" {
				t.Skip("model only")
			}
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := p.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			}()
			for _, op := range p.Ops {
				for i := 0; i < 3; i++ {
					n, err := op()
					if err != nil {
						t.Fatal(err)
					}
					if n < 1 {
						t.Fatalf("op did %d units", n)
					}
				}
			}
			if rate, err := Measure(time.Millisecond, p.Ops); err != nil || rate <= 0 {
				t.Fatalf("Measure = %v, %v", rate, err)
			}
		})
	}
}

func TestWorkloadsModel(t *testing.T) {
	smoke(t, func() (Env, error) { return NewModel() })
}

// TestWorkloadsKernel runs the workloads on the host kernel in a fresh
// network namespace; it is skipped where the host cannot make one.
func TestWorkloadsKernel(t *testing.T) {
	smoke(t, NewHost)
}

func TestDumpCountsLinks(t *testing.T) {
	m, err := NewModel()
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Socket()
	if err != nil {
		t.Fatal(err)
	}
	if made, err := MakeLinks(m, s, "x", 37); err != nil || made != 37 {
		t.Fatalf("MakeLinks = %d, %v", made, err)
	}
	buf := make([]byte, RecvBufSize)
	if n, err := Dump(s, DumpReq(), buf); err != nil || n != 38 {
		t.Fatalf("Dump = %d, %v; want 38 links", n, err)
	}
	if err := DeleteLinks(s); err != nil {
		t.Fatal(err)
	}
	if n, err := Dump(s, DumpReq(), buf); err != nil || n != 1 {
		t.Fatalf("Dump after delete = %d, %v; want lo alone", n, err)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := Median(c.in); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

// TestVethXmitDelivers checks that veth_xmit measures frames crossing the
// pair, not frames dropped for want of carrier: after its Ops, the
// sending end counts them transmitted and none dropped, and the peer
// counts them received (and dropped there, as nothing takes 0x88b5).
func TestVethXmitDelivers(t *testing.T) {
	for _, side := range []struct {
		name   string
		newEnv func() (Env, error)
	}{{"model", func() (Env, error) { return NewModel() }}, {"kernel", NewHost}} {
		t.Run(side.name, func(t *testing.T) {
			env, err := side.newEnv()
			if errors.Is(err, ErrNoHost) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			p, err := vethXmit(env)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			const frames = 10
			for range frames {
				if _, err := p.Ops[0](); err != nil {
					t.Fatal(err)
				}
			}
			s, err := env.Socket()
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			tx, rx := linkStats64(t, s, "kbx0"), linkStats64(t, s, "kbx0p")
			if tx[1] != frames || tx[7] != 0 {
				t.Errorf("kbx0: tx_packets %d tx_dropped %d, want %d and 0", tx[1], tx[7], frames)
			}
			if rx[0] != frames || rx[6] != frames {
				t.Errorf("kbx0p: rx_packets %d rx_dropped %d, want %d and %d", rx[0], rx[6], frames, frames)
			}
		})
	}
}

// linkStats64 returns the first counters of a device's IFLA_STATS64
// (rx_packets, tx_packets, ..., rx_dropped, tx_dropped in uapi order).
func linkStats64(t *testing.T, s Sock, name string) [8]uint64 {
	t.Helper()
	buf := make([]byte, RecvBufSize)
	n, err := Request(s, GetlinkByNameReq(name), buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkNewlink(buf[:n]); err != nil {
		t.Fatal(err)
	}
	var out [8]uint64
	found := false
	attrs := buf[32:n]
	nettest.AttrWalk(attrs, func(typ uint16, off, l int) {
		if typ == unix.IFLA_STATS64 && l >= 4+8*len(out) {
			for i := range out {
				out[i] = binary.NativeEndian.Uint64(attrs[off+4+8*i:])
			}
			found = true
		}
	})
	if !found {
		t.Fatalf("%s: no IFLA_STATS64 in the reply", name)
	}
	return out
}
