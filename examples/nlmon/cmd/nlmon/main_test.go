package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/knetlab/knet/examples/nlmon/decode"
)

func runNlmon(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	if rc := run(args, &o, &e); rc != 0 {
		t.Fatalf("nlmon %v: exit %d, stderr:\n%s", args, rc, e.String())
	}
	return o.String(), e.String()
}

var (
	frameLine = regexp.MustCompile(`^ *\d+  (user->kernel|kernel->user) `)
	rxLine    = regexp.MustCompile(`(?m)^    RX: .*\n +(\d+) +(\d+) `)
)

// rx reads the RX bytes and packets of the ip -s link block.
func rx(t *testing.T, out string) (bytes, packets int) {
	t.Helper()
	m := rxLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no RX counters in:\n%s", out)
	}
	b, _ := strconv.Atoi(m[1])
	p, _ := strconv.Atoi(m[2])
	return b, p
}

func TestText(t *testing.T) {
	out, _ := runNlmon(t)
	var frames int
	for _, l := range strings.Split(out, "\n") {
		if frameLine.MatchString(l) {
			frames++
		}
	}
	for _, want := range []string{
		"# ip link add nlmon1 type nlmon\n",
		"user->kernel route RTM_NEWLINK flags=REQUEST,ACK,EXCL,CREATE ",
		"kernel->user route RTM_NEWLINK seq=0 port=0 ",                           // the listener's notification
		"user->kernel route RTM_GETLINK flags=REQUEST,DUMP ",                     // the dump
		"kernel->user route NLMSG_DONE flags=MULTI ",                             // its end
		`error=EINVAL(22) extack="mtu less than device minimum" req=RTM_NEWLINK`, // mtu 10
		"address=02:00:00:00:00:01",                                              // the request nlmon rejects
		"kernel->user generic NLMSG_ERROR ",                                      // generic netlink
		"kernel->user route RTM_DELLINK seq=0 port=0 ",
		"2: nlmon0: <NOARP,UP,LOWER_UP> mtu 3776 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// RX counts every captured frame, plus the ack of `up` sent before
	// the capture opened and the request reading the counters.
	if _, p := rx(t, out); p != frames+2 {
		t.Errorf("RX packets %d, want %d captured frames + 2", p, frames)
	}
	if frames < 15 {
		t.Errorf("only %d frames", frames)
	}
}

func TestCount(t *testing.T) {
	out, _ := runNlmon(t, "-c", "3")
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if frameLine.MatchString(l) {
			got = append(got, strings.Fields(l)[0])
		}
	}
	if diff := cmp.Diff([]string{"1", "2", "3"}, got); diff != "" {
		t.Errorf("frames with -c 3 (-want +got):\n%s", diff)
	}
}

func TestQuiet(t *testing.T) {
	out, _ := runNlmon(t, "-q")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "2: nlmon0: ") {
		t.Errorf("-q printed:\n%s", out)
	}
}

func TestJSON(t *testing.T) {
	out, _ := runNlmon(t, "-json")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var frames, dirs int
	for _, l := range lines[:len(lines)-1] {
		var f frameJSON
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		frames++
		if f.Frame != frames || len(f.Messages) == 0 || f.Step == "" {
			t.Errorf("frame %d: %s", frames, l)
		}
		for _, m := range f.Messages {
			if m.Direction == decode.ToKernel {
				dirs++
			}
		}
	}
	if !strings.Contains(out, `"direction":"user->kernel"`) || dirs == 0 {
		t.Errorf("no user->kernel message in:\n%s", out)
	}
	var st statsJSON
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &st); err != nil {
		t.Fatal(err)
	}
	if st.Stats.Ifname != "nlmon0" || st.Captured.Frames != frames || st.Stats.RxPackets != uint64(frames+2) {
		t.Errorf("stats %+v for %d frames", st, frames)
	}
}

// TestPcap reads back the -w file: the pcap header, then one record per
// captured frame with the LINKTYPE_NETLINK header and the netlink bytes.
func TestPcap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nlmon.pcap")
	out, _ := runNlmon(t, "-w", path, "-json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	type header struct {
		Magic        uint32
		Major, Minor uint16
		Zone, Sig    uint32
		Snaplen      uint32
		Linktype     uint32
	}
	got := header{le.Uint32(b), le.Uint16(b[4:]), le.Uint16(b[6:]), le.Uint32(b[8:]), le.Uint32(b[12:]), le.Uint32(b[16:]), le.Uint32(b[20:])}
	if diff := cmp.Diff(header{0xa1b2c3d4, 2, 4, 0, 0, 262144, 253}, got); diff != "" {
		t.Errorf("pcap header (-want +got):\n%s", diff)
	}
	var want []frameJSON
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var f frameJSON
		if json.Unmarshal([]byte(l), &f) == nil && f.Frame > 0 {
			want = append(want, f)
		}
	}
	recs := b[24:]
	for i := 0; len(recs) > 0; i++ {
		if len(recs) < 16 || i >= len(want) {
			t.Fatalf("record %d: %d bytes left, %d frames", i, len(recs), len(want))
		}
		incl, orig := int(le.Uint32(recs[8:])), int(le.Uint32(recs[12:]))
		rec := recs[16 : 16+incl]
		recs = recs[16+incl:]
		be := binary.BigEndian
		if incl != orig || orig != 16+want[i].Len {
			t.Errorf("record %d: incl %d orig %d, frame of %d bytes", i, incl, orig, want[i].Len)
		}
		if pt, hatype, proto := be.Uint16(rec[0:]), be.Uint16(rec[2:]), be.Uint16(rec[14:]); pt != 4 || hatype != 824 || proto != want[i].Protocol {
			t.Errorf("record %d: pkttype %d hatype %d protocol %d", i, pt, hatype, proto)
		}
		if !bytes.Equal(rec[4:14], make([]byte, 10)) {
			t.Errorf("record %d: bytes 4-13 %x, want zero", i, rec[4:14])
		}
		msgs, err := decode.Frame(be.Uint16(rec[14:]), rec[16:])
		if err != nil || !cmp.Equal(msgs, want[i].Messages) {
			t.Errorf("record %d decodes to %+v (%v), want %+v", i, msgs, err, want[i].Messages)
		}
		if i == len(want)-1 && len(recs) != 0 {
			t.Errorf("%d bytes after the last record", len(recs))
		}
	}
}

func TestUsage(t *testing.T) {
	out, _ := runNlmon(t, "--help")
	for _, f := range []string{"-w FILE", "-c N", "-json", "-q"} {
		if !strings.Contains(out, f) {
			t.Errorf("--help lacks %s:\n%s", f, out)
		}
	}
	var o, e bytes.Buffer
	if rc := run([]string{"-bogus"}, &o, &e); rc != 2 || !strings.Contains(e.String(), "Usage") {
		t.Errorf("bad flag: exit %d, stderr %q", rc, e.String())
	}
	if rc := run([]string{"extra"}, &o, &e); rc != 2 {
		t.Errorf("extra argument: exit %d", rc)
	}
}
