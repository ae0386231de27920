package module_test

import (
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/net"
)

// closer records the module state's lifetime.
type closer struct{ closed *int }

func (c closer) Close() error { *c.closed++; return errors.New("ignored") }

func TestLifecycle(t *testing.T) {
	k := net.NewKernel()
	var (
		inits, closes int
		names         []string
	)
	m := &module.Module{
		Name:    "lifecycle",
		Aliases: []string{"rtnl-link-lifecycle"},
		Init: func(this *module.ThisModule) (io.Closer, error) {
			inits++
			names = append(names, this.Name())
			if this.IsBuiltIn() || this.Kernel() != k {
				t.Errorf("ThisModule: built-in %v, kernel %p, want a module of %p", this.IsBuiltIn(), this.Kernel(), k)
			}
			return closer{&closes}, nil
		},
	}
	type state struct {
		Err           unix.Errno
		Loaded        bool
		Inits, Closes int
	}
	errno := func(err error) unix.Errno {
		var e unix.Errno
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("%v wraps no errno", err)
		}
		return e
	}
	steps := []struct {
		name string
		do   func() error
		want state
	}{
		{"install", func() error { return m.Install(k) }, state{0, false, 0, 0}},
		{"install again", func() error { return m.Install(k) }, state{unix.EEXIST, false, 0, 0}},
		{"load", func() error { return m.Load(k) }, state{0, true, 1, 0}},
		{"load again", func() error { return m.Load(k) }, state{unix.EEXIST, true, 1, 0}},
		{"unload", func() error { return m.Unload(k) }, state{0, false, 1, 1}},
		{"unload again", func() error { return m.Unload(k) }, state{unix.ENOENT, false, 1, 1}},
		{"load by modprobe", func() error { return k.LoadModule("lifecycle") }, state{0, true, 2, 1}},
		{"rmmod", func() error { return k.UnloadModule("lifecycle") }, state{0, false, 2, 2}},
	}
	for _, s := range steps {
		err := s.do()
		got := state{errno(err), k.ModuleLoaded("lifecycle"), inits, closes}
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.name, diff)
		}
	}
	if diff := cmp.Diff([]string{"lifecycle", "lifecycle"}, names); diff != "" {
		t.Errorf("ThisModule names (-want +got):\n%s", diff)
	}
}

func TestInitFailure(t *testing.T) {
	k := net.NewKernel()
	fail := true
	m := &module.Module{Name: "flaky", Init: func(*module.ThisModule) (io.Closer, error) {
		if fail {
			return nil, unix.ENODEV
		}
		return nil, nil
	}}
	if err := m.Load(k); !errors.Is(err, unix.ENODEV) {
		t.Fatalf("load: %v, want the init's ENODEV", err)
	}
	if k.ModuleLoaded("flaky") {
		t.Fatal("module loaded after failed init")
	}
	fail = false
	if err := m.Load(k); err != nil {
		t.Fatalf("load after fixing init: %v", err)
	}
	if err := m.Unload(k); err != nil {
		t.Fatalf("unload of a module with nil state: %v", err)
	}
}

func TestInvalid(t *testing.T) {
	k := net.NewKernel()
	if err := (&module.Module{}).Install(k); !errors.Is(err, unix.EINVAL) {
		t.Errorf("install without a name: %v, want EINVAL", err)
	}
	b := module.BuiltIn(k)
	if !b.IsBuiltIn() || b.Name() != "" || b.Kernel() != k {
		t.Errorf("BuiltIn: built-in %v name %q kernel %p", b.IsBuiltIn(), b.Name(), b.Kernel())
	}
	// Two kernels are two module namespaces.
	m := &module.Module{Name: "twice"}
	for i, k := range []*net.Kernel{k, net.NewKernel()} {
		if err := m.Load(k); err != nil {
			t.Errorf("load into kernel %d: %v", i, err)
		}
	}
}
