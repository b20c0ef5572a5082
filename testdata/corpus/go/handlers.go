package api

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// BuildCommit is injected at link time; this is the default for local builds.
var BuildCommit = "1678332777c027aaddbfe258b6736c838acdc4bb"

const (
	TokenExpiry      = 3600
	PasswordMinLen   = 12
	passwordField    = "password"
	tokenType        = "bearer"
	defaultRequestID = "e92537f2-f26f-429c-a026-be55ac964131"
)

type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	token := strings.TrimPrefix(h, "Bearer ")
	return token
}

func checksum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// emptyDigest is sha256("")
const emptyDigest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func Login(w http.ResponseWriter, r *http.Request) {
	var req LoginRequest
	password := req.Password
	if password == "" {
		http.Error(w, "password required", http.StatusBadRequest)
		return
	}
	w.Header().Set("X-Request-Id", defaultRequestID)
}
