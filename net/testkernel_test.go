package net

import (
	"os"
	"testing"
)

// errDeadline is what a read past its deadline returns.
var errDeadline = os.ErrDeadlineExceeded

// newTestKernel boots a kernel whose consistency is checked when the test
// ends.
func newTestKernel(t testing.TB) *Kernel {
	t.Helper()
	k := NewKernel()
	t.Cleanup(func() {
		if err := k.CheckConsistency(); err != nil {
			t.Errorf("model inconsistent after the test:\n%v", err)
		}
	})
	return k
}
