package core

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// This file is the model of lib/nlattr.c and include/net/netlink.h: policy
// driven attribute parsing, and the helpers that build messages.

// nlaType mirrors the kernel's enum of policy types (include/net/netlink.h).
type nlaType uint8

const (
	nlaUnspec nlaType = iota
	nlaU8
	nlaU16
	nlaU32
	nlaU64
	nlaString
	nlaFlag
	nlaMsecs
	nlaNested
	nlaNestedArray
	nlaNulString
	nlaBinary
	nlaS8
	nlaS16
	nlaS32
	nlaS64
	nlaBitfield32
	nlaReject
	nlaBE16
	nlaBE32
	nlaSint
	nlaUint
)

// nla_attr_len: the exact payload length of fixed-size types.
var nlaAttrLen = [...]int{
	nlaU8: 1, nlaU16: 2, nlaU32: 4, nlaU64: 8, nlaMsecs: 8,
	nlaS8: 1, nlaS16: 2, nlaS32: 4, nlaS64: 8, nlaBE16: 2, nlaBE32: 4,
	nlaUint: 0, nlaSint: 0, nlaReject: 0,
}

// nla_attr_minlen: the minimum payload length of each type.
var nlaAttrMinLen = [...]int{
	nlaU8: 1, nlaU16: 2, nlaU32: 4, nlaU64: 8, nlaMsecs: 8, nlaNested: NLA_HDRLEN,
	nlaS8: 1, nlaS16: 2, nlaS32: 4, nlaS64: 8, nlaBE16: 2, nlaBE32: 4,
	nlaUint: 4, nlaSint: 4, nlaReject: 0,
}

// nlaPolicy mirrors struct nla_policy: the subset of fields the modelled
// policies use.
type nlaPolicy struct {
	typ nlaType
	// len is the maximum length for strings and binaries, or the minimum
	// length for other types, as in the kernel.
	len int
	// minValue and maxValue are the bounds of NLA_POLICY_MIN, _MAX and
	// _RANGE (signed types hold their value as int64 bits), each in force
	// only with its hasMin or hasMax.
	minValue uint64
	maxValue uint64
	hasMin   bool
	hasMax   bool
	// rejectMessage is NLA_POLICY_REJECT's message.
	rejectMessage string
	// strictStart is policy[0].strict_start_type: attributes of this type
	// and above are validated strictly.
	strictStart uint16
}

// Validation modes (enum netlink_validation).
const (
	nlValidateLiberal       = 0
	nlValidateTrailing      = 1 << 0
	nlValidateMaxtype       = 1 << 1
	nlValidateUnspec        = 1 << 2
	nlValidateStrictAttrs   = 1 << 3
	nlValidateNested        = 1 << 4
	nlValidateDeprecated    = nlValidateLiberal
	nlValidateStrict        = nlValidateTrailing | nlValidateMaxtype | nlValidateUnspec | nlValidateStrictAttrs | nlValidateNested
	nlValidateStrictDefault = nlValidateStrict
	// nlValidateDeprecatedStrict is NL_VALIDATE_DEPRECATED_STRICT, what
	// nlmsg_parse_deprecated_strict validates with.
	nlValidateDeprecatedStrict = nlValidateTrailing | nlValidateMaxtype
)

// Attr is one attribute of a received message, a view into the request
// bytes. Off is the offset of its nlattr header from the start of the
// nlmsghdr, the value NLMSGERR_ATTR_OFFS reports.
type Attr struct {
	Data []byte
	Off  int32  // offset of the attribute's header in the message
	Type uint16 // nla_type, flag bits included
	ok   bool
}

// Present reports whether the attribute was in the message (tb[x] != NULL).
func (a *Attr) Present() bool { return a.ok }

// U8 returns the first byte of the payload, as nla_get_u8 does.
func (a *Attr) U8() uint8 { return a.Data[0] }

// U32 returns the payload as a native-endian u32, as nla_get_u32 does.
func (a *Attr) U32() uint32 { return binary.NativeEndian.Uint32(a.Data) }

// S32 returns the payload as a native-endian s32.
func (a *Attr) S32() int32 { return int32(a.U32()) }

