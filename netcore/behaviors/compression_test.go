package behaviors

import (
	"bytes"
	"compress/gzip"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

func TestPickEncoding(t *testing.T) {
	cases := []struct {
		value   string
		present bool
		want    string
	}{
		{"", false, "identity"},
		{"", true, "identity"},
		{"gzip", true, "gzip"},
		{"GZIP", true, "gzip"},
		{"x-gzip", true, "gzip"},
		{"gzip, deflate, br, zstd", true, "gzip"},
		{"br;q=1.0, gzip;q=0.8, *;q=0.1", true, "gzip"},
		{"gzip;q=0", true, "identity"},
		{"gzip;q=0, identity", true, "identity"},
		{"identity", true, "identity"},
		{"*", true, "gzip"},
		{"*;q=0", true, "identity"},
		{"*;q=0, gzip", true, "gzip"},
		{"gzip;q=0.5, identity;q=0.9", true, "identity"},
		{"gzip;q=0.9, identity;q=0.5", true, "gzip"},
		{"gzip;q=nope", true, "identity"},
		{"gzip;q=2", true, "identity"},
		{"deflate, br", true, "identity"},
		{" gzip ; q=0.3 ", true, "gzip"},
	}
	for _, c := range cases {
		if got := PickEncoding(c.value, c.present); got != c.want {
			t.Errorf("PickEncoding(%q, %v) = %s, want %s", c.value, c.present, got, c.want)
		}
	}
}

func exchangeCompress(t *testing.T, ae string) (head string, body []byte, note string) {
	t.Helper()
	s, col := startServer(t, defaultsAt("127.0.0.1:0"), Compress{Idle: 5 * time.Second})
	c := dialRaw(t, "tcp", v4Addr(t, s))
	req := "GET / HTTP/1.1\r\nHost: x\r\n" + ae + "\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	resp, _ := readToEnd(t, c)
	h, b, _ := bytes.Cut(resp, []byte("\r\n\r\n"))
	notes := col.waitCount(1, "the note", is(netcore.FromServer, netcore.Note))
	return string(h), b, notes[0].Text
}

func TestCompressSendsGzipWhenAsked(t *testing.T) {
	head, body, note := exchangeCompress(t, "Accept-Encoding: gzip, deflate, br, zstd\r\n")
	if !strings.Contains(head, "\r\nContent-Encoding: gzip\r\n") || !strings.Contains(head, "\r\nVary: Accept-Encoding\r\n") ||
		!strings.Contains(head, "\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n") {
		t.Errorf("head %q", head)
	}
	if !bytes.HasPrefix(body, []byte{0x1f, 0x8b, 0x08}) {
		t.Errorf("body does not start 1f 8b 08: % x", body[:min(3, len(body))])
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(plain, CompressBody) {
		t.Errorf("decoded %d bytes (%v), want the %d-byte text", len(plain), err, len(CompressBody))
	}
	if len(body)*4 > len(CompressBody) {
		t.Errorf("gzip sent %d bytes for %d: less saving than the lesson says", len(body), len(CompressBody))
	}
	if !strings.Contains(note, "→ gzip: 2816 bytes of text sent as ") {
		t.Errorf("note %q", note)
	}
}

func TestCompressHonoursNo(t *testing.T) {
	for _, ae := range []string{"", "Accept-Encoding: identity\r\n", "Accept-Encoding: gzip;q=0, identity\r\n"} {
		head, body, note := exchangeCompress(t, ae)
		if strings.Contains(head, "Content-Encoding") || !strings.Contains(head, "\r\nVary: Accept-Encoding\r\n") || !bytes.Equal(body, CompressBody) {
			t.Errorf("%q: head %q, %d body bytes", ae, head, len(body))
		}
		if !strings.Contains(note, "→ identity") {
			t.Errorf("%q: note %q", ae, note)
		}
	}
}
