// Command bench measures knet's model kernel against the host's Linux
// kernel, side by side in one run.
//
// Each workload runs on a fresh model kernel and, where the host allows it
// (Linux, root, network namespaces), on the host kernel in a fresh network
// namespace the command creates and that disappears with it. The two sides
// are measured alternately, round by round (model, kernel, model,
// kernel...), and each side's rate is the median of its rounds. Workloads
// of one group (the tap counts, the client counts) are interleaved the
// same way, so that they can be compared with each other.
//
//	go run ./internal/cmd/bench [-json] [-duration 250ms] [-rounds 7] [-run REGEX] [-profile DIR]
//
// With -json it prints one JSON object per workload and line, with the
// fields workload, model_ops_per_sec, kernel_ops_per_sec (0 where the host
// cannot run the workload), ratio (model over kernel, 0 without a kernel
// rate), unit, and where the project has one, target, target_value and
// target_met. For mem_per_device the two rate fields hold bytes per
// device instead (unit "bytes/device"). With -profile it writes, for the
// model side of each workload, a CPU profile (NAME.cpu.pprof) and
// allocation profiles before and after the same profiling pass
// (NAME.allocs.base.pprof, NAME.allocs.pprof: compare them with
// go tool pprof -sample_index=alloc_space -base).
//
// The kernel side's links are of the first kind among dummy, ifb and veth
// that the host has (-kernelkind picks one); the model's are nlmon, which
// the host usually lacks. -nokernel measures the model alone. The host
// namespace is never named (no /run/netns entry): it is held by one fd
// and the sockets in it, so it and its links go away when the command
// ends, however it ends.
//
// Rates on a small shared machine are noisy: compare the two sides of one
// run (which are interleaved for that reason), not runs with each other,
// and keep other CPU-heavy work off the machine while measuring.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/internal/benchmarks"
)

// Result is one output line.
type Result struct {
	Workload string  `json:"workload"`
	Model    float64 `json:"model_ops_per_sec"`
	Kernel   float64 `json:"kernel_ops_per_sec"`
	Ratio    float64 `json:"ratio"`
	Unit     string  `json:"unit"`
	// ModelSide and KernelSide say what each side ran (link kind, taps).
	ModelSide  string `json:"model_side,omitempty"`
	KernelSide string `json:"kernel_side,omitempty"`
	// Target is the project's goal for this workload, TargetValue the
	// measured quantity it is judged on and TargetMet the verdict; absent
	// where the workload has no target or it cannot be judged.
	Target      string  `json:"target,omitempty"`
	TargetValue float64 `json:"target_value,omitempty"`
	TargetMet   *bool   `json:"target_met,omitempty"`
	// Rounds are the per-round rates, model then kernel.
	ModelRounds  []float64 `json:"model_rounds,omitempty"`
	KernelRounds []float64 `json:"kernel_rounds,omitempty"`
}

type config struct {
	json        bool
	duration    time.Duration
	rounds      int
	run         *regexp.Regexp
	profileDir  string
	profileTime time.Duration
	devices     int
	noKernel    bool
}

