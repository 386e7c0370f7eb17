package telnyxtest

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Webhook signature headers, as Telnyx names them.
const (
	SignatureHeader = "telnyx-signature-ed25519"
	TimestampHeader = "telnyx-timestamp"
)

// newPrivateKey returns the key pair derived from seed, or a random one when seed is nil.
func newPrivateKey(seed []byte) (ed25519.PrivateKey, error) {
	if seed == nil {
		_, privateKey, err := ed25519.GenerateKey(nil)
		if err != nil {
			return nil, fmt.Errorf("generate Ed25519 key: %w", err)
		}
		return privateKey, nil
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("key seed has %d bytes, expected %d", len(seed), ed25519.SeedSize)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// PublicKey returns the server's Ed25519 public key in base64, as the Telnyx portal shows an
// account's public key.
func (s *Server) PublicKey() string {
	return base64.StdEncoding.EncodeToString(s.privateKey.Public().(ed25519.PublicKey))
}

// Sign signs a webhook body as Telnyx does at ts: it returns the telnyx-signature-ed25519 header,
// the base64 Ed25519 signature over "<Unix seconds>|<body>", and the telnyx-timestamp header.
func (s *Server) Sign(body []byte, ts time.Time) (sigHeader, tsHeader string) {
	tsHeader = strconv.FormatInt(ts.Unix(), 10)
	message := append([]byte(tsHeader+"|"), body...)
	return base64.StdEncoding.EncodeToString(ed25519.Sign(s.privateKey, message)), tsHeader
}

// SignedHeader returns the headers of a webhook with body signed at ts, with contentType as its
// Content-Type.
func (s *Server) SignedHeader(contentType string, body []byte, ts time.Time) http.Header {
	signature, stamp := s.Sign(body, ts)
	header := http.Header{"Content-Type": {contentType}}
	header.Set(SignatureHeader, signature)
	header.Set(TimestampHeader, stamp)
	return header
}
