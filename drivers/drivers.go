// Package drivers makes the stock link drivers available to a model
// kernel as a distribution kernel has them: installed as modules that
// load on demand (`ip link add NAME type KIND` loads rtnl-link-KIND).
package drivers

import (
	"github.com/knetlab/knet/drivers/dummy"
	"github.com/knetlab/knet/drivers/ifb"
	"github.com/knetlab/knet/drivers/veth"
	"github.com/knetlab/knet/examples/nlmon"
	"github.com/knetlab/knet/module"
	"github.com/knetlab/knet/net"
)

// Modules are the stock modules Install installs.
var Modules = []*module.Module{dummy.Module, ifb.Module, nlmon.Module, veth.Module}

// Install makes every stock module available to k; none is loaded.
func Install(k *net.Kernel) error {
	for _, m := range Modules {
		if err := m.Install(k); err != nil {
			return err
		}
	}
	return nil
}

// NewKernel boots a model kernel with the options given and the stock
// modules installed.
func NewKernel(opts ...net.Option) *net.Kernel {
	k := net.NewKernel(opts...)
	if err := Install(k); err != nil {
		panic("drivers: " + err.Error())
	}
	return k
}
