// Command nlmon boots a model kernel, loads the Go nlmon driver, creates
// and brings up nlmon0 as `ip link add nlmon0 type nlmon && ip link set
// nlmon0 up` would, captures on it as `tcpdump -i nlmon0` would, and runs
// a short workload of real netlink traffic: a listener on RTNLGRP_LINK, a
// second nlmon link created, dumped, changed, wrongly changed and deleted,
// a request nlmon rejects, and a generic netlink request. It prints one
// line per captured netlink message and ends with nlmon0's counters as
// `ip -s link show nlmon0` shows them.
//
// Usage:
//
//	nlmon [-w FILE] [-c N] [-json] [-q]
//
// Run `nlmon -help` for the flags.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/knetlab/knet/examples/nlmon"
	"github.com/knetlab/knet/examples/nlmon/decode"
	"github.com/knetlab/knet/net"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// options are the command line.
type options struct {
	write string
	count int
	json  bool
	quiet bool
}

func parseFlags(args []string, stdout, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("nlmon", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" || a == "--h" {
			fs.SetOutput(stdout) // asked for: the usage is the output
		}
	}
	fs.StringVar(&o.write, "w", "", "write the captured frames to `FILE` as a pcap file (LINKTYPE_NETLINK,\nreadable by tcpdump -r and Wireshark); \"-\" writes the pcap to standard\noutput, and then nothing else goes there")
	fs.IntVar(&o.count, "c", 0, "stop after `N` captured frames (packets, as tcpdump -c counts them);\n0 captures the whole workload")
	fs.BoolVar(&o.json, "json", false, "print each captured frame as a JSON object on its own line, and the\ncounters as a final JSON object")
	fs.BoolVar(&o.quiet, "q", false, "quiet: print only nlmon0's counters")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: nlmon [-w FILE] [-c N] [-json] [-q]

nlmon runs the Go nlmon driver in an in-process model of the Linux
kernel: it creates nlmon0 (ip link add nlmon0 type nlmon; ip link set
nlmon0 up), captures on it, runs a short netlink workload, prints each
captured message (direction, family, type and flags, sequence number,
port id, and the link or error essentials) and ends with nlmon0's
counters as "ip -s link show nlmon0" shows them.

