package net

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// wrapErr turns a core errno into the error a system call would return:
// an *os.SyscallError naming the call and wrapping the unix.Errno.
func wrapErr(call string, err error) error {
	if err == nil {
		return nil
	}
	var e unix.Errno
	if errors.As(err, &e) {
		if e == unix.EAGAIN && (call == "recvmsg" || call == "recvfrom") {
			return os.ErrDeadlineExceeded
		}
		return os.NewSyscallError(call, e)
	}
	return err
}
