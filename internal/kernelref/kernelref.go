// Package kernelref lets the typed driver packages reach the core model
// behind a *net.Kernel without the public API exposing it: package net
// registers the accessor, the binding packages call Of.
package kernelref

import "github.com/knetlab/knet/internal/core"

var get func(k any) *core.Kernel

// Register installs the accessor; package net calls it once at init.
func Register(f func(k any) *core.Kernel) { get = f }

// Of returns the core kernel behind a *net.Kernel.
func Of(k any) *core.Kernel { return get(k) }
