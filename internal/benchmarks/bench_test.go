package benchmarks

import (
	"errors"
	"sync"
	"testing"
)

// The benchmarks run every workload of Workloads on the model
// (BenchmarkModel) and, where the host allows it, on the host kernel in a
// fresh network namespace (BenchmarkKernel), with allocations reported:
//
//	go test ./internal/benchmarks -run '^$' -bench . -benchmem
//	go test ./internal/benchmarks -run '^$' -bench 'Model/getlink_raw$' -cpuprofile cpu.out -memprofile mem.out
//
// ns/op and allocs/op are per Op: one request for the unicast workloads,
// one whole dump for dump_N, one create+delete pair, 1024 counter updates
// for lstats_add. The units/s metric is the rate the bench command
// reports (links/s for dumps).

func BenchmarkModel(b *testing.B) {
	for _, w := range Workloads() {
		b.Run(w.Name, func(b *testing.B) {
			env, err := NewModel()
			if err != nil {
				b.Fatal(err)
			}
			runWorkload(b, w, env)
		})
	}
}

func BenchmarkKernel(b *testing.B) {
	for _, w := range Workloads() {
		if w.ModelOnly {
			continue
		}
		b.Run(w.Name, func(b *testing.B) {
			env, err := NewHost()
			if errors.Is(err, ErrNoHost) {
				b.Skip(err)
			}
			if err != nil {
				b.Fatal(err)
			}
			defer env.Close()
			runWorkload(b, w, env)
		})
	}
}

func runWorkload(b *testing.B, w Workload, env Env) {
	p, err := w.Setup(env)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	b.ReportAllocs()
	units := 0
	if len(p.Ops) == 1 {
		op := p.Ops[0]
		for b.Loop() {
			n, err := op()
			if err != nil {
				b.Fatal(err)
			}
			units += n
		}
	} else {
		// b.N Ops in all, shared by the clients.
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			errs []error
		)
		b.ResetTimer()
		for i, op := range p.Ops {
			count := b.N / len(p.Ops)
			if i < b.N%len(p.Ops) {
				count++
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				n := 0
				for j := 0; j < count; j++ {
					u, err := op()
					if err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
						return
					}
					n += u
				}
				mu.Lock()
				units += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		b.StopTimer()
		if err := errors.Join(errs...); err != nil {
			b.Fatal(err)
		}
	}
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(units)/s, w.Unit)
	}
}

// BenchmarkMemPerDevice creates 100,000 nlmon devices per iteration and
// reports the heap each costs; run it with -benchtime 1x.
func BenchmarkMemPerDevice(b *testing.B) {
	const n = 100000
	var per float64
	var heap uint64
	for b.Loop() {
		var err error
		if per, heap, err = MemPerDevice(n, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(per, "bytes/device")
	b.ReportMetric(float64(heap)/(1<<20), "MiB-heap-at-100k")
}
