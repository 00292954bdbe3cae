package sandbox

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"guard/policy/protect"
)

// planFixture lays out a repository root and a home with secrets, with no
// symbolic link (a followed link makes the result uncacheable), and
// returns them once their change times lie more than planRacy (shortened
// for the test) in the past.
func planFixture(t *testing.T) (root, home string) {
	t.Helper()
	old := planRacy
	planRacy = 20 * time.Millisecond
	t.Cleanup(func() { planRacy = old })
	base := t.TempDir()
	root, home = filepath.Join(base, "repo"), filepath.Join(base, "home")
	for name, content := range map[string]string{
		"repo/.git/HEAD": "ref: refs/heads/main\n", "repo/.git/config": "[core]\n\tbare = false\n",
		"repo/.git/hooks/pre-commit.sample": "", "repo/.git/objects/.keep": "", "repo/.env": "K=1\n",
		"repo/app/main.go": "package main\n", "repo/.vscode/settings.json": "{}\n",
		"home/.ssh/id_ed25519": "k", "home/.aws/credentials": "k", "home/.config/gh/hosts.yml": "k", "home/.bashrc": "",
	} {
		p := filepath.Join(base, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(3 * planRacy)
	return root, home
}

// cachedAndFresh returns ProtectCached's profile (from dir) and Protect's.
func cachedAndFresh(t *testing.T, root, home, dir string) (cached, fresh Profile) {
	t.Helper()
	cached = Profile{WritableRoots: []string{root}}
	ProtectCached(&cached, protect.Default(), home, dir)
	fresh = Profile{WritableRoots: []string{root}}
	Protect(&fresh, protect.Default(), home)
	return cached, fresh
}

func samePlan(t *testing.T, what string, cached, fresh Profile) {
	t.Helper()
	if !slices.Equal(cached.ReadOnly, fresh.ReadOnly) || !slices.Equal(cached.Unreadable, fresh.Unreadable) {
		t.Fatalf("%s: cached plan\n  read-only %v\n  unreadable %v\nfresh\n  read-only %v\n  unreadable %v",
			what, cached.ReadOnly, cached.Unreadable, fresh.ReadOnly, fresh.Unreadable)
	}
	if !slices.Equal(cached.MissingProtected, fresh.MissingProtected) {
		t.Fatalf("%s: cached plan's missing protected paths %v, fresh %v", what, cached.MissingProtected, fresh.MissingProtected)
	}
	if !slices.Equal(cached.SecretEnv, fresh.SecretEnv) {
		t.Fatalf("%s: secret variables %v, want %v", what, cached.SecretEnv, fresh.SecretEnv)
	}
}

// TestPlanCacheFollowsChanges: an entry is used while nothing it looked at
// changed, and every change that moves the result is seen: a new secret or
// protected name in the root (at its top and below), in the home, a hooks
// directory removed, a hooks path set in the repository's config.
func TestPlanCacheFollowsChanges(t *testing.T) {
	root, home := planFixture(t)
	dir := t.TempDir()
	cached, fresh := cachedAndFresh(t, root, home, dir)
	samePlan(t, "first run", cached, fresh)
	if !slices.Contains(fresh.Unreadable, filepath.Join(root, ".env")) || !slices.Contains(fresh.ReadOnly, filepath.Join(root, ".git", "hooks")) {
		t.Fatalf("fixture: %v %v", fresh.ReadOnly, fresh.Unreadable)
	}
	hits := planHits
	cached, fresh = cachedAndFresh(t, root, home, dir)
	samePlan(t, "second run", cached, fresh)
	if planHits != hits+1 {
		t.Fatal("the second run did not use the entry")
	}
	write := func(name, content string) func() {
		return func() {
			p := filepath.Join(filepath.Dir(root), name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range []struct {
		name   string
		change func()
		want   string // a path the plan must hold afterwards
	}{
		{"a new .envrc at the top", write("repo/.envrc", "export A=1\n"), "repo/.envrc"},
		{"a new .env below", write("repo/app/.env.local", "K=1\n"), "repo/app/.env.local"},
		{"a new directory with a secret", write("repo/svc/config/.env", "K=1\n"), "repo/svc/config/.env"},
		{"a new key in the home", write("home/.ssh/id_rsa", "k"), "home/.ssh/id_rsa"},
		{"a new credentials directory in the home", write("home/.docker/config.json", "{}"), "home/.docker/config.json"},
		{"a hooks path in the config", func() {
			write("repo/.git/config", "[core]\n\thooksPath = tools/hooks\n")()
			write("repo/tools/hooks/pre-commit", "#!/bin/sh\n")()
		}, "repo/tools/hooks"},
		{"the hooks directory replaced", func() {
			h := filepath.Join(root, ".git", "hooks")
			if err := os.RemoveAll(h); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(h, 0o755); err != nil {
				t.Fatal(err)
			}
		}, "repo/.git/hooks"},
	} {
		// An entry for the tree as it is, used, then the change.
		time.Sleep(3 * planRacy)
		cachedAndFresh(t, root, home, dir)
		hits := planHits
		cachedAndFresh(t, root, home, dir)
		if planHits != hits+1 {
			t.Fatalf("before %s: the entry was not used", c.name)
		}
		c.change()
		cached, fresh := cachedAndFresh(t, root, home, dir)
		if planHits != hits+1 {
			t.Errorf("%s: the entry was used", c.name)
		}
		samePlan(t, c.name, cached, fresh)
		want := filepath.Join(filepath.Dir(root), c.want)
		if !slices.Contains(cached.ReadOnly, want) && !slices.Contains(cached.Unreadable, want) {
			t.Fatalf("%s: %s not in the plan %v %v", c.name, want, cached.ReadOnly, cached.Unreadable)
		}
	}
}

// TestPlanCacheRacy: an entry is not written when something it looked at
// changed within planRacy before the run.
func TestPlanCacheRacy(t *testing.T) {
	root, home := planFixture(t)
	planRacy = time.Hour // everything in the fixture is recent
	dir := t.TempDir()
	cachedAndFresh(t, root, home, dir)
	if ents, _ := os.ReadDir(filepath.Join(dir, "plans")); len(ents) > 0 {
		t.Fatalf("an entry was written for a tree that just changed: %v", ents)
	}
}

// TestPlanCacheUnsure: a result that depends on where a symbolic link
// leads (a .git that is a link) is never written.
func TestPlanCacheUnsure(t *testing.T) {
	root, home := planFixture(t)
	gitdir := filepath.Join(filepath.Dir(root), "gitdir")
	if err := os.Rename(filepath.Join(root, ".git"), gitdir); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(gitdir, filepath.Join(root, ".git")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * planRacy)
	dir := t.TempDir()
	cached, fresh := cachedAndFresh(t, root, home, dir)
	samePlan(t, "linked .git", cached, fresh)
	if ents, _ := os.ReadDir(filepath.Join(dir, "plans")); len(ents) > 0 {
		t.Fatalf("an entry was written for a linked .git: %v", ents)
	}
}

// TestPlanCachePlanted: an entry that someone else could have written (a
// file or directory writable by the group or others, or another user's
// file) is ignored, and so is a malformed one.
func TestPlanCachePlanted(t *testing.T) {
	root, home := planFixture(t)
	dir := t.TempDir()
	cachedAndFresh(t, root, home, dir)
	ents, err := os.ReadDir(filepath.Join(dir, "plans"))
	if err != nil || len(ents) != 1 {
		t.Fatalf("no entry written: %v %v", ents, err)
	}
	entry := filepath.Join(dir, "plans", ents[0].Name())
	good, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	// A planted entry: the right key, no secret, nothing to check.
	key, _ := planKey(&Profile{WritableRoots: []string{root}}, protect.Default(), home)
	forged := append(append([]byte(planMagic), key[:]...), 0, 0, 0)
	for _, c := range []struct {
		name  string
		plant func()
	}{
		{"group-writable file", func() {
			os.WriteFile(entry, forged, 0o600)
			os.Chmod(entry, 0o620)
		}},
		{"world-writable directory", func() {
			os.WriteFile(entry, forged, 0o600)
			os.Chmod(filepath.Dir(entry), 0o777)
		}},
		{"another user's file", func() {
			requireRoot(t, "giving a file to another user needs root")
			os.WriteFile(entry, forged, 0o600)
			os.Chown(entry, 65534, 65534)
		}},
		{"truncated", func() { os.WriteFile(entry, good[:len(good)/2], 0o600) }},
		{"a watched path changed", func() {
			os.WriteFile(entry, good, 0o600)
			os.WriteFile(filepath.Join(root, ".env.production"), []byte("K=1\n"), 0o644)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			os.Remove(entry)
			os.Chmod(filepath.Dir(entry), 0o700)
			c.plant()
			hits := planHits
			cached, fresh := cachedAndFresh(t, root, home, dir)
			samePlan(t, c.name, cached, fresh)
			if planHits != hits {
				t.Fatal("the entry was used")
			}
		})
	}
}

// TestPlanCacheEnvMovedSecrets: the secrets XDG_CONFIG_HOME moves (gh's
// hosts.yml...), named in the list as the gate names them, are left out of
// the plan while they do not exist (Exec need not look each up) and are in
// it once made: the resolution watches the directory it looked them up in.
// Without the list's entries (a caller that names none), each is in the
// plan for Exec to look up, whether or not it exists.
func TestPlanCacheEnvMovedSecrets(t *testing.T) {
	root, home := planFixture(t)
	xdg := filepath.Join(filepath.Dir(root), "xdg")
	if err := os.MkdirAll(filepath.Join(xdg, "other"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CONFIG_HOME", xdg)
	hosts := filepath.Join(xdg, "gh", "hosts.yml")
	list := func() *protect.List {
		l := protect.Default()
		l.Add(protect.Secret, "moved", l.EnvSecretPaths(os.Getenv)...)
		return l
	}
	cacheDir := t.TempDir()
	run := func() (cached, fresh Profile) {
		cached = Profile{WritableRoots: []string{root}}
		ProtectCached(&cached, list(), home, cacheDir)
		fresh = Profile{WritableRoots: []string{root}}
		Protect(&fresh, list(), home)
		return cached, fresh
	}
	time.Sleep(3 * planRacy)
	run()
	hits := planHits
	cached, fresh := run()
	if planHits != hits+1 {
		t.Fatal("the second run did not use the entry")
	}
	samePlan(t, "no hosts.yml", cached, fresh)
	if slices.Contains(cached.Unreadable, hosts) {
		t.Fatalf("%s, which does not exist, is in the plan: %v", hosts, cached.Unreadable)
	}
	if err := os.MkdirAll(filepath.Dir(hosts), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hosts, []byte("oauth_token: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hits = planHits
	cached, fresh = run()
	if planHits != hits {
		t.Fatal("the entry was used after hosts.yml was made")
	}
	samePlan(t, "hosts.yml made", cached, fresh)
	if !slices.Contains(cached.Unreadable, hosts) {
		t.Fatalf("%s is not in the plan: %v", hosts, cached.Unreadable)
	}
	// Not named by the list: in the plan all the same, for Exec to look up.
	bare := Profile{WritableRoots: []string{root}}
	Protect(&bare, protect.Default(), home)
	if !slices.Contains(bare.Unreadable, filepath.Join(xdg, "gcloud")) {
		t.Fatalf("%s is not in the plan of a list that does not name it: %v", filepath.Join(xdg, "gcloud"), bare.Unreadable)
	}
}

// TestPlanCacheNewNameInWatchedDir: loadPlan does not look again for a
// name that did not exist in a directory whose stat is as it was, so every
// way of making that name must change the directory: written, made a
// directory, a symbolic link, renamed or hard-linked into it. Each is seen
// (the entry is not used, and the plan is Protect's).
func TestPlanCacheNewNameInWatchedDir(t *testing.T) {
	root, home := planFixture(t)
	envrc := filepath.Join(root, ".envrc")
	other := filepath.Join(root, "app", "other.sh")
	for _, c := range []struct {
		name string
		make func() error
	}{
		{"written", func() error { return os.WriteFile(envrc, []byte("export A=1\n"), 0o644) }},
		{"a directory", func() error { return os.Mkdir(envrc, 0o755) }},
		{"a symbolic link", func() error { return os.Symlink("app/main.go", envrc) }},
		{"renamed into", func() error {
			if err := os.WriteFile(other, []byte("export A=1\n"), 0o644); err != nil {
				return err
			}
			time.Sleep(3 * planRacy)
			return os.Rename(other, envrc)
		}},
		{"hard-linked into", func() error {
			if err := os.WriteFile(other, []byte("export A=1\n"), 0o644); err != nil {
				return err
			}
			time.Sleep(3 * planRacy)
			return os.Link(other, envrc)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			os.RemoveAll(envrc)
			os.Remove(other)
			time.Sleep(3 * planRacy)
			dir := t.TempDir()
			cachedAndFresh(t, root, home, dir)
			hits, skipped := planHits, planSkipped
			cachedAndFresh(t, root, home, dir)
			if planHits != hits+1 {
				t.Fatal("the entry was not used before the change")
			}
			if planSkipped == skipped {
				t.Fatal("no lookup was spared: the test does not test the skip")
			}
			if err := c.make(); err != nil {
				t.Fatal(err)
			}
			hits = planHits
			cached, fresh := cachedAndFresh(t, root, home, dir)
			if planHits != hits {
				t.Fatalf("%s: the entry was used", c.name)
			}
			samePlan(t, c.name, cached, fresh)
		})
	}
	// A name looked up in a directory that is not watched itself (a few
	// names looked for in ~/.claude: no listing): its own lookup is made
	// again, and a new one is seen.
	t.Run("in a directory not watched", func(t *testing.T) {
		claude := filepath.Join(home, ".claude")
		if err := os.MkdirAll(claude, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(claude, "settings.json"), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * planRacy)
		dir := t.TempDir()
		cachedAndFresh(t, root, home, dir)
		hits := planHits
		cachedAndFresh(t, root, home, dir)
		if planHits != hits+1 {
			t.Fatal("the entry was not used before the change")
		}
		creds := filepath.Join(claude, ".credentials.json")
		if err := os.WriteFile(creds, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
		hits = planHits
		cached, fresh := cachedAndFresh(t, root, home, dir)
		if planHits != hits {
			t.Fatal("the entry was used")
		}
		samePlan(t, "new credentials", cached, fresh)
		if !slices.Contains(cached.Unreadable, creds) {
			t.Fatalf("%s not in the plan: %v", creds, cached.Unreadable)
		}
	})
}

// TestPlanCacheDanglingLink: a watched name that is a symbolic link leading
// nowhere (the sandbox's placeholders at the top of /tmp) does not keep
// the entry from being written, nor from being used: the link's file system
// is its directory's (statfs(2) of the link followed it and failed, so
// every path on that file system counted as not local).
func TestPlanCacheDanglingLink(t *testing.T) {
	old := planRacy
	planRacy = 20 * time.Millisecond
	t.Cleanup(func() { planRacy = old })
	base := t.TempDir()
	link := filepath.Join(base, ".git")
	if err := os.Symlink(protect.Placeholder, link); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * planRacy)
	w := &protect.Watch{}
	w.AddEntry(link) // the only path on its file system: no other tells it local
	var key [32]byte
	key[0] = 1
	file := filepath.Join(t.TempDir(), "plans", "1")
	savePlan(file, key, &Profile{Unreadable: []string{"/x"}}, w, time.Now())
	lists, ok := loadPlan(file, key)
	un := lists[1]
	if !ok || !slices.Equal(un, []string{"/x"}) {
		t.Fatalf("an entry watching a dangling link: written and read back %v %v, want [/x] true", un, ok)
	}
}

// TestPlanFileSpreadsKeys: keys that share their first byte have files of
// their own when the next four bits differ, so that sets of roots run by
// turns do not take each other's entry (256 files: among 40 keys, three
// pairs shared one on average).
func TestPlanFileSpreadsKeys(t *testing.T) {
	var a, b [32]byte
	a[0], b[0] = 0xc3, 0xc3
	a[1], b[1] = 0x10, 0x20
	if planFile("/d", a) == planFile("/d", b) {
		t.Errorf("keys c310... and c320... share %s", planFile("/d", a))
	}
	files := map[string]bool{}
	for i := range 4096 {
		var k [32]byte
		k[0], k[1] = byte(i>>4), byte(i<<4)
		files[planFile("/d", k)] = true
	}
	if len(files) != 4096 {
		t.Errorf("4,096 keys of distinct first 12 bits have %d files, want 4,096", len(files))
	}
}
