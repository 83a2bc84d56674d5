package behaviors

import (
	"bytes"
	"testing"
)

// HTTPText's ContentType replaces the default header, and only it: the
// length stays the one asked for, so one response can carry both of the
// mistakes the content-length lesson shows.
func TestHTTPTextContentType(t *testing.T) {
	for _, tc := range []struct {
		b    HTTPText
		want string
	}{
		{HTTPText{Body: "hi", Length: -1}, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"},
		{HTTPText{Body: "안녕, 세상!", Length: 13, ContentType: "text/plain"}, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\n안녕, 세상!"},
	} {
		s, _ := startServer(t, defaultsAt("127.0.0.1:0"), tc.b)
		c := dialRaw(t, "tcp", v4Addr(t, s))
		if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		got, _ := readToEnd(t, c)
		if !bytes.Equal(got, []byte(tc.want)) {
			t.Errorf("%+v sent\n%q\nwant\n%q", tc.b, got, tc.want)
		}
	}
}
