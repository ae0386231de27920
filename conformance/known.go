package conformance

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Known is a recorded difference between the model and the kernel in one
// scenario.
type Known struct {
	// Reason says what differs and why.
	Reason string
	// Accepted marks differences the model does not intend to remove:
	// behaviour outside what it models. The others are model bugs.
	Accepted bool
	// Model pins the model's wrong answer: ModelHash of its result. If
	// the model's answer changes, the scenario fails until the entry is
	// updated or removed, so a listed scenario cannot hide a new
	// difference.
	Model string
}

// ModelHash is a short hash of a result's normalised text form.
func ModelHash(r *Result) string {
	h := sha256.Sum256([]byte(strings.Join(Text(Normalize(r)), "\n")))
	return hex.EncodeToString(h[:6])
}

// KnownDiffs lists the scenarios in which the model is known to differ
// from the recorded kernel (Linux 7.2.13, Debian sid). Each reason gives
// the first difference; `go test ./conformance -run
// TestModelVsKernel/NAME -v` shows the whole decoded diff.
var KnownDiffs = map[string]Known{
	"ack-tc-message": {
		Reason:   "RTM_NEWCHAIN (traffic control) with a 16-byte payload: the kernel's tc handler answers EINVAL \"Invalid header length\" (struct tcmsg is 20 bytes); the model has no tc handlers and answers EOPNOTSUPP. tc is not modelled",
		Accepted: true,
		Model:    "922942e061a6",
	},
}
