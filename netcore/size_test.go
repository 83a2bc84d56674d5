package netcore

import (
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	good := map[string]int64{
		"1":          1,
		"4096":       4096,
		"1MiB":       1 << 20,
		"256MiB":     256 << 20,
		"256mib":     256 << 20,
		"500KB":      500_000,
		"500kb":      500_000,
		"2GB":        2_000_000_000,
		"3GiB":       3 << 30,
		"1 MiB":      1 << 20,
		" 10B ":      10,
		"1TiB":       1 << 40,
		"8388607TiB": 8388607 << 40,
	}
	for in, want := range good {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	bad := []string{"", " ", "MiB", "-1", "-1MiB", "0", "0MiB", "1.5GB", "1e6", "10 MiBs", "1M", "1 k", "12x",
		"99999999999999999999", "8388608TiB", "1\x1b]0;pwned\x07", strings.Repeat("9", 500)}
	for _, in := range bad {
		_, err := ParseSize(in)
		if err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
			continue
		}
		msg := err.Error()
		if strings.ContainsAny(msg, "\n\r\x1b\x07") || len(msg) > 120 {
			t.Errorf("ParseSize(%q): error is not one short, safe line: %q", in, msg)
		}
	}
}

func TestByteSizeFlagValue(t *testing.T) {
	v := ByteSize(DefaultRecordMax)
	if v.String() != "256MiB" || v.Type() != "size" {
		t.Errorf("default prints as %q (%s)", v.String(), v.Type())
	}
	if err := v.Set("500KB"); err != nil || int64(v) != 500_000 || v.String() != "500000B" {
		t.Errorf("Set(500KB): %d %q %v", v, v.String(), err)
	}
	if err := v.Set("lots"); err == nil || int64(v) != 500_000 {
		t.Errorf("a bad Set changed the value or passed: %d %v", v, err)
	}
}
