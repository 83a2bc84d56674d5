package netcore

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Size units: KB, MB, GB, TB count in thousands, KiB, MiB, GiB, TiB in
// 1024s, as on a disk label and in a file manager respectively.
var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// ParseSize reads a size such as 256MiB, 500KB, 2GB or a plain byte count.
// Units are case-insensitive; the number is a whole, positive number.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, badSize(s)
	}
	unit, ok := sizeUnits[strings.ToLower(strings.TrimSpace(t[i:]))]
	if !ok {
		return 0, badSize(s)
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil || n > math.MaxInt64/unit {
		return 0, fmt.Errorf("size %s is too large", quoteShort(s))
	}
	if n == 0 {
		return 0, fmt.Errorf("size %s must be more than 0", quoteShort(s))
	}
	return n * unit, nil
}

func badSize(s string) error {
	return fmt.Errorf("bad size %s: want e.g. 256MiB, 500KB, 2GB or a byte count", quoteShort(s))
}

// FormatSize writes n in the largest binary unit that divides it, else
// in bytes: 256MiB, 1500B.
func FormatSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// ByteSize is a size flag value (it satisfies pflag.Value): Set parses
// with ParseSize, String prints with FormatSize.
type ByteSize int64

func (b *ByteSize) Set(s string) error {
	n, err := ParseSize(s)
	if err != nil {
		return err
	}
	*b = ByteSize(n)
	return nil
}

func (b *ByteSize) String() string { return FormatSize(int64(*b)) }

// Type names the value in flag help.
func (b *ByteSize) Type() string { return "size" }

// quoteShort quotes an untrusted value for a one-line error: Go quoting
// (every control byte escaped), cut to a readable length.
func quoteShort(s string) string {
	const keep = 40
	if len(s) > keep {
		return strconv.Quote(s[:keep]) + "…"
	}
	return strconv.Quote(s)
}
