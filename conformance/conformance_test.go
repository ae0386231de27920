package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// kernelDir is where the kernel's results are read from: the goldens, or
// KNET_KERNEL_RESULTS (a live run's output, see cmd/record -live).
func kernelDir() string {
	if d := os.Getenv("KNET_KERNEL_RESULTS"); d != "" {
		return d
	}
	return GoldenDir
}

func strictMode() bool { return os.Getenv("KNET_CONFORMANCE_STRICT") == "1" }

func TestCatalogue(t *testing.T) {
	all := All()
	if len(all) < 60 {
		t.Errorf("%d scenarios, want at least 60", len(all))
	}
	seen := map[string]bool{}
	for _, s := range all {
		if s.Name == "" || s.Desc == "" || len(s.Steps) == 0 {
			t.Errorf("scenario %q: name, description and steps are required", s.Name)
		}
		if seen[s.Name] {
			t.Errorf("scenario %q defined twice", s.Name)
		}
		seen[s.Name] = true
	}
	for name := range KnownDiffs {
		if !seen[name] {
			t.Errorf("KnownDiffs lists %q, which is not a scenario", name)
		}
	}
}

// TestModelRuns runs every scenario on the model and checks that its text
// form renders, without a kernel result to compare with.
func TestModelRuns(t *testing.T) {
	for _, s := range All() {
		r, err := Model().Run(s)
		if err != nil {
			t.Errorf("%s: %v", s.Name, err)
			continue
		}
		if len(Text(Normalize(r))) == 0 {
			t.Errorf("%s: no events", s.Name)
		}
	}
}

type outcome struct {
	name, status, note string
}

