package benchmarks

import (
	"errors"
	"testing"
	"time"
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
