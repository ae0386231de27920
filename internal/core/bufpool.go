package core

import "sync"

// Buffers for unicast replies and dump datagrams come from a pool and go
// back when the receiver has copied them out: such an skb has one reader
// (the socket it is queued on) and, while it is being tapped, the tap
// devices' transmit paths, which must not keep the bytes (a packet socket
// copies them; an skb is the driver's only until ndo_start_xmit returns,
// as in the kernel, where it is freed then).

const (
	replyBufSize = 2048
	dumpBufSize  = nlDumpMaxRecvmsgLen + ifNlmsgSizeHint
)

var (
	replyBufs = sync.Pool{New: func() any { b := make([]byte, 0, replyBufSize); return &b }}
	dumpBufs  = sync.Pool{New: func() any { b := make([]byte, 0, dumpBufSize); return &b }}
)

// getReplyBuf returns an empty buffer of at least replyBufSize bytes.
func getReplyBuf() []byte { return (*replyBufs.Get().(*[]byte))[:0] }

// getDumpBuf returns an empty buffer that holds a whole dump datagram and
// the message that overflows it.
func getDumpBuf() []byte { return (*dumpBufs.Get().(*[]byte))[:0] }

// putBuf returns a pooled buffer.
func putBuf(b []byte) {
	switch c := cap(b); {
	case c >= dumpBufSize:
		b = b[:0]
		dumpBufs.Put(&b)
	case c >= replyBufSize:
		b = b[:0]
		replyBufs.Put(&b)
	}
}

// statsPool holds the storage dev_get_stats fills for rtnl_fill_stats.
var statsPool = sync.Pool{New: func() any { return new(RtnlLinkStats64) }}
