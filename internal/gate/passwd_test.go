package gate

import "testing"

func TestPasswdHome(t *testing.T) {
	data := []byte("root:x:0:0:root:/root:/bin/bash\n# comment\nbad line\nnohome:x:7:7::relative:/bin/sh\n" +
		"u:x:1000:1000:U,,,:/home/u:/bin/zsh\nlast:x:1001:1001::/home/last")
	for uid, want := range map[int]string{0: "/root", 1000: "/home/u", 1001: "/home/last", 7: "", 42: ""} {
		if got := passwdHomeIn(data, uid); got != want {
			t.Errorf("uid %d: %q, want %q", uid, got, want)
		}
	}
}