// Str returns the payload up to its first NUL, as nla_strscpy would copy it.
func (a *Attr) Str() string {
	for i, c := range a.Data {
		if c == 0 {
			return string(a.Data[:i])
		}
	}
	return string(a.Data)
}

// ExtAck mirrors struct netlink_ext_ack: the extended error report a
// handler fills in for netlink_ack.
type ExtAck struct {
	Msg     string
	BadAttr int // offset from nlmsghdr of the bad attribute, or -1
	Policy  *nlaPolicy
	MissTyp uint32
}

func newExtAck() ExtAck { return ExtAck{BadAttr: -1} }

// setMsg is NL_SET_ERR_MSG.
func (e *ExtAck) setMsg(msg string) {
	if e != nil {
		e.Msg = msg
	}
}

// setMsgAttr is NL_SET_ERR_MSG_ATTR.
func (e *ExtAck) setMsgAttr(a *Attr, msg string) {
	if e != nil {
		e.Msg = msg
		e.BadAttr = int(a.Off)
	}
}

// setMsgAttrPol is NL_SET_ERR_MSG_ATTR_POL.
func (e *ExtAck) setMsgAttrPol(a *Attr, pt *nlaPolicy, msg string) {
	if e != nil {
		e.Msg = msg
		e.BadAttr = int(a.Off)
		e.Policy = pt
	}
}

// SetBadAttr is NL_SET_BAD_ATTR.
func (e *ExtAck) SetBadAttr(a *Attr) {
	if e != nil {
		e.BadAttr = int(a.Off)
	}
}

// nlaOK is nla_ok: whether an attribute header fits in rem bytes.
func nlaOK(b []byte, rem int) bool {
	if rem < NLA_HDRLEN {
		return false
	}
	l := int(binary.NativeEndian.Uint16(b))
	return l >= NLA_HDRLEN && l <= rem
}

func nlaAlign(n int) int   { return (n + NLA_ALIGNTO - 1) &^ (NLA_ALIGNTO - 1) }
func nlmsgAlign(n int) int { return (n + NLMSG_ALIGNTO - 1) &^ (NLMSG_ALIGNTO - 1) }

// nlaForEach is nla_for_each_attr over the attribute stream b, which
// starts at offset base from the nlmsghdr: fn sees each attribute until it
// returns false. It returns the remainder, positive when bytes that make no
// attribute are left after the last one (or, when fn stopped the walk,
// what was left from the attribute it stopped at).
func nlaForEach(b []byte, base int, fn func(Attr) bool) int {
	rem := len(b)
	for off := 0; nlaOK(b[off:], rem); {
		l := int(binary.NativeEndian.Uint16(b[off:]))
		typ := binary.NativeEndian.Uint16(b[off+2:])
		if !fn(Attr{Type: typ, Data: b[off+NLA_HDRLEN : off+l], Off: int32(base + off), ok: true}) {
			break
		}
		adv := nlaAlign(l)
		rem -= adv
		if rem <= 0 {
			break // nla_next leaves a negative remainder: the walk ends
		}
		off += adv
	}
	return rem
}

// nlaParse is __nla_validate_parse: it fills tb (indexed by type, length
// maxtype+1, zeroed by the caller) from the attribute stream b, which
// starts at offset base from the nlmsghdr, validating each attribute
// against policy.
func nlaParse(tb []Attr, maxtype int, b []byte, base int, policy []nlaPolicy, validate int, extack *ExtAck) error {
	var err error
	rem := nlaForEach(b, base, func(a Attr) bool {
		t := int(a.Type & NLA_TYPE_MASK)
		if t == 0 || t > maxtype {
			if validate&nlValidateMaxtype == 0 {
				return true // skipped
			}
			extack.setMsgAttr(&a, "Unknown attribute type")
			err = unix.EINVAL
			return false
		}
		if policy != nil {
			if err = validateNla(&a, maxtype, policy, validate, extack); err != nil {
				return false
			}
		}
		tb[t] = a
		return true
	})
	if err != nil {
		return err
	}
	if rem > 0 {
		extack.setMsg("bytes leftover after parsing attributes")
		if validate&nlValidateTrailing != 0 {
			return unix.EINVAL
		}
	}
	return nil
}

