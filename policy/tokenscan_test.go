package policy

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tokenKind looks for literal beginnings first and runs tokenInFile only
// around them: on random bytes with tokens planted anywhere (at the start,
// the end, across each other, after a word character), it must find a
// token exactly when the expression over the whole buffer does.
func TestTokenKindMatchesExpression(t *testing.T) {
	tokens := []string{
		"-----BEGIN OPENSSH PRIVATE KEY-----", "-----BEGIN PGP PRIVATE KEY BLOCK-----",
		"AGE-SECRET-KEY-1" + strings.Repeat("Q", 58), "ghp_" + strings.Repeat("a", 36), "gho_" + strings.Repeat("B", 36),
		"github_pat_" + strings.Repeat("x", 70), "glpat-" + strings.Repeat("y", 20), "xoxb-1234567890-abc",
		"AKIA" + strings.Repeat("Z", 16), "ASIAABCDEFGHIJKLMNOP", "AKIAIOSFODNN7EXAMPLE", "sk-" + strings.Repeat("k", 40),
		"sk-proj-" + strings.Repeat("k", 40), "npm_" + strings.Repeat("n", 36), "hf_" + strings.Repeat("h", 34),
		"AIza" + strings.Repeat("g", 35), "sk_live_" + strings.Repeat("s", 24), "rk_live_" + strings.Repeat("r", 30),
		"ghp_short", "sk-short", "AKIA1234", "xox-", "-----BEGIN CERTIFICATE-----",
	}
	alphabet := []byte("abcghkpsxAKIZ_-0123456789 \n=:\"'")
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 4000; n++ {
		b := make([]byte, r.IntN(600))
		for i := range b {
			if r.IntN(4) == 0 {
				b[i] = byte(r.IntN(256))
			} else {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		for k := r.IntN(3); k > 0; k-- {
			tok := tokens[r.IntN(len(tokens))]
			at := r.IntN(len(b) + 1)
			b = append(b[:at:at], append([]byte(tok), b[at:]...)...)
		}
		want := false
		for _, m := range tokenInFile().FindAll(b, -1) {
			if !strings.HasSuffix(string(m), "EXAMPLE") {
				want = true
			}
		}
		if got := tokenKind(b) != ""; got != want {
			t.Fatalf("%q: tokenKind found a token: %v, the expression: %v", b, got, want)
		}
	}
}

// A command reading files whole is scanned for tokens up to
// maxTokenScanTotal bytes; past it, the read is not known to be clean.
func TestTokenScanBudget(t *testing.T) {
	dir := t.TempDir()
	big := make([]byte, maxTokenScan)
	for i := range big {
		big[i] = 'a' + byte(i%26)
	}
	n := maxTokenScanTotal/maxTokenScan + 8
	for i := 0; i < n; i++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.log", i)), big, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	set := Set{def}
	v := set.Judge([]string{"bash", "-c", "cat *.log"}, dir)
	if v.Class == Safe || !strings.Contains(v.Reason, "too much to check") {
		t.Errorf("cat *.log over %d files of 256 KiB: %s (%s); want unverified, too much to check", n, v.Class, v.Reason)
	}
	// Each judgement has its own budget, and a file read twice counts once.
	for _, cmd := range []string{"cat f001.log", "head -1 f00*.log", "cat f001.log f001.log f002.log"} {
		if v := set.Judge([]string{"bash", "-c", cmd}, dir); v.Class != Safe {
			t.Errorf("%s: %s (%s); want safe", cmd, v.Class, v.Reason)
		}
	}
}
