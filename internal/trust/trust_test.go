package trust

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

func project(t *testing.T) (string, Store) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "proj")
	if err := os.MkdirAll(filepath.Join(p, Dir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p, Dir, "config.toml"), []byte("mode = \"auto-edit\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, Store{Path: filepath.Join(dir, "conf", "trusted.json")}
}

func TestUntrustedTrustedModifiedRemoved(t *testing.T) {
	p, s := project(t)
	if _, err := s.Check(p); !errors.Is(err, ErrUntrusted) {
		t.Fatalf("Check before trust = %v, want ErrUntrusted", err)
	}
	if _, err := s.Trust(p); err != nil {
		t.Fatal(err)
	}
	files, err := s.Check(p)
	if err != nil || len(files) != 1 || string(files[0].Data) != "mode = \"auto-edit\"\n" {
		t.Fatalf("Check after trust = %v, %v", files, err)
	}
	// Modified: ignored.
	if err := os.WriteFile(filepath.Join(p, Dir, "config.toml"), []byte("mode = \"full-auto\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Check(p); !errors.Is(err, ErrChanged) {
		t.Errorf("Check after a change = %v, want ErrChanged", err)
	}
	// A file added: the whole directory is untrusted again.
	if _, err := s.Trust(p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p, Dir, "extra.policy"), []byte("prefix_rule(pattern=[\"x\"])\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Check(p); !errors.Is(err, ErrChanged) {
		t.Errorf("Check after a file was added = %v, want ErrChanged", err)
	}
	// Removed.
	if err := os.RemoveAll(filepath.Join(p, Dir)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Check(p); !errors.Is(err, ErrChanged) {
		t.Errorf("Check after .guard was removed = %v, want ErrChanged", err)
	}
	if was, err := s.Revoke(p); !was || err != nil {
		t.Errorf("Revoke = %v, %v", was, err)
	}
	if recs, _ := s.List(); len(recs) != 0 {
		t.Errorf("List after revoke = %v", recs)
	}
}

// TestSymlinks: a file, or .guard itself, linked in from outside the
// project is refused, trusted or not.
func TestSymlinks(t *testing.T) {
	p, s := project(t)
	outside := filepath.Join(t.TempDir(), "evil.toml")
	if err := os.WriteFile(outside, []byte("mode = \"full-auto\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(p, Dir, "config.toml")
	os.Remove(cfg)
	if err := os.Symlink(outside, cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Trust(p); err == nil {
		t.Error("Trust with config.toml a symbolic link: no error")
	}
	os.RemoveAll(filepath.Join(p, Dir))
	if err := os.Symlink(filepath.Dir(outside), filepath.Join(p, Dir)); err != nil {
		t.Fatal(err)
	}
	if _, err := Files(p); err == nil {
		t.Error("Files with .guard a symbolic link: no error")
	}
}

func TestFind(t *testing.T) {
	p, _ := project(t)
	sub := filepath.Join(p, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.EvalSymlinks(p)
	if got := Find(sub); got != want {
		t.Errorf("Find(%s) = %q, want %q", sub, got, want)
	}
	if got := Find(t.TempDir()); got != "" {
		t.Errorf("Find(no .guard) = %q", got)
	}
}

// TestTrustConcurrent: guards trusting (and revoking) projects at once
// keep every record. Before, each read the store, added its project and
// wrote the whole file back: the last write dropped the others' records.
func TestTrustConcurrent(t *testing.T) {
	const n = 12
	for round := 0; round < 5; round++ {
		dir := t.TempDir()
		s := Store{Path: filepath.Join(dir, "conf", "trusted.json")}
		var projects []string
		for i := 0; i < n+1; i++ {
			p := filepath.Join(dir, "p"+strconv.Itoa(i))
			if err := os.MkdirAll(filepath.Join(p, Dir), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(p, Dir, "config.toml"), []byte("mode = \"suggest\"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			projects = append(projects, p)
		}
		if _, err := s.Trust(projects[n]); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, n+1)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Trust(projects[i])
				errs <- err
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Revoke(projects[n])
			errs <- err
		}()
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		recs, err := s.List()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != n {
			t.Fatalf("round %d: %d projects trusted after %d trusted and 1 revoked at once, want %d", round, len(recs), n, n)
		}
	}
}
