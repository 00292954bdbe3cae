package policy

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestLoadErrors(t *testing.T) {
	for _, tt := range []struct {
		file string
		want string
	}{
		{"bad_example.policy", `bad_example.policy:1:15: should_match example ["-l"] does not match define_program("ls"): ls: option -l is not allowed by any rule`},
		{"bad_not_example.policy", `bad_not_example.policy:1:15: should_not_match example ["x"] matches define_program("ls")`},
		{"syntax.policy", `syntax.policy:2:1: got end of file, want ')'`},
		{"bad_flag.policy", `bad_flag.policy:2:47: flag: "l" does not start with -`},
		// The step limit or, on a loaded machine, the time limit stops it first.
		{"loop.policy", `loop.policy:3:9: Starlark computation cancelled: too many steps|loop.policy:3:9: Starlark computation cancelled: policy took more than 750ms of CPU time to load`},
		{"repeat.policy", `repeat.policy:1:9: repetition by 200000000: too large`},
		{"doubling.policy", `doubling.policy:4:11: value of 2097152 elements or bytes: a policy value may have at most 1048576`},
		{"range.policy", `range.policy:1:15: range of 200000000 elements: a policy may use at most 1048576`},
		{"load.policy", `load.policy:1:1: cannot load other.star: load() is not available in policies`},
		{"unknown_kw.policy", `unknown_kw.policy:1:15: define_program: unexpected keyword argument "unknown"`},
		{"bad_match.policy", `bad_match.policy:1:12: match example ["git", "log"] does not match prefix_rule(["git", "status"])`},
		{"two_varargs.policy", `two_varargs.policy:1:15: args: at most one pattern may take several words`},
		{"io.policy", `io.policy:1:7: undefined: open`},
	} {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "load", tt.file)
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = Load(tt.file, src)
			if err == nil {
				t.Fatalf("Load(%s) succeeded, want error %q", tt.file, tt.want)
			}
			if !errors.Is(err, ErrLoad) {
				t.Errorf("Load(%s) error %v is not ErrLoad", tt.file, err)
			}
			if got := err.Error(); !slices.Contains(strings.Split(tt.want, "|"), got) {
				t.Errorf("Load(%s) error:\n got %s\nwant %s", tt.file, got, tt.want)
			}
			if d := time.Since(start); d > maxLoadWall+time.Second {
				t.Errorf("Load(%s) took %v", tt.file, d)
			}
		})
	}
}

func TestVerifyAllReportsEveryFailure(t *testing.T) {
	src := `define_program(program = "a", should_match = [["-x"], ["-y"]])
define_program(program = "b", args = [ARG_RFILE], should_not_match = [["f"]])
`
	p, err := Evaluate("two.policy", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	errs := p.VerifyAll()
	if len(errs) != 3 {
		t.Fatalf("VerifyAll = %d errors, want 3: %v", len(errs), errs)
	}
	if !strings.HasPrefix(errs[2].Error(), "two.policy:2:15: ") {
		t.Errorf("third error %q lacks its position", errs[2])
	}
}

// TestLoadMemoryBounded: policies that grow values faster than they take
// steps are stopped, by the size checks of the operators, by range's limit
// or by the allocation watch (or the time limit, whichever comes first).
func TestLoadMemoryBounded(t *testing.T) {
	for _, file := range []string{"repeat.policy", "doubling.policy", "range.policy", "strgrow.policy", "churn.policy",
		"join.policy", "extend.policy", "format.policy", "intsquare.policy", "percent.policy", "hoard.policy"} {
		t.Run(file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "load", file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Load(file, src)
			if !errors.Is(err, ErrLoad) {
				t.Fatalf("Load(%s) = %v, want a load error", file, err)
			}
			t.Log(err)
		})
	}
}

// TestPolicyFileNotRegular: a FIFO or a device where a policy file is
// expected (--policy, *.policy in a configuration directory, user.policy:
// all are loaded through Cache.LoadFile), or where a cache entry is, is
// refused at once, not read.
func TestPolicyFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "user.policy")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.policy")
	if err := os.WriteFile(big, []byte("#"+strings.Repeat("x", MaxPolicyBytes)), 0o600); err != nil {
		t.Fatal(err)
	}
	paths := []string{fifo, dir, big}
	for _, dev := range []string{"/dev/zero", "/dev/urandom"} {
		if _, err := os.Stat(dev); err == nil {
			paths = append(paths, dev)
		}
	}
	cache := Cache{Dir: filepath.Join(dir, "cache"), Version: "test"}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := cache.LoadFile(path)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, ErrLoad) || !(strings.Contains(err.Error(), "not a regular file") || strings.Contains(err.Error(), "too large")) {
					t.Errorf("LoadFile(%s) = %v, want a load error: not a regular file, or too large", path, err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("LoadFile(%s) blocked", path)
			}
		})
	}
	// A FIFO as the cache entry: skipped, the file is evaluated.
	good := filepath.Join(dir, "good.policy")
	if err := os.WriteFile(good, []byte(`prefix_rule(["ls"], decision = "allow")`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(cache.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(cache.entry(good), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := cache.LoadFile(good)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("LoadFile with a FIFO as cache entry: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("LoadFile blocked on a FIFO cache entry")
	}
}
