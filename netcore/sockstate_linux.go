package netcore

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"net"
	"os"
	"strconv"
)

// StatesVisible reports whether NoteState can see sockets' states here.
func StatesVisible() bool {
	_, err := os.Stat("/proc/net/tcp")
	return err == nil
}

// maxProcLines bounds how much of /proc/net/tcp one look reads.
const maxProcLines = 1 << 16

// tcpState finds the socket local↔remote in /proc/net/tcp (IPv4) or
// tcp6 and returns its state's name.
func tcpState(local, remote *net.TCPAddr) (string, bool) {
	file := "/proc/net/tcp6"
	if local.IP.To4() != nil && remote.IP.To4() != nil {
		file = "/proc/net/tcp"
	}
	f, err := os.Open(file)
	if err != nil {
		return "", false
	}
	defer f.Close()
	want := [2]string{procAddr(local, file), procAddr(remote, file)}
	sc := bufio.NewScanner(f)
	for n := 0; sc.Scan() && n < maxProcLines; n++ {
		// sl local_address rem_address st ...
		fields := bytes.Fields(sc.Bytes())
		if len(fields) < 4 || string(fields[1]) != want[0] || string(fields[2]) != want[1] {
			continue
		}
		st, err := strconv.ParseUint(string(fields[3]), 16, 8)
		if name, ok := tcpStateNames[st]; ok && err == nil {
			return name, true
		}
	}
	return "", false
}

// procAddr writes a as /proc/net/tcp does: the address in hex as the
// kernel holds it (32-bit words in host order), a colon, the port in hex.
func procAddr(a *net.TCPAddr, file string) string {
	ip := a.IP.To16()
	if file == "/proc/net/tcp" {
		ip = a.IP.To4()
	}
	words := make([]byte, len(ip))
	for i := 0; i < len(ip); i += 4 {
		binary.NativeEndian.PutUint32(words[i:], binary.BigEndian.Uint32(ip[i:]))
	}
	return bytesUpper(hex.EncodeToString(words)) + ":" + bytesUpper(strconv.FormatUint(uint64(a.Port)|1<<16, 16)[1:])
}

func bytesUpper(s string) string { return string(bytes.ToUpper([]byte(s))) }