func main() {
	var cfg config
	var run string
	flag.BoolVar(&cfg.json, "json", false, "print one JSON object per workload and line")
	flag.DurationVar(&cfg.duration, "duration", 250*time.Millisecond, "duration of one measurement of one side")
	flag.IntVar(&cfg.rounds, "rounds", 7, "alternating rounds per workload; each side's rate is the median")
	flag.StringVar(&run, "run", "", "run only the workloads whose name matches this regular expression")
	flag.StringVar(&cfg.profileDir, "profile", "", "write CPU and allocation profiles of each workload's model side to this directory")
	flag.DurationVar(&cfg.profileTime, "profiletime", time.Second, "duration of each profiling pass (with -profile)")
	flag.IntVar(&cfg.devices, "devices", 100000, "devices for mem_per_device")
	flag.BoolVar(&cfg.noKernel, "nokernel", false, "measure the model only")
	flag.StringVar(&benchmarks.HostKind, "kernelkind", "", "link kind for the kernel side's links (dummy, ifb or veth); default: the first of those the host has")
	flag.Parse()
	var err error
	if cfg.run, err = regexp.Compile(run); err != nil {
		fmt.Fprintln(os.Stderr, "bench: -run:", err)
		os.Exit(2)
	}
	if cfg.rounds < 1 || cfg.duration <= 0 {
		fmt.Fprintln(os.Stderr, "bench: -rounds and -duration must be positive")
		os.Exit(2)
	}
	if cfg.profileDir != "" {
		if err := os.MkdirAll(cfg.profileDir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
	}
	if err := runAll(cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// out prints results as a table or as JSON lines.
type out struct {
	json bool
	w    io.Writer
}

const rowFormat = "%-24s %-12s %14s %12s %12s  %-24s %7s %-4s %s\n"

func (o *out) header() {
	if o.json {
		return
	}
	fmt.Fprintf(o.w, rowFormat, "workload", "unit", "model", "kernel", "model/kernel", "target", "value", "met", "sides")
}

func (o *out) result(r Result) {
	if o.json {
		b, _ := json.Marshal(r)
		fmt.Fprintln(o.w, string(b))
		return
	}
	ratio, kernel := "-", "-"
	if r.Kernel > 0 {
		kernel = human(r.Kernel)
		ratio = fmt.Sprintf("%.2fx", r.Ratio)
	}
	met, value := "", ""
	if r.TargetMet != nil {
		met = "no"
		if *r.TargetMet {
			met = "yes"
		}
		value = fmt.Sprintf("%.2f", r.TargetValue)
	}
	var sides []string
	if r.ModelSide != "" {
		sides = append(sides, "model: "+r.ModelSide)
	}
	if r.KernelSide != "" {
		sides = append(sides, "kernel: "+r.KernelSide)
	}
	fmt.Fprintf(o.w, rowFormat, r.Workload, r.Unit, human(r.Model), kernel, ratio, r.Target, value, met, strings.Join(sides, "; "))
}

// human prints a rate with thousands separators.
func human(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func runAll(cfg config, w io.Writer) error {
	o := &out{json: cfg.json, w: w}
	hostErr := errors.New("disabled by -nokernel")
	hostKind := ""
	if !cfg.noKernel {
		var kinds []string
		if kinds, hostErr = benchmarks.HostLinkKinds(); hostErr == nil {
			hostKind = kinds[0]
			if benchmarks.HostKind != "" {
				hostKind = benchmarks.HostKind
			}
			if !cfg.json {
				fmt.Fprintf(w, "# host link kinds in a fresh netns: %s (using %s; nlmon: model only)\n", strings.Join(kinds, ", "), hostKind)
			}
		}
	}
	if !cfg.json {
		fmt.Fprintf(w, "# %s/%s, GOMAXPROCS %d, %s, kernel %s\n", runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), runtime.Version(), uname())
		if hostErr != nil {
			fmt.Fprintf(w, "# kernel side skipped: %v\n", hostErr)
		} else {
			fmt.Fprintf(w, "# kernel side: a fresh network namespace per workload (unshare(CLONE_NEWNET)); raw sendto/recvfrom or mdlayher/netlink's Conn; created links of kind %s\n", hostKind)
		}
		fmt.Fprintf(w, "# model side: a fresh model kernel per workload; created links of kind nlmon\n")
		fmt.Fprintf(w, "# %d alternating rounds of %v per side; medians; model/kernel = model rate / kernel rate\n\n", cfg.rounds, cfg.duration)
	}
	o.header()

	results := map[string]Result{}
	var groups []string
	byGroup := map[string][]benchmarks.Workload{}
	for _, wl := range benchmarks.Workloads() {
		if !cfg.run.MatchString(wl.Name) {
			continue
		}
		if _, ok := byGroup[wl.Group]; !ok {
			groups = append(groups, wl.Group)
		}
		byGroup[wl.Group] = append(byGroup[wl.Group], wl)
	}
	for _, g := range groups {
		rs, err := runGroup(cfg, byGroup[g], hostErr == nil)
		if err != nil {
			return fmt.Errorf("%s: %w", g, err)
		}
		for _, r := range rs {
			judge(&r, results)
			results[r.Workload] = r
			o.result(r)
		}
	}
	memName := fmt.Sprintf("mem_per_device_%dk", cfg.devices/1000)
	if cfg.run.MatchString(memName) {
		r, err := runMem(cfg, memName)
		if err != nil {
			return fmt.Errorf("%s: %w", memName, err)
		}
		o.result(r)
	}
	return nil
}

// side is one side of one workload, prepared.
type side struct {
	p      *benchmarks.Prepared
	env    benchmarks.Env
	rounds []float64
}

func (s *side) close() {
	if s == nil {
		return
	}
	if s.p != nil {
		s.p.Close()
	}
	s.env.Close()
}

func prepare(wl benchmarks.Workload, env benchmarks.Env) (*side, error) {
	p, err := wl.Setup(env)
	if err != nil {
		env.Close()
		return nil, fmt.Errorf("%s setup: %w", env.Side(), err)
	}
	return &side{p: p, env: env}, nil
}

func runGroup(cfg config, wls []benchmarks.Workload, host bool) ([]Result, error) {
	type member struct {
		wl            benchmarks.Workload
		model, kernel *side
		kernelErr     error // why the kernel side did not run to the end
	}
	ms := make([]*member, len(wls))
	defer func() {
		for _, m := range ms {
			if m != nil {
				m.model.close()
				m.kernel.close()
			}
		}
	}()
	// A failure on the model side ends the run; one on the kernel side
	// only drops that side of that workload, and is reported.
	for i, wl := range wls {
		m := &member{wl: wl}
		ms[i] = m
		me, err := benchmarks.NewModel()
		if err != nil {
			return nil, err
		}
		if m.model, err = prepare(wl, me); err != nil {
			return nil, err
		}
		if host && !wl.ModelOnly {
			he, err := benchmarks.NewHost()
			if err == nil {
				m.kernel, err = prepare(wl, he)
			}
			m.kernelErr = err
		}
	}
	measure := func(m *member, s *side, d time.Duration, what string) error {
		if s == nil {
			return nil
		}
		rate, err := benchmarks.Measure(d, s.p.Ops)
		if err != nil {
			err = fmt.Errorf("%s %s: %w", s.env.Side(), what, err)
			if s == m.kernel {
				m.kernelErr = err
				m.kernel.close()
				m.kernel = nil
				return nil
			}
			return err
		}
		if what != "warm-up" {
			s.rounds = append(s.rounds, rate)
		}
		return nil
	}
	// Warm up every side once, then alternate: per round, each workload
	// of the group on the model, then on the kernel.
	for r := -1; r < cfg.rounds; r++ {
		d, what := cfg.duration, fmt.Sprintf("round %d", r+1)
		if r < 0 {
			d, what = cfg.duration/4, "warm-up"
		}
		for _, m := range ms {
			if err := measure(m, m.model, d, what); err != nil {
				return nil, err
			}
			if err := measure(m, m.kernel, d, what); err != nil {
				return nil, err
			}
		}
	}
	if cfg.profileDir != "" {
		for _, m := range ms {
			if err := profile(cfg, m.wl.Name, m.model.p.Ops); err != nil {
				return nil, err
			}
		}
	}
	var out []Result
	for _, m := range ms {
		r := Result{
			Workload:    m.wl.Name,
			Unit:        m.wl.Unit,
			Model:       benchmarks.Median(m.model.rounds),
			ModelSide:   m.model.p.Note,
			ModelRounds: m.model.rounds,
		}
		switch {
		case m.kernel != nil:
			r.Kernel = benchmarks.Median(m.kernel.rounds)
			r.KernelRounds = m.kernel.rounds
			r.KernelSide = m.kernel.p.Note
			if r.Kernel > 0 {
				r.Ratio = r.Model / r.Kernel
			}
		case m.wl.ModelOnly:
			r.KernelSide = "not run: model only"
		case m.kernelErr != nil:
			r.KernelSide = "failed: " + m.kernelErr.Error()
		default:
			r.KernelSide = "not run: host kernel unavailable"
		}
		out = append(out, r)
	}
	return out, nil
}

// profile runs ops once more under the CPU profiler, between two
// allocation-profile snapshots.
func profile(cfg config, name string, ops []benchmarks.Op) error {
	write := func(file, prof string) error {
		runtime.GC()
		f, err := os.Create(filepath.Join(cfg.profileDir, file))
		if err != nil {
			return err
		}
		defer f.Close()
		return pprof.Lookup(prof).WriteTo(f, 0)
	}
	if err := write(name+".allocs.base.pprof", "allocs"); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(cfg.profileDir, name+".cpu.pprof"))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	_, err = benchmarks.Measure(cfg.profileTime, ops)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	return write(name+".allocs.pprof", "allocs")
}

func runMem(cfg config, name string) (Result, error) {
	var atPeak func()
	var perr error
	if cfg.profileDir != "" {
		atPeak = func() {
			f, err := os.Create(filepath.Join(cfg.profileDir, name+".heap.pprof"))
			if err != nil {
				perr = err
				return
			}
			defer f.Close()
			perr = pprof.Lookup("heap").WriteTo(f, 0)
		}
	}
	per, heap, err := benchmarks.MemPerDevice(cfg.devices, atPeak)
	if err == nil {
		err = perr
	}
	if err != nil {
		return Result{}, err
	}
	met := heap < 1<<30
	return Result{
		Workload:    name,
		Unit:        "bytes/device",
		Model:       per,
		ModelSide:   fmt.Sprintf("%d nlmon devices, down; HeapInuse %d MiB with all alive", cfg.devices, heap>>20),
		KernelSide:  "not run: model only",
		Target:      fmt.Sprintf("heap < 1 GiB at %dk devices (GiB)", cfg.devices/1000),
		TargetValue: float64(heap) / (1 << 30),
		TargetMet:   &met,
	}, nil
}

// judge fills in a result's target from the project's targets for this
// 2-core machine. Targets relative to another workload use that
// workload's result, which the command measured before this one.
func judge(r *Result, prior map[string]Result) {
	vsKernel := func(min float64, desc string) {
		r.Target = desc
		if r.Kernel > 0 {
			r.TargetValue = r.Ratio
			met := r.Ratio >= min
			r.TargetMet = &met
		}
	}
	vsModel := func(base string, min float64, desc string) {
		r.Target = desc
		if b, ok := prior[base]; ok && b.Model > 0 {
			r.TargetValue = r.Model / b.Model
			met := r.TargetValue >= min
			r.TargetMet = &met
		}
	}
	switch r.Workload {
	case "getlink_raw":
		vsKernel(10, "model/kernel >= 10")
	case "getlink_conn":
		vsKernel(2, "model/kernel >= 2")
	case "dump_10000":
		vsKernel(5, "model/kernel >= 5")
	case "create_delete":
		vsKernel(100, "model/kernel >= 100")
	case "addr4_add_delete", "route4_add_delete":
		vsKernel(100, "model/kernel >= 100")
	case "route4_dump_10000":
		vsKernel(5, "model/kernel >= 5")
	case "route4_lookup_10000":
		vsKernel(10, "model/kernel >= 10")
	case "getlink_raw_taps_1":
		vsModel("getlink_raw_taps_0", 0.75, "vs 0 taps >= 0.75")
	case "getlink_raw_taps_4":
		vsModel("getlink_raw_taps_0", 0.40, "vs 0 taps >= 0.40")
	case "getlink_raw_clients_2":
		vsModel("getlink_raw_clients_1", 1.6, "vs 1 client >= 1.6")
	}
}

func uname() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "?"
	}
	return unix.ByteSliceToString(u.Release[:])
}
