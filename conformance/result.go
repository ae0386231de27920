package conformance

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Result is what a backend observed running one scenario: the ordered
// events of every socket and capture, in the order the runner saw them.
type Result struct {
	Scenario    string `json:"scenario"`
	Fingerprint string `json:"fingerprint"`
	// Kernel is `uname -r` of the kernel, or "knet" for the model.
	Kernel string  `json:"kernel"`
	Events []Event `json:"events"`
	// NSIDs is, for each namespace, the netns id it has for each other
	// namespace of the scenario at its end (only assigned ones), as
	// RTM_GETNSID answers: Normalize follows IFLA_LINK_NETNSID and
	// IFLA_NEW_NETNSID with it.
	NSIDs map[string]map[string]int32 `json:"nsids,omitempty"`
}

// Event kinds.
const (
	EvOpen   = "open"   // a socket was opened; Port is its port id
	EvSend   = "send"   // a datagram was sent; Data is it, Errno the sendmsg error
	EvRecv   = "recv"   // a datagram was received; Port/Groups is the sender
	EvFrame  = "frame"  // a capture received a frame
	EvError  = "error"  // an operation failed: Op names it, Errno the error
	EvStats  = "stats"  // the answer to a Stats step
	EvUnload = "unload" // delete_module's result (Errno "" on success)
	// EvSendFrame is a frame sent from a capture's packet socket (Sock):
	// Data is the frame, Errno send's error.
	EvSendFrame = "sendframe"
)

// Event is one observation.
type Event struct {
	Step int    `json:"step"`
	Kind string `json:"kind"`
	NS   string `json:"ns"`
	// Sock names the socket or capture.
	Sock string `json:"sock,omitempty"`
	// Proto is the netlink protocol of the socket, or for a frame
	// sll_protocol in host order (the netlink protocol on nlmon).
	Proto int    `json:"proto"`
	Op    string `json:"op,omitempty"`
	Errno string `json:"errno,omitempty"`
	// Port is the socket's own port id (open) or the sender's (recv).
	Port   uint32 `json:"port,omitempty"`
	Groups uint32 `json:"groups,omitempty"`
	// Len is the datagram's or frame's full length (MSG_TRUNC).
	Len  int `json:"len,omitempty"`
	Data Hex `json:"data,omitempty"`
	// Frame fields: sockaddr_ll of recvfrom.
	PktType uint8  `json:"pkttype,omitempty"`
	Hatype  uint16 `json:"hatype,omitempty"`
	Ifindex int32  `json:"ifindex,omitempty"`
	Halen   uint8  `json:"halen,omitempty"`
}

// Hex is bytes that JSON carries as a hex string.
type Hex []byte

// MarshalText encodes the bytes in hex.
func (h Hex) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h)), nil }

// UnmarshalText decodes what MarshalText encodes.
func (h *Hex) UnmarshalText(b []byte) error {
	v, err := hex.DecodeString(string(b))
	*h = v
	return err
}

// WriteResult writes r to dir/<scenario>.json.
func WriteResult(dir string, r *Result) error {
	b, err := json.MarshalIndent(r, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, r.Scenario+".json"), append(b, '\n'), 0o644)
}

// ReadResult reads dir/<name>.json.
func ReadResult(dir, name string) (*Result, error) {
	b, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if err != nil {
		return nil, err
	}
	r := new(Result)
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}

// GoldenDir is where the kernel's recorded results live, relative to the
// package directory.
const GoldenDir = "testdata/kernel"

// errnoString names an errno for results ("EINVAL"), or returns the error's
// text when it carries none.
func errnoString(err error) string {
	if err == nil {
		return ""
	}
	var e unix.Errno
	if errors.As(err, &e) {
		return errnoName(e)
	}
	return strings.TrimSpace(err.Error())
}

// errnoName names an errno as the kernel sources do where two names
// share a number: EOPNOTSUPP (not ENOTSUP), EWOULDBLOCK (not EAGAIN).
func errnoName(e unix.Errno) string {
	switch e {
	case unix.EOPNOTSUPP:
		return "EOPNOTSUPP"
	case unix.EWOULDBLOCK:
		return "EWOULDBLOCK"
	}
	if n := unix.ErrnoName(e); n != "" {
		return n
	}
	return fmt.Sprintf("errno %d", int(e))
}
