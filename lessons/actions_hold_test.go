package lessons_test

import (
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// While the presenter holds the reply, the app's own request waits past
// its deadlines (the read's and the action's), and completes on release.
func TestActionWaitsWhileTheReplyIsHeld(t *testing.T) {
	defer lessons.SetReplyWait(300 * time.Millisecond)()
	cfg := netcore.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	srv, err := netcore.Listen(cfg, behaviors.HTTPHello{}, netcore.Discard{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(t.Context())
	client := netcore.NewClient(netcore.Discard{})
	defer client.CloseAll()
	held := func() bool { return srv.Hold().Conn != 0 }
	env := lessons.Env{Client: client, Addr: lessons.Address{Host: "127.0.0.1", Port: srv.Port()}, Held: held}

	srv.HoldNextReply()
	ctx, cancel := lessons.ActionContext(500*time.Millisecond, held)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := lessons.Get("/").Run(ctx, env); done <- err }()
	select {
	case err := <-done:
		t.Fatalf("the action ended while its reply was held: %v", err)
	case <-time.After(1500 * time.Millisecond): // past both deadlines
	}
	if !held() {
		t.Fatal("the reply is not held: the test proves nothing")
	}
	srv.ReleaseReply()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after the release: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the action did not finish after the release")
	}

	// Without a hold the deadline still holds: a server that never answers
	// is given up on after the reply wait.
	srv.HoldNextReply()
	env.Held = func() bool { return false }
	ctx2, cancel2 := lessons.ActionContext(5*time.Second, env.Held)
	defer cancel2()
	start := time.Now()
	go func() { _, err := lessons.Get("/").Run(ctx2, env); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("no reply, yet no error")
		}
		if d := time.Since(start); d < 250*time.Millisecond {
			t.Errorf("gave up after %s, before the reply wait", d)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("with no hold reported, the action waited on")
	}
	srv.ReleaseReply()
}