// validateNla is lib/nlattr.c validate_nla for the policy types the model uses.
func validateNla(a *Attr, maxtype int, policy []nlaPolicy, validate int, extack *ExtAck) error {
	typ := int(a.Type & NLA_TYPE_MASK)
	if s := policy[0].strictStart; s != 0 && typ >= int(s) {
		validate |= nlValidateStrict
	}
	if typ <= 0 || typ > maxtype || typ >= len(policy) {
		return nil
	}
	pt := &policy[typ]
	attrlen := len(a.Data)
	if int(pt.typ) < len(nlaAttrLen) && nlaAttrLen[pt.typ] != 0 && attrlen != nlaAttrLen[pt.typ] {
		if validate&nlValidateStrictAttrs != 0 {
			extack.setMsgAttrPol(a, pt, "invalid attribute length")
			return unix.EINVAL
		}
	}
	if validate&nlValidateNested != 0 {
		nested := pt.typ == nlaNested || pt.typ == nlaNestedArray
		if nested && a.Type&NLA_F_NESTED == 0 {
			extack.setMsgAttrPol(a, pt, "NLA_F_NESTED is missing")
			return unix.EINVAL
		}
		if !nested && pt.typ != nlaUnspec && a.Type&NLA_F_NESTED != 0 {
			extack.setMsgAttrPol(a, pt, "NLA_F_NESTED not expected")
			return unix.EINVAL
		}
	}
	err := error(unix.ERANGE)
	switch pt.typ {
	case nlaUnspec:
		if validate&nlValidateUnspec != 0 {
			extack.setMsgAttr(a, "Unsupported attribute")
			return unix.EINVAL
		}
		if pt.len != 0 && attrlen < pt.len {
			goto outErr
		}
	case nlaReject:
		if extack != nil && pt.rejectMessage != "" {
			extack.BadAttr = int(a.Off)
			extack.Msg = pt.rejectMessage
			return unix.EINVAL
		}
		err = unix.EINVAL
		goto outErr
	case nlaFlag:
		if attrlen > 0 {
			goto outErr
		}
	case nlaString, nlaNulString:
		if pt.typ == nlaNulString {
			// NLA_NUL_STRING: the payload must hold a NUL within len+1.
			if pt.len != 0 {
				n := attrlen
				for i, c := range a.Data {
					if c == 0 {
						n = i
						break
					}
				}
				if n > pt.len || n == attrlen {
					err = unix.EINVAL
					goto outErr
				}
			} else if attrlen == 0 || a.Data[attrlen-1] != 0 {
				err = unix.EINVAL
				goto outErr
			}
			break
		}
		if attrlen < 1 {
			goto outErr
		}
		if pt.len != 0 {
			n := attrlen
			if a.Data[attrlen-1] == 0 {
				n--
			}
			if n > pt.len {
				goto outErr
			}
		}
	case nlaBinary:
		if pt.len != 0 && attrlen > pt.len {
			goto outErr
		}
	case nlaNested:
		if attrlen == 0 {
			break
		}
		if attrlen < NLA_HDRLEN {
			goto outErr
		}
	default:
		minlen := pt.len
		if minlen == 0 && int(pt.typ) < len(nlaAttrMinLen) {
			minlen = nlaAttrMinLen[pt.typ]
		}
		if attrlen < minlen {
			goto outErr
		}
	}
	if pt.hasMin || pt.hasMax {
		if !nlaIntInRange(a, pt) {
			extack.setMsgAttrPol(a, pt, "integer out of range")
			return unix.ERANGE
		}
	}
	return nil
outErr:
	extack.setMsgAttrPol(a, pt, "Attribute failed policy validation")
	return err
}

