package skbuff_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knetlab/knet/internal/binding"
	"github.com/knetlab/knet/internal/core"
	"github.com/knetlab/knet/skbuff"
)

// newSkb wraps a core skb as ndo_start_xmit would hand it over.
func newSkb(data []byte) *skbuff.SkBuff {
	return binding.SkBuff.New(&core.SkBuff{Data: data, Protocol: 16, PktType: core.PACKET_USER}).(*skbuff.SkBuff)
}

func panics(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one mentioning %q", want)
		}
		if s, _ := r.(string); !strings.Contains(s, want) {
			t.Fatalf("panic %v, want one mentioning %q", r, want)
		}
	}()
	f()
}

func TestAccessors(t *testing.T) {
	skb := newSkb([]byte{1, 2, 3, 4, 5})
	type got struct {
		Len      uint32
		Protocol uint16
		PktType  uint8
		Bytes    []byte
		At2      byte
		Slice    []byte
	}
	g := got{skb.Len(), skb.Protocol(), skb.PktType(), skb.Data().Bytes(), skb.Data().At(2), skb.Data().Slice(1, 3).Bytes()}
	want := got{5, 16, core.PACKET_USER, []byte{1, 2, 3, 4, 5}, 3, []byte{2, 3}}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestViewIsReadOnly: what a driver gets from Data cannot reach the shared
// buffer, neither by writing into a copy nor by appending to a slice.
func TestViewIsReadOnly(t *testing.T) {
	buf := []byte{1, 2, 3, 4}
	skb := newSkb(buf[:2])
	b := skb.Data().Bytes()
	b[0] = 9
	_ = skb.Data().AppendTo(nil)
	dst := make([]byte, 1)
	skb.Data().CopyTo(dst)
	dst[0] = 9
	_ = append(skb.Data().Slice(0, 1).Bytes(), 7)
	if diff := cmp.Diff([]byte{1, 2, 3, 4}, buf); diff != "" {
		t.Errorf("buffer changed (-want +got):\n%s", diff)
	}
}

// TestOwnership: the rule the Rust SkBuff enforces with moves and Drop,
// checked at run time.
func TestOwnership(t *testing.T) {
	t.Run("consume then use", func(t *testing.T) {
		skb := newSkb([]byte{1})
		skb.Consume()
		panics(t, "use after dev_kfree_skb", func() { skb.Len() })
	})
	t.Run("double consume", func(t *testing.T) {
		skb := newSkb([]byte{1})
		skb.Consume()
		panics(t, "double free", skb.Consume)
	})
	t.Run("ok consumes", func(t *testing.T) {
		skb := newSkb([]byte{1})
		binding.SkBuff.Settle(skb, binding.SettleOk)
		panics(t, "use after dev_kfree_skb", func() { skb.Data() })
	})
	t.Run("ok after consume is one free", func(t *testing.T) {
		skb := newSkb([]byte{1})
		skb.Consume()
		binding.SkBuff.Settle(skb, binding.SettleOk) // no double free
	})
	t.Run("busy hands back", func(t *testing.T) {
		skb := newSkb([]byte{1})
		binding.SkBuff.Settle(skb, binding.SettleBusy)
		panics(t, "handed back with NETDEV_TX_BUSY", func() { skb.Protocol() })
		panics(t, "handed back", skb.Consume)
	})
	t.Run("busy after consume", func(t *testing.T) {
		skb := newSkb([]byte{1})
		skb.Consume()
		panics(t, "NETDEV_TX_BUSY on a consumed", func() { binding.SkBuff.Settle(skb, binding.SettleBusy) })
	})
}