Flags:
`)
		fs.PrintDefaults()
	}
	err := fs.Parse(args)
	if err == nil && fs.NArg() > 0 {
		fs.Usage()
		err = fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err == nil && o.count < 0 {
		err = errors.New("-c must not be negative")
	}
	return o, err
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "nlmon:", err)
		return 2
	}
	out := stdout
	var pcap *pcapWriter
	if o.write != "" {
		w := stdout
		if o.write == "-" {
			out = stderr
		} else {
			f, err := os.Create(o.write)
			if err != nil {
				fmt.Fprintln(stderr, "nlmon:", err)
				return 1
			}
			defer f.Close()
			w = f
		}
		if pcap, err = newPcapWriter(w); err != nil {
			fmt.Fprintln(stderr, "nlmon:", err)
			return 1
		}
	}
	if err := monitor(o, out, pcap); err != nil {
		fmt.Fprintln(stderr, "nlmon:", err)
		return 1
	}
	return 0
}

// session is the running kernel, the client and the capture.
type session struct {
	o     options
	out   io.Writer
	pcap  *pcapWriter
	k     *net.Kernel
	ns    *net.Namespace
	c     *netlink.Conn
	capt  *net.Capture
	start time.Time

	frames, messages int
	bytes            uint64
}

// monitor sets up nlmon0, runs the workload while printing what nlmon0
// captures, and prints the counters.
func monitor(o options, out io.Writer, pcap *pcapWriter) error {
	s := &session{o: o, out: out, pcap: pcap, k: net.NewKernel()}
	s.ns = s.k.InitNet()
	// Installing makes nlmon known to modprobe; the RTM_NEWLINK below
	// loads it through its alias rtnl-link-nlmon.
	if err := nlmon.Module.Install(s.k); err != nil {
		return fmt.Errorf("install nlmon: %w", err)
	}
	c, err := s.ns.Dial(unix.NETLINK_ROUTE, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	s.c = c
	if err := c.SetOption(netlink.ExtendedAcknowledge, true); err != nil {
		return err
	}
	if err := s.link(unix.RTM_NEWLINK, netlink.Create|netlink.Excl, linkAttrs("nlmon0", nlmon.Kind, nil)); err != nil {
		return fmt.Errorf("ip link add nlmon0 type nlmon: %w", err)
	}
	if err := s.setUp("nlmon0"); err != nil {
		return fmt.Errorf("ip link set nlmon0 up: %w", err)
	}
	capt, err := s.ns.Capture("nlmon0")
	if err != nil {
		return err
	}
	defer capt.Close()
	s.capt = capt
	_ = capt.SetReadBuffer(16 << 20)
	s.start = time.Now()

	for _, st := range s.workload() {
		if s.done() {
			break
		}
		if err := st.run(); err != nil {
			return fmt.Errorf("%s: %w", st.desc, err)
		}
		if err := s.drain(st.desc); err != nil {
			return err
		}
	}
	return s.stats()
}

// writeJSON writes v as one line of JSON, without HTML escaping, so that
// "user->kernel" stays readable.
func writeJSON(w io.Writer, v any) error {
	e := json.NewEncoder(w)
	e.SetEscapeHTML(false)
	return e.Encode(v)
}

type step struct {
	desc string
	run  func() error
}

// expect turns the expected failure of a request into success.
func expect(want unix.Errno, err error) error {
	if errors.Is(err, want) {
		return nil
	}
	if err == nil {
		return fmt.Errorf("succeeded, want %s", unix.ErrnoName(want))
	}
	return err
}

// workload is the traffic the capture shows.
func (s *session) workload() []step {
	var listener *netlink.Conn
	return []step{
		{"a listener joins RTNLGRP_LINK (ip monitor link)", func() (err error) {
			listener, err = s.ns.Dial(unix.NETLINK_ROUTE, nil)
			if err != nil {
				return err
			}
			return listener.JoinGroup(unix.RTNLGRP_LINK)
		}},
		{"ip link add nlmon1 type nlmon", func() error {
			return s.link(unix.RTM_NEWLINK, netlink.Create|netlink.Excl, linkAttrs("nlmon1", nlmon.Kind, nil))
		}},
		{"ip link show (RTM_GETLINK dump)", func() error {
			_, err := s.do(unix.RTM_GETLINK, netlink.Dump, &rtnetlink.LinkMessage{})
			return err
		}},
		{"ip link set nlmon1 mtu 2000", func() error {
			return s.link(unix.RTM_NEWLINK, 0, &rtnetlink.LinkAttributes{Name: "nlmon1", MTU: 2000})
		}},
		{"ip link set nlmon1 mtu 10 (below nlmon's minimum of 16)", func() error {
			return expect(unix.EINVAL, s.link(unix.RTM_NEWLINK, 0, &rtnetlink.LinkAttributes{Name: "nlmon1", MTU: 10}))
		}},
		{"ip link add nlmon2 address 02:00:00:00:00:01 type nlmon (nlmon_validate rejects it)", func() error {
			return expect(unix.EINVAL, s.link(unix.RTM_NEWLINK, netlink.Create|netlink.Excl,
				linkAttrs("nlmon2", nlmon.Kind, []byte{2, 0, 0, 0, 0, 1})))
		}},
		{"a generic netlink request: CTRL_CMD_GETFAMILY nlctrl (the model has no families)", func() error {
			g, err := s.ns.Dial(unix.NETLINK_GENERIC, nil)
			if err != nil {
				return err
			}
			defer g.Close()
			ae := netlink.NewAttributeEncoder()
			ae.String(unix.CTRL_ATTR_FAMILY_NAME, "nlctrl")
			attrs, err := ae.Encode()
			if err != nil {
				return err
			}
			_, err = g.Execute(netlink.Message{
				Header: netlink.Header{Type: unix.GENL_ID_CTRL, Flags: netlink.Request | netlink.Acknowledge},
				Data:   append([]byte{unix.CTRL_CMD_GETFAMILY, 1, 0, 0}, attrs...),
			})
			return expect(unix.ENOENT, err)
		}},
		{"ip link del nlmon1", func() error {
			return s.link(unix.RTM_DELLINK, 0, &rtnetlink.LinkAttributes{Name: "nlmon1"})
		}},
		{"the listener reads its notifications", func() error {
			defer listener.Close()
			_ = listener.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
			for {
				if _, err := listener.Receive(); err != nil {
					if errors.Is(err, os.ErrDeadlineExceeded) {
						return nil
					}
					return err
				}
			}
		}},
	}
}

func linkAttrs(name, kind string, addr []byte) *rtnetlink.LinkAttributes {
	return &rtnetlink.LinkAttributes{Name: name, Address: addr, Info: &rtnetlink.LinkInfo{Kind: kind}}
}

func (s *session) do(typ netlink.HeaderType, flags netlink.HeaderFlags, lm *rtnetlink.LinkMessage) ([]netlink.Message, error) {
	b, err := lm.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return s.c.Execute(netlink.Message{Header: netlink.Header{Type: typ, Flags: netlink.Request | flags}, Data: b})
}

// link sends an acknowledged link request.
func (s *session) link(typ netlink.HeaderType, flags netlink.HeaderFlags, a *rtnetlink.LinkAttributes) error {
	_, err := s.do(typ, flags|netlink.Acknowledge, &rtnetlink.LinkMessage{Attributes: a})
	return err
}

func (s *session) setUp(name string) error {
	_, err := s.do(unix.RTM_NEWLINK, netlink.Acknowledge, &rtnetlink.LinkMessage{
		Flags: unix.IFF_UP, Change: unix.IFF_UP, Attributes: &rtnetlink.LinkAttributes{Name: name},
	})
	return err
}

func (s *session) done() bool { return s.o.count > 0 && s.frames >= s.o.count }

// frameJSON is one captured frame in -json output.
type frameJSON struct {
	Frame    int              `json:"frame"`
	Time     string           `json:"time"`
	Step     string           `json:"step"`
	Protocol uint16           `json:"protocol"`
	Len      int              `json:"len"`
	Messages []decode.Message `json:"messages"`
	Error    string           `json:"error,omitempty"`
}

// drain prints and saves the frames captured during one step.
func (s *session) drain(desc string) error {
	first := true
	for !s.done() {
		f, ok, err := s.capt.TryRead()
		if err != nil {
			return fmt.Errorf("capture: %w", err)
		}
		if !ok {
			return nil
		}
		s.frames++
		s.bytes += uint64(len(f.Data))
		msgs, derr := decode.Frame(f.Protocol, f.Data)
		s.messages += len(msgs)
		if s.pcap != nil {
			if err := s.pcap.writeFrame(f.Time, f.PktType, f.Protocol, f.Data); err != nil {
				return fmt.Errorf("pcap: %w", err)
			}
		}
		switch {
		case s.o.quiet:
		case s.o.json:
			j := frameJSON{Frame: s.frames, Time: f.Time.UTC().Format(time.RFC3339Nano), Step: desc,
				Protocol: f.Protocol, Len: len(f.Data), Messages: msgs}
			if derr != nil {
				j.Error = derr.Error()
			}
			if err := writeJSON(s.out, j); err != nil {
				return err
			}
		default:
			if first {
				fmt.Fprintf(s.out, "# %s\n", desc)
				first = false
			}
			for i, m := range msgs {
				if i == 0 {
					fmt.Fprintf(s.out, "%4d  %s\n", s.frames, m)
				} else {
					fmt.Fprintf(s.out, "   +  %s\n", m)
				}
			}
			if derr != nil {
				fmt.Fprintf(s.out, "   !  %v\n", derr)
			}
		}
	}
	return nil
}
