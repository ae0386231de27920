package benchmarks

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/knetlab/knet/stats"
)

// Op does one unit of a workload's work and returns how many of the
// workload's units (requests, links, counter updates) it completed.
type Op func() (int, error)

// Prepared is a workload set up on one side, ready to measure.
type Prepared struct {
	// Ops holds one Op per concurrent client; most workloads have one.
	Ops []Op
	// Note describes the side's setup, such as the link kind used.
	Note    string
	cleanup []func() error
}

// Close undoes the setup: sockets close, created links go.
func (p *Prepared) Close() error {
	var errs []error
	for i := len(p.cleanup) - 1; i >= 0; i-- {
		errs = append(errs, p.cleanup[i]())
	}
	p.cleanup = nil
	return errors.Join(errs...)
}

func (p *Prepared) onClose(f func() error) { p.cleanup = append(p.cleanup, f) }

// Workload is one measured path.
type Workload struct {
	Name string
	// Unit is what the rate counts: "ops/s" or "links/s".
	Unit string
	// Group names the workloads measured interleaved with this one, round
	// by round, so that their rates can be compared with each other.
	Group string
	// ModelOnly workloads have no host counterpart.
	ModelOnly bool
	// Setup prepares the workload on env. It returns an error wrapping
	// errModelOnly when env is not the model.
	Setup func(env Env) (*Prepared, error)
}

var errModelOnly = errors.New("model only")

// Workloads lists every workload in the order the bench command runs
// them.
func Workloads() []Workload {
	ws := []Workload{
		{Name: "getlink_raw", Unit: "ops/s", Group: "getlink_raw", Setup: getlinkRaw(1, 0)},
		{Name: "getlink_conn", Unit: "ops/s", Group: "getlink_conn", Setup: getlinkConn},
		{Name: "dump_10", Unit: "links/s", Group: "dump_10", Setup: dump(10)},
		{Name: "dump_10000", Unit: "links/s", Group: "dump_10000", Setup: dump(10000)},
		{Name: "create_delete", Unit: "ops/s", Group: "create_delete", Setup: createDelete},
		{Name: "veth_create_delete", Unit: "ops/s", Group: "veth_create_delete", Setup: vethCreateDelete},
		{Name: "veth_xmit", Unit: "frames/s", Group: "veth_xmit", Setup: vethXmit},
		{Name: "addr4_add_delete", Unit: "ops/s", Group: "addr4_add_delete", Setup: addrAddDelete},
		{Name: "route4_add_delete", Unit: "ops/s", Group: "route4_add_delete", Setup: routeAddDelete},
		{Name: "route4_dump_10000", Unit: "routes/s", Group: "route4_dump_10000", Setup: routeDump(10000)},
		{Name: "route4_lookup_10000", Unit: "ops/s", Group: "route4_lookup_10000", Setup: routeLookup(10000)},
	}
	for _, taps := range []int{0, 1, 4} {
		ws = append(ws, Workload{Name: fmt.Sprintf("getlink_raw_taps_%d", taps), Unit: "ops/s", Group: "taps",
			ModelOnly: true, Setup: getlinkRaw(1, taps)})
	}
	for _, n := range []int{1, 2, 8} {
		ws = append(ws, Workload{Name: fmt.Sprintf("getlink_raw_clients_%d", n), Unit: "ops/s", Group: "clients",
			Setup: getlinkRaw(n, 0)})
	}
	ws = append(ws,
		Workload{Name: "lstats_add_1_goroutine", Unit: "ops/s", Group: "lstats", ModelOnly: true, Setup: lstatsAdd(1)},
		Workload{Name: fmt.Sprintf("lstats_add_%d_goroutines", runtime.GOMAXPROCS(0)), Unit: "ops/s", Group: "lstats",
			ModelOnly: true, Setup: lstatsAdd(runtime.GOMAXPROCS(0))},
	)
	return ws
}

// Lookup returns the workload named name.
func Lookup(name string) (Workload, bool) {
	for _, w := range Workloads() {
		if w.Name == name {
			return w, true
		}
	}
	return Workload{}, false
}

