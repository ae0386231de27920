package core

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// rtnlLock is the RTNL lock. Changes to devices hold it for writing, as
// rtnl_lock does. RTM_GETLINK and link dumps, which the kernel runs under
// RCU without RTNL, hold it for reading, and so that readers on different
// CPUs do not contend on one cache line it is a big-reader lock: one
// reader lock per shard, a reader taking the shard of its socket, a writer
// taking them all.
type rtnlLock struct {
	shards []rtnlShard
}

type rtnlShard struct {
	mu sync.RWMutex
	_  [40]byte // a cache line each
}

var rtnlShardSeq atomic.Uint32

func newRtnlLock() rtnlLock {
	n := 1
	for n < 2*runtime.GOMAXPROCS(0) {
		n <<= 1
	}
	return rtnlLock{shards: make([]rtnlShard, n)}
}

// nextShard spreads sockets over the shards.
func (l *rtnlLock) nextShard() uint32 {
	return rtnlShardSeq.Add(1) & uint32(len(l.shards)-1)
}

// Lock is rtnl_lock.
func (l *rtnlLock) Lock() {
	for i := range l.shards {
		l.shards[i].mu.Lock()
	}
}

// Unlock is rtnl_unlock.
func (l *rtnlLock) Unlock() {
	for i := len(l.shards) - 1; i >= 0; i-- {
		l.shards[i].mu.Unlock()
	}
}

// RLock takes the read side of one shard.
func (l *rtnlLock) RLock(shard uint32) { l.shards[shard&uint32(len(l.shards)-1)].mu.RLock() }

// RUnlock releases what RLock(shard) took.
func (l *rtnlLock) RUnlock(shard uint32) { l.shards[shard&uint32(len(l.shards)-1)].mu.RUnlock() }
