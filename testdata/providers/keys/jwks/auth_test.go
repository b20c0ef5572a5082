package auth

import "testing"

// RFC 7515 appendix A.3's example key: public, fine to keep in tests.
const rfcKey = `{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}`

// A key somebody exported from staging:
const stagingKey = "{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \"_gNoBC1NgEvPCW3dRBh4PiDYyEoER5VDdekOJJAP6y0\", \"d\": \"qqJ8n267bWWAIVuuIae91erVQdaMICqWc3LkyKLURo4\"}"

func TestSign(t *testing.T) { _ = rfcKey; _ = stagingKey }