// getlinkRaw is unicast RTM_GETLINK of lo on byte sockets, from clients
// concurrent clients, each with its own socket, with taps nlmon taps up
// (model only when taps > 0).
func getlinkRaw(clients, taps int) func(Env) (*Prepared, error) {
	return func(env Env) (*Prepared, error) {
		p := &Prepared{}
		if taps > 0 {
			m, ok := env.(*Model)
			if !ok {
				return nil, errModelOnly
			}
			if err := m.UpTaps(taps); err != nil {
				return nil, err
			}
			p.Note = fmt.Sprintf("%d nlmon taps up", taps)
		}
		for i := 0; i < clients; i++ {
			s, err := env.Socket()
			if err != nil {
				p.Close()
				return nil, err
			}
			p.onClose(s.Close)
			req, buf := GetlinkReq(1), make([]byte, RecvBufSize)
			p.Ops = append(p.Ops, func() (int, error) { return 1, Getlink(s, req, buf) })
		}
		return p, nil
	}
}

func getlinkConn(env Env) (*Prepared, error) {
	c, err := env.Dial()
	if err != nil {
		return nil, err
	}
	p := &Prepared{}
	p.onClose(c.Close)
	m := GetlinkMessage(1)
	p.Ops = []Op{func() (int, error) { return 1, GetlinkConn(c, m) }}
	return p, nil
}

// dump is a full link dump of a namespace holding lo and total-1 links of
// the env's kind, counted in links.
func dump(total int) func(Env) (*Prepared, error) {
	return func(env Env) (*Prepared, error) {
		s, err := env.Socket()
		if err != nil {
			return nil, err
		}
		p := &Prepared{Note: env.LinkKind()}
		p.onClose(s.Close)
		if _, err := MakeLinks(env, s, "d", total-1); err != nil {
			p.Close()
			return nil, err
		}
		p.onClose(func() error { return DeleteLinks(s) })
		req, buf := DumpReq(), make([]byte, RecvBufSize)
		n, err := Dump(s, req, buf)
		if err != nil {
			p.Close()
			return nil, err
		}
		if n < total {
			p.Close()
			return nil, fmt.Errorf("%s: dump listed %d links, want %d", env.Side(), n, total)
		}
		p.Ops = []Op{func() (int, error) { return Dump(s, req, buf) }}
		return p, nil
	}
}

func createDelete(env Env) (*Prepared, error) {
	return createDeleteOf(env, "kbcd0", env.LinkKind())
}

// vethCreateDelete is `ip link add kbv0 type veth peer name kbv0p` and
// `ip link del kbv0`, the pair both ways.
func vethCreateDelete(env Env) (*Prepared, error) { return createDeleteOf(env, "kbv0", "veth") }

// createDeleteOf creates and deletes the link name of kind, one request
// each.
func createDeleteOf(env Env, name, kind string) (*Prepared, error) {
	s, err := env.Socket()
	if err != nil {
		return nil, err
	}
	p := &Prepared{Note: kind}
	p.onClose(s.Close)
	newReq, delReq := NewlinkReq(name, kind, 0), DellinkReq(name)
	buf := make([]byte, RecvBufSize)
	p.Ops = []Op{func() (int, error) { return 1, CreateDelete(s, newReq, delReq, buf) }}
	return p, nil
}