// nlaIntInRange is nla_validate_int_range for the integer types.
func nlaIntInRange(a *Attr, pt *nlaPolicy) bool {
	var v uint64 // signed types: the value's int64 bits
	signed := true
	switch pt.typ {
	case nlaS8:
		v = uint64(int8(a.Data[0]))
	case nlaS16:
		v = uint64(int16(binary.NativeEndian.Uint16(a.Data)))
	case nlaS32:
		v = uint64(int32(binary.NativeEndian.Uint32(a.Data)))
	case nlaS64:
		v = binary.NativeEndian.Uint64(a.Data)
	case nlaU8:
		v, signed = uint64(a.Data[0]), false
	case nlaU16:
		v, signed = uint64(binary.NativeEndian.Uint16(a.Data)), false
	case nlaU32:
		v, signed = uint64(binary.NativeEndian.Uint32(a.Data)), false
	default:
		v, signed = binary.NativeEndian.Uint64(a.Data), false
	}
	if signed {
		return (!pt.hasMin || int64(v) >= int64(pt.minValue)) && (!pt.hasMax || int64(v) <= int64(pt.maxValue))
	}
	return (!pt.hasMin || v >= pt.minValue) && (!pt.hasMax || v <= pt.maxValue)
}

// Policy description attributes (enum netlink_policy_type_attr) and the
// attribute type names (enum netlink_attribute_type), for
// NLMSGERR_ATTR_POLICY.
const (
	nlPolicyTypeAttrType      = 1
	nlPolicyTypeAttrMinValueS = 2
	nlPolicyTypeAttrMaxValueS = 3
	nlPolicyTypeAttrMinValueU = 4
	nlPolicyTypeAttrMaxValueU = 5
	nlPolicyTypeAttrMinLength = 6
	nlPolicyTypeAttrMaxLength = 7
	nlAttrTypeFlag            = 1
	nlAttrTypeU8              = 2
	nlAttrTypeU16             = 3
	nlAttrTypeU32             = 4
	nlAttrTypeU64             = 5
	nlAttrTypeS8              = 6
	nlAttrTypeS16             = 7
	nlAttrTypeS32             = 8
	nlAttrTypeS64             = 9
	nlAttrTypeBinary          = 10
	nlAttrTypeString          = 11
	nlAttrTypeNulString       = 12
	nlAttrTypeNested          = 13
	nlAttrTypeNestedArray     = 14
)

// putPolicy is netlink_policy_dump_write_attr (net/netlink/policy.c) for a
// single policy entry: it reports false where the kernel skips the TLV.
func (m *nlBuf) putPolicy(attrType uint16, pt *nlaPolicy) bool {
	var typ uint32
	start := m.nestStart(attrType | NLA_F_NESTED)
	switch pt.typ {
	case nlaUnspec, nlaReject:
		m.nestCancel(start)
		return false
	case nlaNested:
		typ = nlAttrTypeNested
	case nlaNestedArray:
		typ = nlAttrTypeNestedArray
	case nlaU8, nlaU16, nlaU32, nlaU64, nlaMsecs, nlaUint:
		switch pt.typ {
		case nlaU8:
			typ = nlAttrTypeU8
		case nlaU16:
			typ = nlAttrTypeU16
		case nlaU32:
			typ = nlAttrTypeU32
		default:
			typ = nlAttrTypeU64
		}
		max := uint64(1)<<(8*nlaAttrLen[pt.typ]) - 1
		if nlaAttrLen[pt.typ] >= 8 || pt.typ == nlaUint {
			max = ^uint64(0)
		}
		if pt.hasMax {
			max = pt.maxValue
		}
		m.putU64(nlPolicyTypeAttrMinValueU, pt.minValue)
		m.putU64(nlPolicyTypeAttrMaxValueU, max)
	case nlaS8, nlaS16, nlaS32, nlaS64, nlaSint:
		bits := 64
		switch pt.typ {
		case nlaS8:
			typ, bits = nlAttrTypeS8, 8
		case nlaS16:
			typ, bits = nlAttrTypeS16, 16
		case nlaS32:
			typ, bits = nlAttrTypeS32, 32
		default:
			typ = nlAttrTypeS64
		}
		min := int64(-1) << (bits - 1)
		max := int64(1)<<(bits-1) - 1
		if pt.hasMin {
			min = int64(pt.minValue)
		}
		if pt.hasMax {
			max = int64(pt.maxValue)
		}
		m.putU64(nlPolicyTypeAttrMinValueS, uint64(min))
		m.putU64(nlPolicyTypeAttrMaxValueS, uint64(max))
	case nlaString, nlaNulString, nlaBinary:
		switch pt.typ {
		case nlaString:
			typ = nlAttrTypeString
		case nlaNulString:
			typ = nlAttrTypeNulString
		default:
			typ = nlAttrTypeBinary
		}
		if pt.len != 0 {
			m.putU32(nlPolicyTypeAttrMaxLength, uint32(pt.len))
		}
	case nlaFlag:
		typ = nlAttrTypeFlag
	default:
		m.nestCancel(start)
		return false
	}
	m.putU32(nlPolicyTypeAttrType, typ)
	m.nestEnd(start)
	return true
}

