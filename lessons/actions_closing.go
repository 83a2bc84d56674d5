package lessons

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"
)

// The actions of the closing and chunked lessons.

// countMessage is what HalfClose sends: three lines, 14 bytes.
var countMessage = []byte("one\ntwo\nthree\n")

// HalfClose sends countMessage, shuts down its write side (FIN) as nc -N
// does, and reads the answer until the server closes.
var HalfClose = Action{Label: "send", Run: func(ctx context.Context, env Env) (Note, error) {
	c, release, err := dial(ctx, env)
	if err != nil {
		return Note{}, err
	}
	defer release()
	if _, err := c.Write(countMessage); err != nil {
		return Note{}, ended(ctx, err)
	}
	if err := c.CloseWrite(); err != nil {
		return Note{}, ended(ctx, err)
	}
	_, err = readUntilClosed(env, c, -1)
	return Note{}, ended(ctx, err)
}}

// Say sends msg and reads until the server closes, then closes too.
func Say(msg string) Action {
	return Action{Label: "send", Run: func(ctx context.Context, env Env) (Note, error) {
		return Note{}, exchange(ctx, env, -1, []byte(msg))
	}}
}

// GetDespiteReset sends a GET and reads what comes; a reset is the point
// of its step, so it is a note, not a failure.
var GetDespiteReset = Action{Label: "request", Run: func(ctx context.Context, env Env) (Note, error) {
	err := exchange(ctx, env, -1, RequestFor(env.Addr.HostPort()))
	if errors.Is(err, syscall.ECONNRESET) {
		return Note{"note.reset", nil}, nil
	}
	return Note{}, err
}}

// SendThenHangUp sends a line, closes its write side, and keeps its end
// open for a moment before closing: long enough to see the server's state.
var SendThenHangUp = Action{Label: "hangup", Run: func(ctx context.Context, env Env) (Note, error) {
	c, release, err := dial(ctx, env)
	if err != nil {
		return Note{}, err
	}
	defer release()
	if _, err := c.Write([]byte("hello\n")); err != nil {
		return Note{}, ended(ctx, err)
	}
	if err := c.CloseWrite(); err != nil {
		return Note{}, ended(ctx, err)
	}
	return Note{}, pause(ctx, time.Second)
}}

// chunkPieces are the chunks ChunkedPost sends, one write each.
var chunkPieces = []string{"Hello", ", chunked", " world!"}

// ChunkedPost sends a POST whose body is chunked, a chunk at a time, and
// reads the answer.
var ChunkedPost = Action{Label: "request", Run: func(ctx context.Context, env Env) (Note, error) {
	c, release, err := dial(ctx, env)
	if err != nil {
		return Note{}, err
	}
	defer release()
	head := fmt.Sprintf("POST /upload HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", env.Addr.HostPort())
	writes := []string{head}
	for _, p := range chunkPieces {
		writes = append(writes, fmt.Sprintf("%x\r\n%s\r\n", len(p), p))
	}
	writes = append(writes, "0\r\n\r\n")
	for i, w := range writes {
		if i > 0 {
			if err := pause(ctx, 200*time.Millisecond); err != nil {
				return Note{}, err
			}
		}
		if _, err := c.Write([]byte(w)); err != nil {
			return Note{}, ended(ctx, err)
		}
	}
	_, err = readUntilClosed(env, c, -1)
	return Note{}, ended(ctx, err)
}}