// vethXmit sends 64-byte broadcast frames from a packet socket on one end
// of an up veth pair: packet_sendmsg, dev_queue_xmit, veth_xmit and the
// peer's receive path, where nothing takes the frame's type.
func vethXmit(env Env) (*Prepared, error) {
	s, err := env.Socket()
	if err != nil {
		return nil, err
	}
	p := &Prepared{Note: "veth"}
	p.onClose(s.Close)
	buf := make([]byte, RecvBufSize)
	for _, req := range [][]byte{NewlinkReq("kbx0", "veth", 0), SetUpReq("kbx0"), SetUpReq("kbx0p")} {
		if err := Ack(s, req, buf); err != nil {
			p.Close()
			return nil, fmt.Errorf("%s: veth pair: %w", env.Side(), err)
		}
	}
	p.onClose(func() error { return Ack(s, DellinkReq("kbx0"), buf) })
	// The carrier comes through linkwatch, asynchronously in the kernel:
	// a GETLINK of each end settles it, so no frame is measured while
	// the queues are still parked.
	for _, name := range []string{"kbx0", "kbx0p"} {
		if err := Getlink(s, GetlinkByNameReq(name), buf); err != nil {
			p.Close()
			return nil, fmt.Errorf("%s: veth pair: %w", env.Side(), err)
		}
	}
	ps, err := env.Packet("kbx0")
	if err != nil {
		p.Close()
		return nil, err
	}
	p.onClose(ps.Close)
	frame := make([]byte, 64)
	copy(frame, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x88, 0xb5})
	p.Ops = []Op{func() (int, error) { return 1, ps.Send(frame) }}
	return p, nil
}

// lstatsBatch is how many DevLstatsAdd calls one Op makes.
const lstatsBatch = 1024

// lstatsAdd is stats.DevLstatsAdd on one device from goroutines
// goroutines at once.
func lstatsAdd(goroutines int) func(Env) (*Prepared, error) {
	return func(env Env) (*Prepared, error) {
		m, ok := env.(*Model)
		if !ok {
			return nil, errModelOnly
		}
		dev, err := m.LstatsDevice()
		if err != nil {
			return nil, err
		}
		p := &Prepared{Note: fmt.Sprintf("%d goroutines, GOMAXPROCS %d", goroutines, runtime.GOMAXPROCS(0))}
		for i := 0; i < goroutines; i++ {
			p.Ops = append(p.Ops, func() (int, error) {
				for j := 0; j < lstatsBatch; j++ {
					stats.DevLstatsAdd(dev, 100)
				}
				return lstatsBatch, nil
			})
		}
		return p, nil
	}
}

// IsModelOnly reports whether err is Setup's refusal of a host env.
func IsModelOnly(err error) bool { return errors.Is(err, errModelOnly) }

// Measure runs ops, each on its own goroutine when there are several, for
// about d and returns the units completed per second.
func Measure(d time.Duration, ops []Op) (float64, error) {
	if len(ops) == 1 {
		op := ops[0]
		start := time.Now()
		deadline := start.Add(d)
		units := 0
		for {
			n, err := op()
			if err != nil {
				return 0, err
			}
			units += n
			if now := time.Now(); !now.Before(deadline) {
				return float64(units) / now.Sub(start).Seconds(), nil
			}
		}
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		units int
		errs  []error
		ready sync.WaitGroup
		begin = make(chan struct{})
	)
	ready.Add(len(ops))
	for _, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ready.Done()
			<-begin
			n := 0
			var err error
			for deadline := time.Now().Add(d); time.Now().Before(deadline); {
				var u int
				if u, err = op(); err != nil {
					break
				}
				n += u
			}
			mu.Lock()
			units += n
			if err != nil {
				errs = append(errs, err)
			}
			mu.Unlock()
		}()
	}
	ready.Wait()
	start := time.Now()
	close(begin)
	wg.Wait()
	elapsed := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	return float64(units) / elapsed.Seconds(), nil
}

// Median is the median of xs (the mean of the middle two for an even
// count); 0 for none.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// MemPerDevice creates n nlmon devices (down) in a fresh model kernel
// and reports the heap each costs: HeapInuse after minus before, both
// after a full GC, divided by n, and the HeapInuse with all n alive.
// atPeak, when not nil, runs while the n devices are alive, after the
// second GC (to write a heap profile, say).
func MemPerDevice(n int, atPeak func()) (perDevice float64, heapInuse uint64, err error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := NewModel()
	if err != nil {
		return 0, 0, err
	}
	s, err := m.Socket()
	if err != nil {
		return 0, 0, err
	}
	if _, err := MakeLinks(m, s, "m", n); err != nil {
		return 0, 0, err
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if atPeak != nil {
		atPeak()
	}
	runtime.KeepAlive(m)
	runtime.KeepAlive(s)
	return float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / float64(n), after.HeapInuse, nil
}
