package net

import (
	"github.com/knetlab/knet/internal/core"
)

// Module describes a loadable kernel module (struct module): a name, the
// aliases modprobe finds it by (for link types, "rtnl-link-<kind>"), and
// the init and exit functions that run on load and unload.
type Module struct {
	Name    string
	Aliases []string
	Init    func(k *Kernel) error
	Exit    func(k *Kernel)

	m *core.Module
}

// AddModule makes m available to load, as installing its .ko does; it is
// not loaded yet. RTM_NEWLINK naming an unregistered kind loads a module
// whose alias is "rtnl-link-<kind>" (request_module).
func (k *Kernel) AddModule(m *Module) error {
	cm := &core.Module{Name: m.Name, Aliases: m.Aliases}
	if m.Init != nil {
		cm.Init = func(*core.Kernel, *core.Module) error { return m.Init(k) }
	}
	if m.Exit != nil {
		cm.Exit = func(*core.Kernel, *core.Module) { m.Exit(k) }
	}
	if err := k.k.AddModule(cm); err != nil {
		return wrapErr("init_module", err)
	}
	m.m = cm
	return nil
}

// LoadModule loads a known module by name (modprobe NAME): EEXIST when it
// is loaded already, ENOENT when unknown, else the error of its init.
func (k *Kernel) LoadModule(name string) error {
	return wrapErr("init_module", k.k.LoadModule(name))
}

// UnloadModule unloads a module (rmmod NAME): EWOULDBLOCK while it is in
// use (an up nlmon device holds its module through the tap), ENOENT when
// it is not loaded.
func (k *Kernel) UnloadModule(name string) error {
	return wrapErr("delete_module", k.k.DeleteModule(name))
}

// ModuleLoaded reports whether the named module is loaded.
func (k *Kernel) ModuleLoaded(name string) bool { return k.k.Loaded(name) }

// ModuleRefcount reports the references held on a loaded module, or -1
// when it is not loaded.
func (k *Kernel) ModuleRefcount(name string) int64 {
	m := k.k.Module(name)
	if m == nil {
		return -1
	}
	return m.Refcount()
}
