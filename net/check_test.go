package net

import (
	"testing"

	"github.com/knetlab/knet/internal/core"
)

// TestFaultPointCore checks that each public fault point converts to the
// core's fault point of the same allocation site, so the two constant
// lists cannot drift apart.
func TestFaultPointCore(t *testing.T) {
	want := []struct {
		p    FaultPoint
		core core.FaultPoint
	}{
		{FaultNetdevAlloc, core.FailNetdevAlloc},
		{FaultPrivAlloc, core.FailPrivAlloc},
		{FaultPcpuStats, core.FailPcpuStats},
		{FaultRegister, core.FailRegister},
		{FaultSkbAlloc, core.FailSkbAlloc},
		{FaultSkbClone, core.FailSkbClone},
		{FaultObjAlloc, core.FailObjAlloc},
	}
	if len(want) != int(numFaultPoints) {
		t.Fatalf("the test covers %d fault points, package net declares %d", len(want), numFaultPoints)
	}
	for _, w := range want {
		if got := w.p.core(); got != w.core {
			t.Errorf("FaultPoint(%d).core() = %d, want %d", w.p, got, w.core)
		}
	}
	for _, p := range []FaultPoint{-1, numFaultPoints} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("FaultPoint(%d).core() did not panic", p)
				}
			}()
			p.core()
		}()
	}
}
