package core

import "sync"

// Unicast replies and dump datagrams are built in pooled skbs that go back
// to their pool when the receiver has copied them out: such an skb has one
// reader (the socket it is queued on) and, while it is being tapped, the
// tap devices' transmit paths, which must not keep the bytes (a packet
// socket copies them; an skb is the driver's only until ndo_start_xmit
// returns, as in the kernel, where it is freed then). Requests to the
// kernel, handled before sendmsg returns, use pooled skbs over the
// sender's bytes.

const (
	replyBufSize = 2048
	dumpBufSize  = nlDumpMaxRecvmsgLen + ifNlmsgSizeHint
)

var replySkbs, dumpSkbs, requestSkbs sync.Pool

func init() {
	replySkbs.New = func() any { return &SkBuff{Data: make([]byte, 0, replyBufSize)} }
	dumpSkbs.New = func() any { return &SkBuff{Data: make([]byte, 0, dumpBufSize)} }
	requestSkbs.New = func() any { return new(SkBuff) }
}

// statsPool holds the storage dev_get_stats fills for rtnl_fill_stats.
var statsPool = sync.Pool{New: func() any { return new(RtnlLinkStats64) }}
