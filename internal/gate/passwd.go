package gate

import (
	"bytes"
	"strconv"
	"sync"
	"syscall"
)

// passwdHome returns the home directory of guard's real user as
// /etc/passwd names it, or "" when it does not. Unlike $HOME, a command
// cannot set it for one run.
var passwdHome = sync.OnceValue(func() string { return passwdHomeIn(readPasswd("/etc/passwd"), syscall.Getuid()) })

// readPasswd reads the password file with plain system calls (no poller,
// no 64 KiB scanner buffer: this runs before every full-auto command), at
// most 4 MiB of it; "" when it cannot be read.
func readPasswd(path string) []byte {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil // not a FIFO or a device
	}
	buf := make([]byte, 0, 4096)
	for len(buf) < 4<<20 {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			break
		}
		buf = buf[:len(buf)+n]
	}
	return buf
}

// passwdHomeIn returns the home field of uid's line in a password file:
// name:password:uid:gid:gecos:home:shell, an absolute home only.
func passwdHomeIn(data []byte, uid int) string {
	want := []byte(strconv.Itoa(uid))
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		var f [7][]byte
		n := 0
		for n < 6 {
			i := bytes.IndexByte(line, ':')
			if i < 0 {
				break
			}
			f[n], line = line[:i], line[i+1:]
			n++
		}
		f[n] = line
		if n >= 5 && bytes.Equal(f[2], want) && len(f[5]) > 0 && f[5][0] == '/' {
			return string(f[5])
		}
	}
	return ""
}
