package netcore

// PlainHost reports whether host can be a host name or an IP address:
// letters, digits and . - _ : % only. Anything else (a control byte, an
// escape sequence, a space) is no host, so an address with one is refused
// before any message or report repeats it.
func PlainHost(host string) bool {
	if host == "" || len(host) > 253 {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.' || c == '-' || c == '_' || c == ':' || c == '%':
		default:
			return false
		}
	}
	return true
}
