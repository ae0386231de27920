//go:build !linux

package benchmarks

import "fmt"

// NewHost fails off Linux: there is no host netlink to compare with.
func NewHost() (Env, error) { return nil, fmt.Errorf("%w: not Linux", ErrNoHost) }

// HostLinkKinds fails off Linux.
func HostLinkKinds() ([]string, error) { return nil, fmt.Errorf("%w: not Linux", ErrNoHost) }
