// Package module is the Go form of the Rust kernel crate's module! macro
// and InPlaceModule trait: a loadable module described by a [Module]
// value, whose init returns the state that lives until the module is
// unloaded, over the core's struct module (include/linux/module.h,
// kernel/module/main.c).
//
// A driver package exports its Module. [Module.Install] makes it known to
// a kernel, as installing the .ko under /lib/modules does: the kernel can
// then load it by name ([Module.Load], modprobe) or by alias on demand,
// for example when RTM_NEWLINK names a kind whose "rtnl-link-<kind>" alias
// the module declares (request_module). Unloading (rmmod,
// net.Kernel.UnloadModule) fails with EWOULDBLOCK while references are
// held, for example by an added netlink tap; otherwise the state is
// closed, which for an rtnl registration deletes the kind's devices.
//
// Inside the module, [ThisModule] is THIS_MODULE: the handle through
// which code takes references on its own module. Code that is not a
// module uses [BuiltIn], as built-in kernel code has THIS_MODULE == NULL.
package module

import (
	"errors"
	"io"
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/internal/kernelref"
	"github.com/knetlab/knet/net"
)

// Module describes a loadable module: the fields of the module! macro.
type Module struct {
	// Name is the module's name (KBUILD_MODNAME), what modprobe and rmmod
	// take.
	Name string
	// Aliases are the names request_module also finds the module by
	// (MODULE_ALIAS), such as "rtnl-link-nlmon".
	Aliases []string
	// Description is MODULE_DESCRIPTION.
	Description string
	// Authors are the MODULE_AUTHOR entries.
	Authors []string
	// License is MODULE_LICENSE, such as "GPL v2".
	License string
	// Init is module_init, InPlaceModule::init: it runs when the module is
	// loaded and returns the module's state. An error aborts the load.
	// Closing the state is module_exit; it runs when the module is
	// unloaded, and its error is ignored because unloading cannot fail
	// once it has begun. Init may return a nil state.
	Init func(this *ThisModule) (io.Closer, error)
}

// RtnlLinkAlias is MODULE_ALIAS_RTNL_LINK (include/net/rtnetlink.h): the
// alias "rtnl-link-<kind>" under which rtnl_newlink's request_module finds
// the module that registers the link kind, for [Module.Aliases].
func RtnlLinkAlias(kind string) string { return "rtnl-link-" + kind }

func init() {
	binding.Module = binding.ModuleHooks{
		Core: func(m any) (*core.Kernel, *core.Module) {
			t := m.(*ThisModule)
			return t.k, t.m
		},
	}
}

// Install makes the module known to k, as installing its .ko under
// /lib/modules does; it is not loaded. Installing a module of a name k
// already knows fails with EEXIST.
func (m *Module) Install(k *net.Kernel) error {
	if m.Name == "" {
		return unix.EINVAL
	}
	ck := kernelref.Of(k)
	var (
		mu    sync.Mutex
		state io.Closer
	)
	cm := &core.Module{
		Name:    m.Name,
		Aliases: m.Aliases,
		Init: func(_ *core.Kernel, cm *core.Module) error {
			if m.Init == nil {
				return nil
			}
			// init_module lists the module (MODULE_STATE_COMING) before
			// its init runs, so the handle is its struct module.
			st, err := m.Init(&ThisModule{nk: k, k: ck, m: cm, desc: m})
			if err != nil {
				return binding.Errno(err)
			}
			mu.Lock()
			state = st
			mu.Unlock()
			return nil
		},
		Exit: func(*core.Kernel, *core.Module) {
			mu.Lock()
			st := state
			state = nil
			mu.Unlock()
			if st != nil {
				_ = st.Close()
			}
		},
	}
	if err := ck.AddModule(cm); err != nil {
		return &os.SyscallError{Syscall: "init_module", Err: err}
	}
	return nil
}

// Load installs the module in k if it is not known yet and loads it with
// its parameters (modprobe NAME key=value ...): EEXIST when it is loaded
// already, else the error of its Init.
func (m *Module) Load(k *net.Kernel, params ...string) error {
	if err := m.Install(k); err != nil && !errors.Is(err, unix.EEXIST) {
		return err
	}
	return k.LoadModule(m.Name, params...)
}

// Unload unloads the module from k (rmmod NAME): EWOULDBLOCK while it is
// in use, ENOENT when it is not loaded.
func (m *Module) Unload(k *net.Kernel) error { return k.UnloadModule(m.Name) }

// ThisModule is THIS_MODULE: the running module's handle, a pointer to its
// struct module. Code takes references on its own module through it, as a
// netlink tap does for as long as it is added.
type ThisModule struct {
	nk   *net.Kernel
	k    *core.Kernel
	m    *core.Module // nil for built-in code
	desc *Module
}

// BuiltIn is THIS_MODULE for code built into the kernel k rather than
// loaded as a module: it is NULL, so references through it are not
// counted and nothing pins a module.
func BuiltIn(k *net.Kernel) *ThisModule {
	return &ThisModule{nk: k, k: kernelref.Of(k)}
}

// IntParam is an int module_param: the value the load gave for name
// (modprobe NAME name=VALUE), else def. A value that is not an integer is
// EINVAL, which fails the load when Init returns it, as param_set_int
// does.
func (t *ThisModule) IntParam(name string, def int) (int, error) {
	if t.m == nil {
		return def, nil
	}
	v, ok := t.m.Params[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 0, 32)
	if err != nil {
		return 0, unix.EINVAL
	}
	return int(n), nil
}

// Name is the module's name (module->name), "" for built-in code.
func (t *ThisModule) Name() string {
	if t.desc == nil {
		return ""
	}
	return t.desc.Name
}

// Kernel is the kernel the module is loaded into.
func (t *ThisModule) Kernel() *net.Kernel { return t.nk }

// IsBuiltIn reports whether t is the NULL THIS_MODULE of built-in code.
func (t *ThisModule) IsBuiltIn() bool { return t.m == nil }
