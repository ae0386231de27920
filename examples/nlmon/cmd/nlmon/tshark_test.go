package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPcapDecodedByTshark hands the pcap the binary writes to Wireshark's
// dissector (tshark, which .ci/run installs) and checks that it reads
// every frame as netlink of the right family, the route messages with
// the right types, and errors with the right errno.
func TestPcapDecodedByTshark(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tshark is not installed; .ci/run installs it")
		}
		t.Skip("tshark is not installed (apt-get install tshark)")
	}
	path := filepath.Join(t.TempDir(), "nlmon.pcap")
	out, _ := runNlmon(t, "-w", path, "-json")
	var frames []frameJSON
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var f frameJSON
		if json.Unmarshal([]byte(l), &f) == nil && f.Frame > 0 {
			frames = append(frames, f)
		}
	}
	cmd := exec.Command(tshark, "-r", path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
		"-e", "netlink.hatype", "-e", "netlink.family", "-e", "netlink-route.nltype", "-e", "netlink.hdr_type", "-e", "netlink.error")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != len(frames) {
		t.Fatalf("tshark read %d frames, the binary captured %d", len(lines), len(frames))
	}
	for i, line := range lines {
		f := strings.Split(line, "\t")
		for len(f) < 5 {
			f = append(f, "")
		}
		fam, _ := strconv.ParseUint(strings.TrimPrefix(f[1], "0x"), 16, 16)
		if f[0] != "824" || uint16(fam) != frames[i].Protocol {
			t.Errorf("frame %d: tshark hatype %q family %q, want 824 and %d", i+1, f[0], f[1], frames[i].Protocol)
		}
		if frames[i].Protocol != 0 {
			continue // only the route dissector names message types
		}
		var want, got []string
		var wantErr string
		for _, m := range frames[i].Messages {
			if m.TypeNum >= 16 {
				want = append(want, strconv.Itoa(int(m.TypeNum)))
			}
			if m.Error != nil {
				wantErr = strconv.Itoa(int(-m.Error.Errno))
			}
		}
		if f[2] != "" {
			got = strings.Split(f[2], ",")
		}
		if !cmp.Equal(want, got) {
			t.Errorf("frame %d: tshark route types %v, want %v", i+1, got, want)
		}
		if wantErr != "" && !strings.HasPrefix(f[3], "0x0002") {
			t.Errorf("frame %d: tshark message type %q, want NLMSG_ERROR", i+1, f[3])
		}
		if wantErr != "" && f[4] != wantErr && !(wantErr == "0" && f[4] == "0") {
			t.Errorf("frame %d: tshark error %q, want %s", i+1, f[4], wantErr)
		}
	}
}