// TestModelVsKernel runs every scenario on the model and compares the
// result with the kernel's (the goldens by default) after normalisation.
// A difference fails the test unless KnownDiffs lists it (it is logged
// then); KNET_CONFORMANCE_STRICT=1 fails on those too.
func TestModelVsKernel(t *testing.T) {
	dir := kernelDir()
	var (
		outcomes []outcome
		report   strings.Builder
	)
	for _, s := range All() {
		t.Run(s.Name, func(t *testing.T) {
			o := outcome{name: s.Name}
			defer func() { outcomes = append(outcomes, o) }()
			want, err := ReadResult(dir, s.Name)
			if err != nil {
				o.status = "no kernel result"
				if dir != GoldenDir && os.IsNotExist(err) {
					o.status = "not in this live run"
					t.Skipf("not in this live run: %v", err)
				}
				t.Fatalf("no kernel result (record with `go run ./conformance/cmd/record`): %v", err)
			}
			if want.Fingerprint != s.Fingerprint() {
				o.status = "stale"
				t.Fatalf("the kernel result was recorded from other steps (fingerprint %s, now %s): re-record with `go run ./conformance/cmd/record`",
					want.Fingerprint, s.Fingerprint())
			}
			got, err := Model().Run(s)
			if err != nil {
				o.status = "model error"
				t.Fatal(err)
			}
			c := Compare(want, got)
			known, isKnown := KnownDiffs[s.Name]
			switch {
			case c.Match && isKnown:
				o.status = "match (listed as known)"
				t.Errorf("matches the kernel (%s) but KnownDiffs lists it: remove it there", want.Kernel)
			case c.Match:
				o.status = "match"
			case isKnown && known.Model != ModelHash(got):
				o.status = "DIFFERENT (known difference changed)"
				t.Errorf("KnownDiffs[%q] pins the model's answer %s but it is now %s: fix the model or update the entry\n(-kernel +model):\n%s\nbytes:\n  %s",
					s.Name, known.Model, ModelHash(got), c.Diff, strings.Join(c.Bytes, "\n  "))
			default:
				o.status = "DIFFERENT"
				if isKnown {
					o.status = "known model bug"
					if known.Accepted {
						o.status = "accepted"
					}
					o.note = known.Reason
				}
				msg := fmt.Sprintf("%s\nmodel (hash %s) differs from kernel %s (-kernel +model):\n%s\nbytes:\n  %s",
					s.Desc, ModelHash(got), want.Kernel, c.Diff, strings.Join(c.Bytes, "\n  "))
				fmt.Fprintf(&report, "## %s (%s)\n\n%s\n\n", s.Name, o.status, msg)
				if isKnown && !strictMode() {
					t.Logf("known difference: %s\n%s", known.Reason, msg)
				} else {
					t.Error(msg)
				}
			}
		})
	}
	counts := map[string]int{}
	for _, o := range outcomes {
		counts[o.status]++
	}
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sum strings.Builder
	fmt.Fprintf(&sum, "conformance: %d scenarios, %d match the kernel after normalisation", len(outcomes), counts["match"])
	for _, k := range keys {
		if k != "match" {
			fmt.Fprintf(&sum, ", %d %s", counts[k], k)
		}
	}
	t.Log(sum.String())
	var table strings.Builder
	fmt.Fprintf(&table, "| scenario | result | note |\n|---|---|---|\n")
	for _, o := range outcomes {
		fmt.Fprintf(&table, "| %s | %s | %s |\n", o.name, o.status, o.note)
	}
	if testing.Verbose() {
		t.Log("\n" + table.String())
	}
	if p := os.Getenv("KNET_CONFORMANCE_REPORT"); p != "" {
		body := fmt.Sprintf("# Conformance report\n\n%s.\n\n%s\n%s", sum.String(), table.String(), report.String())
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// TestGoldenDrift compares a live kernel run (KNET_KERNEL_RESULTS) with
// the goldens: the kernel must answer as it did when they were recorded.
func TestGoldenDrift(t *testing.T) {
	live := os.Getenv("KNET_KERNEL_RESULTS")
	if live == "" {
		t.Skip("no live kernel results: KNET_KERNEL_RESULTS is set by `go run ./conformance/cmd/record -live`")
	}
	compared, drifted := 0, 0
	defer func() {
		t.Logf("conformance: drift: %d live kernel results compared with the goldens, %d differ", compared, drifted)
	}()
	for _, s := range All() {
		t.Run(s.Name, func(t *testing.T) {
			got, err := ReadResult(live, s.Name)
			if os.IsNotExist(err) {
				t.Skipf("not in this live run: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			want, err := ReadResult(GoldenDir, s.Name)
			if err != nil {
				t.Fatal(err)
			}
			if want.Fingerprint != got.Fingerprint {
				t.Fatalf("golden fingerprint %s, live %s: re-record", want.Fingerprint, got.Fingerprint)
			}
			compared++
			if c := Compare(want, got); !c.Match {
				drifted++
				t.Errorf("kernel %s differs from the golden recorded on %s (-golden +live):\n%s\nbytes:\n  %s",
					got.Kernel, want.Kernel, c.Diff, strings.Join(c.Bytes, "\n  "))
			}
		})
	}
}

// TestKernel runs every scenario on the running kernel. It runs inside
// the kernel oracle only (KNET_ORACLE=1, as root): there it writes each
// result to KNET_RESULTS_OUT (default $ORACLE_OUT) and logs how the model
// compares. cmd/record drives it.
func TestKernel(t *testing.T) {
	b, err := Kernel()
	if err != nil {
		t.Skipf("kernel backend unavailable: %v", err)
	}
	out := os.Getenv("KNET_RESULTS_OUT")
	if out == "" {
		out = os.Getenv("ORACLE_OUT")
	}
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	matches, n, release := 0, 0, ""
	for _, s := range All() {
		t.Run(s.Name, func(t *testing.T) {
			r, err := b.Run(s)
			if err != nil {
				t.Fatal(err)
			}
			n++
			release = r.Kernel
			if out != "" {
				if err := WriteResult(out, r); err != nil {
					t.Fatal(err)
				}
			}
			m, err := Model().Run(s)
			if err != nil {
				t.Fatal(err)
			}
			if c := Compare(r, m); c.Match {
				matches++
			} else {
				t.Logf("model differs (-kernel +model):\n%s", c.Diff)
			}
		})
	}
	t.Logf("kernel %s: %d scenarios run, the model matches %d", release, n, matches)
	if out != "" {
		t.Logf("results in %s", filepath.Clean(out))
	}
}
