package core

import (
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// This file models kernel/module/main.c and kernel/module/kmod.c as the
// networking core uses them: loadable modules with init and exit, reference
// counts that pin a module while something of it is in use, and
// request_module finding a module by alias.

// Module states (enum module_state).
const (
	ModuleStateUnloaded = iota
	ModuleStateComing
	ModuleStateLive
	ModuleStateGoing
)

// Module mirrors struct module: a named unit of code with aliases, an init
// that runs on load and an exit that runs on unload.
type Module struct {
	Name    string
	Aliases []string
	// Init is the module_init function; an error aborts the load.
	Init func(k *Kernel, m *Module) error
	// Exit is the module_exit function.
	Exit func(k *Kernel, m *Module)

	// Params are the parameters of the current load (modprobe NAME
	// key=value ...), read by its init; set before Init runs.
	Params map[string]string

	refcnt atomic.Int64
	state  int           // guarded by the kernel's modMu
	loaded chan struct{} // closed when a load's init has finished
}

// Refcount is module_refcount: references beyond the module's own.
func (m *Module) Refcount() int64 {
	if m == nil {
		return 0
	}
	return m.refcnt.Load()
}

// get is __module_get; a nil module is built in and not counted.
func (m *Module) get() {
	if m != nil {
		m.refcnt.Add(1)
	}
}

// put is module_put.
func (m *Module) put() {
	if m != nil {
		m.refcnt.Add(-1)
	}
}

// TryGet is try_module_get: it fails once the module is going away.
func (k *Kernel) TryGet(m *Module) bool {
	if m == nil {
		return true
	}
	k.modMu.Lock()
	defer k.modMu.Unlock()
	if m.state != ModuleStateLive && m.state != ModuleStateComing {
		return false
	}
	m.refcnt.Add(1)
	return true
}

// Put is module_put for callers outside the core.
func (k *Kernel) Put(m *Module) { m.put() }

// AddModule makes m available to load by name or alias, as installing its
// .ko under /lib/modules does. EEXIST if a module of that name is known.
func (k *Kernel) AddModule(m *Module) error {
	if m == nil || m.Name == "" {
		return unix.EINVAL
	}
	k.modMu.Lock()
	defer k.modMu.Unlock()
	if old, ok := k.known[m.Name]; ok && old != m {
		return unix.EEXIST
	}
	k.known[m.Name] = m
	return nil
}

// LoadModule is init_module for a known module with its parameters
// ("key=value"; a bare "key" is "key=1"): EEXIST when it is already
// loaded, ENOENT when it is unknown, and the init function's error if it
// fails (the module is then not loaded).
func (k *Kernel) LoadModule(name string, params ...string) error {
	k.modMu.Lock()
	m, ok := k.known[name]
	if !ok {
		k.modMu.Unlock()
		return unix.ENOENT
	}
	if _, loaded := k.modules[name]; loaded {
		// A load in progress: as in init_module, wait for its init to
		// finish before answering EEXIST, so that a caller that finds the
		// module loaded also finds what its init registered.
		done := m.loaded
		k.modMu.Unlock()
		if done != nil {
			<-done
		}
		return unix.EEXIST
	}
	m.state = ModuleStateComing
	m.loaded = make(chan struct{})
	m.Params = parseModuleParams(params)
	k.modules[name] = m
	k.modMu.Unlock()

	var err error
	if m.Init != nil {
		err = m.Init(k, m)
	}
	k.modMu.Lock()
	defer k.modMu.Unlock()
	defer close(m.loaded)
	if err != nil {
		m.state = ModuleStateUnloaded
		delete(k.modules, name)
		return err
	}
	m.state = ModuleStateLive
	return nil
}

// DeleteModule is delete_module: ENOENT when not loaded, EWOULDBLOCK
// ("Module is in use") while references are held; otherwise exit runs.
func (k *Kernel) DeleteModule(name string) error {
	k.modMu.Lock()
	m, ok := k.modules[name]
	if !ok || m.state != ModuleStateLive {
		k.modMu.Unlock()
		return unix.ENOENT
	}
	if m.refcnt.Load() != 0 {
		k.modMu.Unlock()
		return unix.EWOULDBLOCK
	}
	m.state = ModuleStateGoing
	k.modMu.Unlock()

	if m.Exit != nil {
		m.Exit(k, m)
	}
	k.modMu.Lock()
	m.state = ModuleStateUnloaded
	delete(k.modules, name)
	k.modMu.Unlock()
	return nil
}

// Loaded reports whether the named module is loaded and live.
func (k *Kernel) Loaded(name string) bool {
	k.modMu.Lock()
	defer k.modMu.Unlock()
	m, ok := k.modules[name]
	return ok && m.state == ModuleStateLive
}

// Module returns the loaded module of that name.
func (k *Kernel) Module(name string) *Module {
	k.modMu.Lock()
	defer k.modMu.Unlock()
	return k.modules[name]
}

// RequestModule is request_module: modprobe of a name or alias. It loads
// the matching known module; an already loaded one is success.
func (k *Kernel) RequestModule(alias string) error {
	k.modMu.Lock()
	var found *Module
	for _, m := range k.known {
		if m.Name == alias {
			found = m
			break
		}
		for _, a := range m.Aliases {
			if a == alias {
				found = m
			}
		}
		if found != nil {
			break
		}
	}
	k.modMu.Unlock()
	if found == nil {
		return unix.ENOENT
	}
	if err := k.LoadModule(found.Name); err != nil && err != unix.EEXIST {
		return err
	}
	return nil
}

// parseModuleParams is parse_args over "key=value" words.
func parseModuleParams(params []string) map[string]string {
	out := make(map[string]string, len(params))
	for _, p := range params {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			v = "1"
		}
		out[strings.ReplaceAll(k, "-", "_")] = v
	}
	return out
}
