package room

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func postName(t *testing.T, s student, base, ctype, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/name", strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp, readAll(t, resp)
}

const form = "application/x-www-form-urlencoded"

// A name is posted from a student's device, kept per address, and shown
// back to that student only; bad names get 400 and say why.
func TestNamePosting(t *testing.T) {
	t.Parallel()
	r, base := startRoom(t, Config{LessonPort: 3000, Lang: "en"})
	ada, bob := newStudent("127.0.0.61"), newStudent("127.0.0.62")

	resp, _ := postName(t, ada, base, form, url.Values{"name": {"  Ada 한글 🎈  "}}.Encode())
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("good name: %s, Location %q; want 303 to /", resp.Status, resp.Header.Get("Location"))
	}
	if got := r.Name(ada.addr()); got != "Ada 한글 🎈" {
		t.Fatalf("Name(ada) = %q", got)
	}
	if got := r.Name(bob.addr()); got != "" {
		t.Fatalf("Name(bob) = %q before bob gave one", got)
	}
	if names := r.Names(); len(names) != 1 || names[ada.netip()] != "Ada 한글 🎈" {
		t.Fatalf("Names() = %v", names)
	}

	bad := []struct {
		name, value, reason string
	}{
		{"too long", strings.Repeat("가", MaxNameRunes+1), "too long: at most 32 characters"},
		{"empty", "   ", "Type a name first"},
		{"escape sequence", "Ada\x1b[2J", "control or direction characters"},
		{"bell", "Ada\a", "control or direction characters"},
		{"newline", "Ada\nBob", "control or direction characters"},
		{"C1 control", "Ada\u009b31m", "control or direction characters"},
		{"bidi override", "Ada\u202eevil", "control or direction characters"},
		{"bidi isolate", "\u2066Ada", "control or direction characters"},
		{"zero width", "A\u200bda", "control or direction characters"},
		{"invalid UTF-8", "Ada\xff", "not valid UTF-8"},
	}
	for _, c := range bad {
		resp, body := postName(t, bob, base, form, url.Values{"name": {c.value}}.Encode())
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, c.reason) {
			t.Errorf("%s: %s, want 400 saying %q; body:\n%s", c.name, resp.Status, c.reason, body)
		}
		if strings.Contains(body, "\x1b") || strings.Contains(body, "\u202e") {
			t.Errorf("%s: the refused name came back raw", c.name)
		}
	}
	if got := r.Name(bob.addr()); got != "" {
		t.Fatalf("bob's refused names were stored: %q", got)
	}
	if got := r.Name(ada.addr()); got != "Ada 한글 🎈" {
		t.Fatalf("bob's posts changed ada's name to %q", got)
	}

	// Exactly the limit is fine.
	resp, _ = postName(t, bob, base, form, url.Values{"name": {strings.Repeat("가", MaxNameRunes)}}.Encode())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a %d-rune name: %s, want 303", MaxNameRunes, resp.Status)
	}
}

// The form is bounded and strict about what it takes.
func TestNameFormBounds(t *testing.T) {
	t.Parallel()
	r, base := startRoom(t, Config{LessonPort: 3000, Lang: "en"})
	s := newStudent("127.0.0.63")
	if resp, _ := postName(t, s, base, form, "name="+strings.Repeat("a", 4<<10)); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 4 KiB form: %s, want 413", resp.Status)
	}
	if resp, _ := postName(t, s, base, "text/plain", "name=Ada"); resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %s, want 415", resp.Status)
	}
	if resp, err := s.client.Get(base + "/name"); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /name: %v %v, want 405", resp.Status, err)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/name", strings.NewReader("name=Mallory"))
	req.Header.Set("Content-Type", form)
	req.Header.Set("Origin", "http://evil.example")
	if resp, err := s.client.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a post from another site: %v %v, want 403", resp.Status, err)
	}
	if got := r.Name(s.addr()); got != "" {
		t.Fatalf("a refused post stored %q", got)
	}
}

// A name is the student's own text: markup in it reaches the page as text.
func TestHostileNameIsEscapedOnThePage(t *testing.T) {
	t.Parallel()
	_, base := startRoom(t, Config{LessonPort: 3000, Lang: "en"})
	s := newStudent("127.0.0.64")
	hostile := `<script>alert(1)</script>"'&`
	if resp, _ := postName(t, s, base, form, url.Values{"name": {hostile}}.Encode()); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("printable markup is a valid name, got %s", resp.Status)
	}
	resp, err := s.client.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	if strings.Contains(strings.ToLower(body), "<script>alert") || strings.Contains(body, `"'&`) {
		t.Fatalf("the name reached the page raw:\n%s", body)
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("the escaped name is not on the page:\n%s", body)
	}
}
