// Command record runs the conformance scenarios on a real Linux kernel, in
// the kernel oracle (../shared/kernel-oracle/run relative to the
// repository root), and records the kernel's results as the goldens that
// `go test ./conformance` compares the model with.
//
//	go run ./conformance/cmd/record        # re-record conformance/testdata/kernel
//	go run ./conformance/cmd/record -live  # compare a live run with the goldens and the model
//
// It builds the conformance test binary statically, boots the oracle with
// KNET_ORACLE=1 and runs TestKernel in it, which writes one JSON result
// per scenario to $ORACLE_OUT. Recording replaces the goldens with them
// (only those of -run's scenarios when it is given). -live instead runs
// TestGoldenDrift (kernel now against the goldens) and TestModelVsKernel
// (model against the kernel now) on the host with KNET_KERNEL_RESULTS
// pointing at the live results, and exits non-zero when either fails.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/knetlab/knet/conformance"
)

func main() {
	var (
		live   = flag.Bool("live", false, "compare a live kernel run with the goldens (drift) and with the model instead of recording")
		oracle = flag.String("oracle", "", "the kernel oracle's run script (default ../shared/kernel-oracle/run from the repository root)")
		suite  = flag.String("suite", "", "the oracle's --suite (default: the oracle's default, sid)")
		run    = flag.String("run", "", "only the scenarios whose names match this regular expression")
		keep   = flag.Bool("keep", false, "keep the temporary directory with the test binary and raw results")
		verb   = flag.Bool("v", false, "show the oracle's and the tests' full output")
	)
	flag.Parse()
	if err := record(*live, *oracle, *suite, *run, *keep, *verb); err != nil {
		fmt.Fprintln(os.Stderr, "record:", err)
		os.Exit(1)
	}
}

func record(live bool, oracle, suite, runRE string, keep, verbose bool) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if oracle == "" {
		oracle = filepath.Join(root, "..", "shared", "kernel-oracle", "run")
	}
	var names []string
	if runRE != "" {
		re, err := regexp.Compile(runRE)
		if err != nil {
			return err
		}
		for _, s := range conformance.All() {
			if re.MatchString(s.Name) {
				names = append(names, regexp.QuoteMeta(s.Name))
			}
		}
		if len(names) == 0 {
			return fmt.Errorf("no scenario matches %q", runRE)
		}
	}
	tmp, err := os.MkdirTemp("", "knet-conformance-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintln(os.Stderr, "record: keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	bin := filepath.Join(tmp, "conformance.test")
	build := exec.Command("go", "test", "-c", "-o", bin, "./conformance")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the test binary: %w", err)
	}

	out := filepath.Join(tmp, "out")
	testRun := "^TestKernel$"
	if names != nil {
		testRun += "/^(" + strings.Join(names, "|") + ")$"
	}
	args := []string{"-e", "KNET_ORACLE=1", "-o", out}
	if suite != "" {
		args = append(args, "--suite", suite)
	}
	args = append(args, bin, "-test.run", testRun, "-test.v")
	fmt.Fprintf(os.Stderr, "record: %s %s\n", oracle, strings.Join(args, " "))
	var log bytes.Buffer
	cmd := exec.Command(oracle, args...)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = &log, &log
	if verbose {
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	}
	runErr := cmd.Run()
	results, _ := filepath.Glob(filepath.Join(out, "*.json"))
	if runErr != nil || len(results) == 0 {
		os.Stderr.Write(log.Bytes())
		if runErr == nil {
			runErr = fmt.Errorf("the kernel run wrote no results")
		}
		return fmt.Errorf("kernel run: %w", runErr)
	}
	for _, l := range strings.Split(log.String(), "\n") {
		if strings.Contains(l, "scenarios run") {
			fmt.Fprintln(os.Stderr, "record:", strings.TrimSpace(l))
		}
	}

	if live {
		t := exec.Command("go", "test", "./conformance", "-count=1", "-v", "-run", "^(TestGoldenDrift|TestModelVsKernel)$")
		t.Dir = root
		t.Env = append(os.Environ(), "KNET_KERNEL_RESULTS="+out)
		var tlog bytes.Buffer
		t.Stdout, t.Stderr = &tlog, &tlog
		err := t.Run()
		summarise(tlog.String(), verbose || err != nil)
		if err != nil {
			return fmt.Errorf("live comparison failed: %w", err)
		}
		return nil
	}

	golden := filepath.Join(root, "conformance", filepath.FromSlash(conformance.GoldenDir))
	if err := os.MkdirAll(golden, 0o755); err != nil {
		return err
	}
	if names == nil {
		old, _ := filepath.Glob(filepath.Join(golden, "*.json"))
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	release := ""
	for _, f := range results {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		r, err := conformance.ReadResult(out, strings.TrimSuffix(filepath.Base(f), ".json"))
		if err != nil {
			return err
		}
		release = r.Kernel
		if err := os.WriteFile(filepath.Join(golden, filepath.Base(f)), b, 0o644); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(golden, "UNAME"), []byte(release+"\n"), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "record: %d results of kernel %s written to %s\n", len(results), release, golden)
	return nil
}

// summarise prints the comparison's summary lines, or all of it.
func summarise(log string, all bool) {
	if all {
		fmt.Fprint(os.Stderr, log)
		return
	}
	for _, l := range strings.Split(log, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "--- FAIL") || strings.Contains(t, "conformance:") || strings.HasPrefix(t, "ok") ||
			strings.HasPrefix(t, "FAIL") || strings.HasPrefix(t, "--- SKIP: TestGoldenDrift") {
			fmt.Fprintln(os.Stderr, t)
		}
	}
}

func repoRoot() (string, error) {
	b, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(b))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the knet module")
	}
	return filepath.Dir(mod), nil
}
