package conformance

import (
	"bytes"
	"fmt"
	"reflect"

	"github.com/google/go-cmp/cmp"
)

// Comparison is the outcome of comparing two results of one scenario
// after normalisation.
type Comparison struct {
	Scenario string
	Match    bool
	// Diff is the difference of the decoded text forms, (-want +got).
	Diff string
	// Bytes lists, for each event that differs, where: the event, the
	// first differing byte offset and field, and both values.
	Bytes []string
}

// Compare compares got with want (for example the model with the
// kernel) after normalising both.
func Compare(want, got *Result) Comparison {
	w, g := Normalize(want), Normalize(got)
	nsidsMatch := reflect.DeepEqual(w.NSIDs, g.NSIDs)
	c := Comparison{Scenario: want.Scenario, Match: eventsEqual(w.Events, g.Events) && nsidsMatch}
	if c.Match {
		return c
	}
	c.Diff = cmp.Diff(Text(w), Text(g))
	if !nsidsMatch {
		c.Bytes = append(c.Bytes, fmt.Sprintf("netns ids at the end differ: want %s got %s", nsidsText(w.NSIDs), nsidsText(g.NSIDs)))
	}
	for i := range max(len(w.Events), len(g.Events)) {
		switch {
		case i >= len(w.Events):
			c.Bytes = append(c.Bytes, fmt.Sprintf("event #%d: only in got: %s", i, eventHeader(i, g.Events[i])))
		case i >= len(g.Events):
			c.Bytes = append(c.Bytes, fmt.Sprintf("event #%d: only in want: %s", i, eventHeader(i, w.Events[i])))
		default:
			if s := eventDiff(i, w.Events[i], g.Events[i]); s != "" {
				c.Bytes = append(c.Bytes, s)
			}
		}
	}
	return c
}

func eventsEqual(a, b []Event) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if !bytes.Equal(x.Data, y.Data) {
			return false
		}
		x.Data, y.Data = nil, nil
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

// eventDiff describes how two events at the same position differ: their
// metadata, or their first differing byte. When the lengths differ, the
// first difference is usually nlmsg_len itself, so the first difference
// past it is given too.
func eventDiff(i int, w, g Event) string {
	wd, gd := w.Data, g.Data
	wm, gm := w, g
	wm.Data, gm.Data, wm.Len, gm.Len = nil, nil, 0, 0
	if !reflect.DeepEqual(wm, gm) {
		return fmt.Sprintf("event #%d differs outside its bytes:\n  want %s\n  got  %s", i, eventHeader(i, w), eventHeader(i, g))
	}
	if bytes.Equal(wd, gd) && w.Len == g.Len {
		return ""
	}
	first := func(from int) int {
		off := from
		for off < len(wd) && off < len(gd) && wd[off] == gd[off] {
			off++
		}
		return off
	}
	at := func(off int) string {
		val := func(b []byte) string {
			if off >= len(b) {
				return "(end)"
			}
			return fmt.Sprintf("%#02x", b[off])
		}
		return fmt.Sprintf("byte offset %d (%#x), %s: want %s got %s", off, off, locateEvent(w, off), val(wd), val(gd))
	}
	s := fmt.Sprintf("event #%d (%s %s, %d vs %d bytes): first difference at %s", i, w.Kind, w.Sock, w.Len, g.Len, at(first(0)))
	if off := first(0); off < 4 {
		if next := first(4); next < max(len(wd), len(gd)) {
			s += "; past nlmsg_len at " + at(next)
		}
	}
	return s
}
