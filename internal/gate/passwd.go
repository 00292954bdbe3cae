package gate

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"sync"
)

// passwdHome returns the home directory of guard's real user as
// /etc/passwd names it, or "" when it does not. Unlike $HOME, a command
// cannot set it for one run.
var passwdHome = sync.OnceValue(readPasswdHome)

func readPasswdHome() string {
	f, err := os.Open("/etc/passwd")
	if err != nil {
		return ""
	}
	defer f.Close()
	uid := strconv.Itoa(os.Getuid())
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) >= 6 && fields[2] == uid && strings.HasPrefix(fields[5], "/") {
			return fields[5]
		}
	}
	return ""
}
