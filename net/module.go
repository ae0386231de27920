package net

// Modules are described and installed with package
// github.com/knetlab/knet/module; a kernel loads and unloads them by name.

// LoadModule loads a known module by name with its parameters (modprobe
// NAME key=value ..., such as "numdummies=3"): EEXIST when it is loaded
// already, ENOENT when unknown, else the error of its init (EINVAL for a
// parameter value it cannot parse).
func (k *Kernel) LoadModule(name string, params ...string) error {
	err := k.k.LoadModule(name, params...)
	k.k.RunDueWork()
	return wrapErr("init_module", err)
}

// UnloadModule unloads a module (rmmod NAME): EWOULDBLOCK while it is in
// use (an up nlmon device holds its module through the tap), ENOENT when
// it is not loaded.
func (k *Kernel) UnloadModule(name string) error {
	err := k.k.DeleteModule(name)
	k.k.RunDueWork()
	return wrapErr("delete_module", err)
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
