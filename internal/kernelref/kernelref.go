// Package kernelref lets the typed driver packages reach the core model
// behind a *net.Kernel without the public API exposing it: package net
// registers the accessors, the binding packages call them.
package kernelref

import "github.com/knetlab/knet/internal/core"

var (
	get    func(k any) *core.Kernel
	getNet func(ns any) *core.Net
)

// Register installs the accessors; package net calls it once at init.
func Register(kernel func(k any) *core.Kernel, net func(ns any) *core.Net) {
	get, getNet = kernel, net
}

// Of returns the core kernel behind a *net.Kernel.
func Of(k any) *core.Kernel { return get(k) }

// NetOf returns the struct net behind a *net.Namespace.
func NetOf(ns any) *core.Net { return getNet(ns) }