// nlBuf builds netlink messages the way nlmsg_put/nla_put fill an skb:
// native byte order, 4-byte alignment, zeroed padding.
type nlBuf struct {
	b []byte
	// limit is the skb's size when it is bounded (a dump datagram): a
	// message that does not fit is cancelled with EMSGSIZE. 0 means none.
	limit int
}

// overflow reports whether the buffer went past its limit.
func (m *nlBuf) overflow() bool { return m.limit != 0 && len(m.b) > m.limit }

func (m *nlBuf) len() int { return len(m.b) }

// grow appends n bytes and returns their offset. The bytes are not
// cleared: callers write every byte they add, or use zeroed.
func (m *nlBuf) grow(n int) int {
	off := len(m.b)
	if cap(m.b)-off < n {
		c := 2*cap(m.b) + n
		if m.limit != 0 && off+n > m.limit {
			// This message will be cancelled: grow by what it needs only.
			c = off + n + ifNlmsgSizeHint
		}
		nb := make([]byte, off, c)
		copy(nb, m.b)
		m.b = nb
	}
	m.b = m.b[:off+n]
	return off
}

// zeroed appends n zero bytes and returns their offset.
func (m *nlBuf) zeroed(n int) int {
	off := m.grow(n)
	clear(m.b[off:])
	return off
}

// putHeader is nlmsg_put: it starts a message and returns its offset.
func (m *nlBuf) putHeader(typ, flags uint16, seq, portid uint32, payload int) int {
	off := m.zeroed(NLMSG_HDRLEN + nlmsgAlign(payload))
	h := m.b[off:]
	binary.NativeEndian.PutUint32(h[0:], uint32(NLMSG_HDRLEN+payload))
	binary.NativeEndian.PutUint16(h[4:], typ)
	binary.NativeEndian.PutUint16(h[6:], flags)
	binary.NativeEndian.PutUint32(h[8:], seq)
	binary.NativeEndian.PutUint32(h[12:], portid)
	return off
}

// endMsg is nlmsg_end: the message length becomes everything written since.
func (m *nlBuf) endMsg(start int) {
	binary.NativeEndian.PutUint32(m.b[start:], uint32(len(m.b)-start))
}

// cancel is nlmsg_cancel / nla_nest_cancel: it drops everything from start.
func (m *nlBuf) cancel(start int) { m.b = m.b[:start] }

func (m *nlBuf) putAttr(typ uint16, data []byte) {
	off := m.grow(nlaAlign(NLA_HDRLEN + len(data)))
	binary.NativeEndian.PutUint16(m.b[off:], uint16(NLA_HDRLEN+len(data)))
	binary.NativeEndian.PutUint16(m.b[off+2:], typ)
	clear(m.b[off+NLA_HDRLEN+copy(m.b[off+NLA_HDRLEN:], data):])
}

// reserve is nla_reserve: an attribute of n zero bytes whose payload offset
// is returned for the caller to fill.
func (m *nlBuf) reserve(typ uint16, n int) int {
	off := m.reserveRaw(typ, n)
	clear(m.b[off : off+nlaAlign(n)])
	return off
}

// reserveRaw is reserve for a caller that writes all n payload bytes
// itself, n a multiple of 4 or the padding cleared by the caller.
func (m *nlBuf) reserveRaw(typ uint16, n int) int {
	off := m.grow(nlaAlign(NLA_HDRLEN + n))
	binary.NativeEndian.PutUint32(m.b[off:], uint32(NLA_HDRLEN+n)|uint32(typ)<<16)
	return off + NLA_HDRLEN
}

