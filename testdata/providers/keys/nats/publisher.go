package main

import (
	"log"

	"github.com/nats-io/nats.go"
)

func main() {
	nc, err := nats.Connect("nats://10.20.0.9:4222", nats.Nkey("UB6OPGB3E67NULQUWKLLIRFXWMVGLWAJR6LF5QDEDNDNGEHY4KHQEJDI", signer("SUACVINKTPLOUDNJIEV6CUL2TTYMS3OKATHGG6JPAJI36GGEL2RGU3UBRY")))
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()
}
