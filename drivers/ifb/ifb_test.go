package ifb_test

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/knettest"
)

// TestIfb: loading ifb creates ifb0 and ifb1; a frame sent on an ifb that
// tc did not redirect there is counted as received and dropped; an up
// ifb has the default qdisc, since it has a queue.
func TestIfb(t *testing.T) {
	k := knettest.NewKernel(t)
	ns := k.InitNet()
	if err := k.LoadModule("ifb"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ifb0", "ifb1"} {
		if l, ok := ns.Link(name); !ok || l.Kind != "ifb" || l.Type != unix.ARPHRD_ETHER {
			t.Errorf("%s: %+v %v", name, l, ok)
		}
	}
	r := knettest.Dial(t, ns)
	if err := r.Add("i0", "ifb"); err != nil {
		t.Fatal(err)
	}
	lm, _, err := r.Get("i0")
	if err != nil {
		t.Fatal(err)
	}
	if *lm.Attributes.TxQueueLen != 32 || lm.Attributes.QueueDisc != "noop" {
		t.Errorf("i0: txqlen %d qdisc %q, want 32 and noop while down", *lm.Attributes.TxQueueLen, lm.Attributes.QueueDisc)
	}
	if err := r.Up("i0"); err != nil {
		t.Fatal(err)
	}
	if l, _ := ns.Link("i0"); l.Qdisc != "fq_codel" {
		t.Errorf("up i0's qdisc %q, want the default fq_codel", l.Qdisc)
	}
	c, err := ns.Capture("i0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	f := make([]byte, 60)
	copy(f, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x88, 0xb5})
	if err := c.Send(f); err != nil {
		t.Fatal(err)
	}
	if s := r.Stats("i0"); s.RXPackets != 1 || s.RXBytes != 60 || s.RXDropped != 1 || s.TXPackets != 0 {
		t.Errorf("i0 counters %+v, want rx 1/60, rx_dropped 1", s)
	}
	if err := r.Delete("ifb1"); err != nil {
		t.Fatal(err)
	}
}