func (m *nlBuf) putU8(typ uint16, v uint8) {
	off := m.reserveRaw(typ, 1)
	binary.NativeEndian.PutUint32(m.b[off:], uint32(v))
}

func (m *nlBuf) putU16(typ uint16, v uint16) {
	off := m.reserveRaw(typ, 2)
	binary.NativeEndian.PutUint32(m.b[off:], uint32(v))
}

func (m *nlBuf) putU32(typ uint16, v uint32) {
	off := m.reserveRaw(typ, 4)
	binary.NativeEndian.PutUint32(m.b[off:], v)
}

// putU64 is nla_put_u64_64bit on an architecture with efficient unaligned
// access (x86_64, arm64): no IFLA_PAD attribute is ever needed.
func (m *nlBuf) putU64(typ uint16, v uint64) {
	off := m.reserveRaw(typ, 8)
	binary.NativeEndian.PutUint64(m.b[off:], v)
}

// putString is nla_put_string: the payload carries the terminating NUL.
func (m *nlBuf) putString(typ uint16, s string) {
	off := m.reserveRaw(typ, len(s)+1)
	clear(m.b[off+copy(m.b[off:], s) : off+nlaAlign(len(s)+1)])
}

// putBytes appends pre-encoded attributes verbatim.
func (m *nlBuf) putBytes(b []byte) {
	copy(m.b[m.grow(len(b)):], b)
}

func (m *nlBuf) nestStart(typ uint16) int {
	off := m.grow(NLA_HDRLEN)
	binary.NativeEndian.PutUint32(m.b[off:], uint32(typ)<<16)
	return off
}

func (m *nlBuf) nestEnd(start int) {
	binary.NativeEndian.PutUint16(m.b[start:], uint16(len(m.b)-start))
}

func (m *nlBuf) nestCancel(start int) { m.b = m.b[:start] }

// NlaPolicy is struct nla_policy, as the link kinds' IFLA_INFO_DATA
// policies are built (NLA_POLICY_* of include/net/netlink.h).
type NlaPolicy = nlaPolicy

// NlaType is the policy type of an attribute (enum of include/net/netlink.h).
type NlaType = nlaType

// The policy types.
const (
	NLA_UNSPEC     = nlaUnspec
	NLA_U8         = nlaU8
	NLA_U16        = nlaU16
	NLA_U32        = nlaU32
	NLA_U64        = nlaU64
	NLA_STRING     = nlaString
	NLA_FLAG       = nlaFlag
	NLA_MSECS      = nlaMsecs
	NLA_NESTED     = nlaNested
	NLA_NUL_STRING = nlaNulString
	NLA_BINARY     = nlaBinary
	NLA_S8         = nlaS8
	NLA_S16        = nlaS16
	NLA_S32        = nlaS32
	NLA_S64        = nlaS64
	NLA_REJECT     = nlaReject
	NLA_BE16       = nlaBE16
	NLA_BE32       = nlaBE32
)

// MakePolicy is { .type = typ, .len = length }: length is a string's or
// binary's maximum, another type's minimum.
func MakePolicy(typ NlaType, length int) NlaPolicy { return nlaPolicy{typ: typ, len: length} }

// WithMin is NLA_POLICY_MIN.
func (p nlaPolicy) WithMin(min int64) NlaPolicy {
	p.minValue, p.hasMin = uint64(min), true
	return p
}

// WithMax is NLA_POLICY_MAX.
func (p nlaPolicy) WithMax(max int64) NlaPolicy {
	p.maxValue, p.hasMax = uint64(max), true
	return p
}

// WithReject is NLA_POLICY_REJECT with a message (the type becomes NLA_REJECT).
func (p nlaPolicy) WithReject(msg string) NlaPolicy {
	p.typ, p.rejectMessage = nlaReject, msg
	return p
}

// SetMsg is NL_SET_ERR_MSG.
func (e *ExtAck) SetMsg(msg string) { e.setMsg(msg) }
