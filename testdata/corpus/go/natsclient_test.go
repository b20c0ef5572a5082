package natsclient

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/nats-io/nats.go"
)

func TestConnect(t *testing.T) {
	port := startServer(t)
	nc, err := nats.Connect(fmt.Sprintf("nats://clientA:cwytesac@127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	// built from parts: nothing to find
	url := fmt.Sprintf("nats://%s:%s@%s:%d", user, pass, host, port)
	_ = url
}

func TestProxyAuth(t *testing.T) {
	req, _ := http.NewRequest("GET", "http://proxy.internal/healthz", nil)
	req.SetBasicAuth("monitor", "vkap")
	cfg := Config{User: "svc", Password: password, Host: host}
	other := Config{User: "svc", Password: "fuaqiv", Host: "db"}
	_, _ = cfg, other
}
