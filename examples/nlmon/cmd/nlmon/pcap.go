package main

import (
	"encoding/binary"
	"io"
	"time"
)

// pcap file format (https://www.tcpdump.org/manpages/pcap-savefile.5.html)
// with link type LINKTYPE_NETLINK, what `tcpdump -i nlmon0 -w FILE` writes.
const (
	pcapMagic        = 0xa1b2c3d4 // microsecond time stamps
	pcapVersionMajor = 2
	pcapVersionMinor = 4
	pcapSnaplen      = 262144
	linktypeNetlink  = 253 // LINKTYPE_NETLINK
	netlinkHdrLen    = 16  // the LINKTYPE_NETLINK pseudo-header
	arphrdNetlink    = 824
)

// pcapWriter writes a pcap stream in little-endian byte order, which the
// magic number announces to readers.
type pcapWriter struct {
	w   io.Writer
	buf []byte
}

func newPcapWriter(w io.Writer) (*pcapWriter, error) {
	h := make([]byte, 24)
	le := binary.LittleEndian
	le.PutUint32(h[0:], pcapMagic)
	le.PutUint16(h[4:], pcapVersionMajor)
	le.PutUint16(h[6:], pcapVersionMinor)
	// thiszone and sigfigs stay 0.
	le.PutUint32(h[16:], pcapSnaplen)
	le.PutUint32(h[20:], linktypeNetlink)
	if _, err := w.Write(h); err != nil {
		return nil, err
	}
	return &pcapWriter{w: w}, nil
}

// writeFrame writes one record: the 16-byte LINKTYPE_NETLINK header
// (packet type, ARPHRD_NETLINK, ten unused bytes, the netlink protocol;
// all big-endian) and the netlink bytes, cut at the snap length.
func (p *pcapWriter) writeFrame(ts time.Time, pkttype uint8, protocol uint16, data []byte) error {
	orig := netlinkHdrLen + len(data)
	incl := min(orig, pcapSnaplen)
	p.buf = p.buf[:0]
	var rec [16]byte
	le := binary.LittleEndian
	le.PutUint32(rec[0:], uint32(ts.Unix()))
	le.PutUint32(rec[4:], uint32(ts.Nanosecond()/1000))
	le.PutUint32(rec[8:], uint32(incl))
	le.PutUint32(rec[12:], uint32(orig))
	p.buf = append(p.buf, rec[:]...)
	var hdr [netlinkHdrLen]byte
	be := binary.BigEndian
	be.PutUint16(hdr[0:], uint16(pkttype))
	be.PutUint16(hdr[2:], arphrdNetlink)
	be.PutUint16(hdr[14:], protocol)
	p.buf = append(p.buf, hdr[:]...)
	p.buf = append(p.buf, data[:incl-netlinkHdrLen]...)
	_, err := p.w.Write(p.buf)
	return err
}
