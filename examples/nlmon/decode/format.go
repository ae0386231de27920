package decode

import (
	"fmt"
	"strconv"
	"strings"
)

// String formats the message on one line, for example
//
//	user->kernel route RTM_NEWLINK flags=REQUEST,ACK,EXCL,CREATE seq=2 port=3245 len=52 ifname=nlmon1 kind=nlmon
//	kernel->user route NLMSG_ERROR flags=ACK_TLVS seq=5 port=3245 len=80 error=EINVAL(22) extack="mtu less than device minimum" offs=36 req=RTM_NEWLINK
func (m Message) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", m.Direction, m.Family, m.Type)
	if len(m.Flags) > 0 {
		fmt.Fprintf(&b, " flags=%s", strings.Join(m.Flags, ","))
	}
	fmt.Fprintf(&b, " seq=%d port=%d len=%d", m.Seq, m.PortID, m.Len)
	if l := m.Link; l != nil {
		if l.Index != 0 {
			fmt.Fprintf(&b, " ifindex=%d", l.Index)
		}
		if l.Name != "" {
			fmt.Fprintf(&b, " ifname=%s", l.Name)
		}
		if l.MTU != nil {
			fmt.Fprintf(&b, " mtu=%d", *l.MTU)
		}
		if l.Kind != "" {
			fmt.Fprintf(&b, " kind=%s", l.Kind)
		}
		if l.Address != "" {
			fmt.Fprintf(&b, " address=%s", l.Address)
		}
		if len(l.Flags) > 0 {
			fmt.Fprintf(&b, " <%s>", strings.Join(l.Flags, ","))
		}
		if l.Change != 0 {
			fmt.Fprintf(&b, " change=%#x", l.Change)
		}
	}
	if e := m.Error; e != nil {
		if e.Errno == 0 {
			b.WriteString(" ack")
		} else {
			fmt.Fprintf(&b, " error=%s(%d)", e.Name, e.Errno)
		}
		if e.Message != "" {
			fmt.Fprintf(&b, " extack=%s", strconv.Quote(e.Message))
		}
		if e.Offset != nil {
			fmt.Fprintf(&b, " offs=%d", *e.Offset)
		}
		if e.Request != "" {
			fmt.Fprintf(&b, " req=%s", e.Request)
		}
	}
	if d := m.Done; d != nil && d.Errno != 0 {
		fmt.Fprintf(&b, " error=%s(%d)", d.Name, d.Errno)
	}
	if g := m.Genl; g != nil {
		fmt.Fprintf(&b, " cmd=%d version=%d", g.Cmd, g.Version)
	}
	return b.String()
}
