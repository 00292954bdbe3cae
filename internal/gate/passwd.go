package gate

import (
	"bytes"
	"strconv"
	"sync"
	"syscall"

	"guard/internal/safefile"
)

// passwdHome returns the home directory of guard's real user as
// /etc/passwd names it, or "" when it does not. Unlike $HOME, a command
// cannot set it for one run.
var passwdHome = sync.OnceValue(func() string {
	data, _ := safefile.Read("/etc/passwd", 4<<20) // a regular file only, never blocking
	return passwdHomeIn(data, syscall.Getuid())
})

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
