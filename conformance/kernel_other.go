//go:build !linux

package conformance

import "errors"

// Kernel is the backend of the running Linux kernel; it exists on Linux
// only.
func Kernel() (Backend, error) {
	return nil, errors.New("the kernel backend needs Linux")
}
