// Command benchproc is `make bench`: it times whole guard processes against
// a floor measured in the same run and prints the ratios.
//
// Each guarded command is paired with its floor: the exec-only Go program
// (execonly) running the same program with the same arguments and the same
// standard input (for a hook, `true`). Runs are interleaved, every binary
// is started from the same page-cache state, and the figure is the median
// of the per-pair ratios guard/floor, with the 10th and 90th percentiles as
// the spread. Peak RSS is the largest of a few runs under GNU time (-f %M):
// the high-water mark survives execve, so it covers guard's own part. It is
// not read from this process's children, whose mark starts at this
// process's size: os/exec starts them with vfork, and execve records the
// shared memory map's high-water mark.
//
//	go run ./internal/benchproc [-n RUNS] [-only SUBSTRING] [-base OLDGUARD] path/to/guard
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pair is one guarded command and its floor.
type pair struct {
	name   string
	guard  []string
	floor  []string
	stdin  []byte
	env    []string            // added to the common environment for the guarded command
	target float64             // the ratio to stay within; 0 for none
	cred   *syscall.Credential // run both as this user (nil: as this process)
	dir    string              // working directory ("" : work)
	ratios []float64
	maxRSS int64 // KiB
}

func main() {
	runs := flag.Int("n", 300, "runs of each command")
	only := flag.String("only", "", "run only the pairs whose name contains this")
	base := flag.String("base", "", "another guard binary (an older build) to time in the same run: each guard pair gets a twin with it")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: benchproc [-n RUNS] [-only SUBSTRING] [-base OLDGUARD] path/to/guard")
		os.Exit(2)
	}
	guard, err := filepath.Abs(flag.Arg(0))
	check(err)
	tmp, err := os.MkdirTemp("", "guard-bench-")
	check(err)
	defer os.RemoveAll(tmp)

	built := filepath.Join(tmp, "execonly")
	libs := filepath.Join(tmp, "libsonly")
	for out, tags := range map[string]string{built: "", libs: "libsonly"} {
		build := exec.Command("go", "build", "-trimpath", "-tags", tags, "-ldflags", "-s -w", "-o", out, "./internal/benchproc/execonly")
		build.Stderr = os.Stderr
		check(build.Run())
	}

	// Every binary runs from a copy that is then dropped from the page cache,
	// so that its first exec reads it back, as after a reboot. How a binary
	// came into the page cache moves the ratios by up to 0.08x on this
	// kernel (a file written with write(2) maps faster than one read back
	// from disk); measured from the same state, the comparison is fair.
	bin := filepath.Join(tmp, "bin")
	check(os.Mkdir(bin, 0o755))
	floor := copyEvicted(built, bin)
	libs = copyEvicted(libs, bin)
	guard = copyEvicted(guard, bin)
	shims := filepath.Join(tmp, "shims")
	check(os.Mkdir(shims, 0o755))
	check(os.Symlink(guard, filepath.Join(shims, "ls")))
	work := filepath.Join(tmp, "work")
	check(os.MkdirAll(filepath.Join(work, "src"), 0o755))
	check(os.WriteFile(filepath.Join(work, "src", "a.go"), []byte("package a // foo\n"), 0o644))

	hookReq := []byte(`{"session_id":"s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"cd src && grep -rn \"foo\" . | head -20","description":"search"},"cwd":"` + work + `","permission_mode":"default"}`)

	// As agents really call it: a home whose Claude Code settings hold
	// guard's hook and permission rules, a project of 2,000 files that the
	// grep -r walks for secret files.
	agentHome := filepath.Join(tmp, "agenthome")
	project := filepath.Join(tmp, "project")
	settings := `{"permissions":{"allow":["Bash(npm run test:*)","Bash(git status)"],"deny":["Bash(curl:*)","Read(./.env)"],"ask":["Bash(git push:*)"]},` +
		`"hooks":{"PreToolUse":[{"matcher":"Bash|Write|Edit|MultiEdit|NotebookEdit|Read|Grep|Glob","hooks":[{"type":"command","command":"` + guard + ` hook claude-code","timeout":30}]}]}}`
	for _, d := range []string{filepath.Join(agentHome, ".claude"), filepath.Join(project, ".claude")} {
		check(os.MkdirAll(d, 0o755))
		check(os.WriteFile(filepath.Join(d, "settings.json"), []byte(settings), 0o644))
	}
	for i := 0; i < 2000; i++ {
		f := filepath.Join(project, "src", fmt.Sprintf("d%d", i/50), fmt.Sprintf("f%d.go", i))
		check(os.MkdirAll(filepath.Dir(f), 0o755))
		check(os.WriteFile(f, []byte("package p\n"), 0o644))
	}
	projectReq := bytes.ReplaceAll(hookReq, []byte(`"cwd":"`+work+`"`), []byte(`"cwd":"`+project+`"`))

	pairs := []*pair{
		{name: "hook claude-code, settings with rules, 2,000-file project", guard: []string{guard, "hook", "claude-code"}, floor: []string{floor, "true"},
			stdin: projectReq, env: []string{"CLAUDE_PROJECT_DIR=" + project, "HOME=" + agentHome}, dir: project},
		{name: "hook claude-code (typical agent string)", guard: []string{guard, "hook", "claude-code"}, floor: []string{floor, "true"}, stdin: hookReq, target: 1.20,
			env: []string{"CLAUDE_PROJECT_DIR=" + work}},
		{name: "guard sh -c 'ls | wc -l'", guard: []string{guard, "sh", "-c", "ls | wc -l"}, floor: []string{floor, "/bin/sh", "-c", "ls | wc -l"}, target: 1.20},
		{name: "guard -- bash -c 'ls'", guard: []string{guard, "--", "bash", "-c", "ls"}, floor: []string{floor, "bash", "-c", "ls"}, target: 1.20},
		{name: "exec-only program linked with guard's libraries, pwd", guard: []string{libs, "pwd"}, floor: []string{floor, "pwd"}},
		{name: "guard --mode suggest -- pwd", guard: []string{guard, "--mode", "suggest", "--", "pwd"}, floor: []string{floor, "pwd"}, target: 1.15},
		{name: "shim: ls", guard: []string{filepath.Join(shims, "ls")}, floor: []string{floor, "ls"}, target: 1.12},
		{name: "guard --mode full-auto -- pwd", guard: []string{guard, "--mode", "full-auto", "--", "pwd"}, floor: []string{floor, "pwd"}, target: 1.25},
		{name: "auto-edit -- touch (writes confined)", guard: []string{guard, "--mode", "auto-edit", "--", "touch", "made.txt"},
			floor: []string{floor, "touch", "made.txt"}},
		{name: "guard check ls -l", guard: []string{guard, "check", "ls", "-l"}, floor: []string{floor, "true"}},
	}
	for _, n := range []int{1000, 10000} {
		dir := filepath.Join(tmp, fmt.Sprintf("rules%d", n))
		check(os.MkdirAll(filepath.Join(dir, "guard"), 0o755))
		var b bytes.Buffer
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "prefix_rule(pattern=[\"tool%d\", \"run\"], decision=\"allow\")\n", i)
		}
		check(os.WriteFile(filepath.Join(dir, "guard", "user.policy"), b.Bytes(), 0o644))
		target := 1.3
		if n > 1000 {
			target = 2
		}
		pairs = append(pairs, &pair{name: fmt.Sprintf("suggest -- pwd, %d remembered rules", n),
			guard: []string{guard, "--mode", "suggest", "--", "pwd"}, floor: []string{floor, "pwd"},
			env: []string{"XDG_CONFIG_HOME=" + dir, "XDG_CACHE_HOME=" + filepath.Join(dir, "cache")}, target: target})
	}
	// Many writable roots: inside /tmp (a root already, so nested) and apart,
	// in a directory outside every other root, where each is a rule of its own
	// (and, as root, a mount copy of its own).
	apart, err := os.MkdirTemp("/var/tmp", "guard-bench-roots-")
	check(err)
	defer os.RemoveAll(apart)
	for _, where := range []struct{ name, dir string }{{"nested in /tmp", filepath.Join(tmp, "roots")}, {"apart", apart}} {
		for _, n := range []int{1, 10, 100, 300} {
			args := []string{guard, "--mode", "full-auto"}
			for i := 0; i < n; i++ {
				root := filepath.Join(where.dir, fmt.Sprint(i))
				check(os.MkdirAll(root, 0o755))
				args = append(args, "--writable-root", root)
			}
			target := 0.0
			if n == 300 {
				target = 2
			}
			pairs = append(pairs, &pair{name: fmt.Sprintf("full-auto -- pwd, %d roots %s", n, where.name),
				guard: append(args, "--", "pwd"), floor: []string{floor, "pwd"}, target: target})
		}
	}
	// The default protected and secret lists with something to protect: a
	// repository (hooks, config, .env) and a home with credentials, as root and
	// as an ordinary user (whose read-only binds take a child in a user
	// namespace), with bwrap in the same run. Laid out as on a workstation:
	// the repository (the working directory, a root) and the home (with
	// guard's state) apart, outside /tmp; and, to show what it costs, all of
	// it inside /tmp, a root, where the home's protected files and guard's own
	// state are in a root too (each a read-only bind, each directory above
	// one pinned).
	lists, err := os.MkdirTemp("/var/tmp", "guard-bench-lists-")
	check(err)
	defer os.RemoveAll(lists)
	for _, base := range []string{lists, tmp} {
		for name, content := range map[string]string{
			"repo/.git/HEAD": "ref: refs/heads/main\n", "repo/.git/config": "[core]\n\tbare = false\n", "repo/.git/hooks/pre-commit.sample": "",
			"repo/.git/objects/.keep": "", "repo/.git/refs/heads/.keep": "", "repo/.env": "K=1\n", "repo/main.go": "package main\n",
			"repo/.vscode/settings.json": "{}\n", "home/.ssh/id_ed25519": "k", "home/.aws/credentials": "k", "home/.npmrc": "k",
			"home/.config/gh/hosts.yml": "k", "home/.bashrc": "",
		} {
			p := filepath.Join(base, name)
			check(os.MkdirAll(filepath.Dir(p), 0o755))
			check(os.WriteFile(p, []byte(content), 0o644))
		}
		check(os.Chmod(base, 0o755))
	}
	nobody := &syscall.Credential{Uid: 65534, Gid: 65534}
	for _, base := range []string{lists, tmp} {
		for _, cred := range []*syscall.Credential{nil, nobody} {
			who := "root"
			if cred != nil {
				if os.Geteuid() != 0 {
					continue
				}
				who = "nobody"
			} else if os.Geteuid() != 0 {
				who = "this user"
			}
			// Each user its own state directory: root's audit log is not nobody's
			// to append to (a warning on every run would be measured).
			// Both outside the home the users share: what root's runs make
			// there would be, to nobody's look after its command, new
			// directories it cannot read, made by another user moments ago.
			state := filepath.Join(base, "state-"+strings.ReplaceAll(who, " ", "-"))
			check(os.MkdirAll(state, 0o777))
			check(os.Chmod(state, 0o777))
			// And its own cache directory, as a user has: guard keeps its plan
			// cache only in a directory of the user's own.
			cache := filepath.Join(base, "cache-"+strings.ReplaceAll(who, " ", "-"))
			check(os.MkdirAll(cache, 0o700))
			if cred != nil {
				check(os.Chown(cache, int(cred.Uid), int(cred.Gid)))
			}
			name, target := "full-auto -- pwd, repo + home lists, "+who, 1.35
			if base == tmp {
				name, target = "full-auto -- pwd, repo + home lists in /tmp (a root), "+who, 0
			}
			pairs = append(pairs, &pair{name: name,
				guard: []string{guard, "--mode", "full-auto", "--", "pwd"}, floor: []string{floor, "pwd"},
				env: []string{"HOME=" + filepath.Join(base, "home"), "XDG_STATE_HOME=" + state, "XDG_CACHE_HOME=" + cache}, cred: cred,
				dir: filepath.Join(base, "repo"), target: target})
		}
	}
	words := make([]string, 100000)
	for i := range words {
		words[i] = "w"
	}
	pairs = append(pairs, &pair{name: "check echo with 100,000 words",
		guard: append([]string{guard, "check", "echo"}, words...), floor: append([]string{floor, "echo"}, words...)})

	if bwrap, err := exec.LookPath("bwrap"); err == nil {
		p := &pair{name: "bwrap --ro-bind / / --dev /dev --proc /proc pwd",
			guard: []string{bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "pwd"}, floor: []string{floor, "pwd"}}
		if exec.Command(p.guard[0], p.guard[1:]...).Run() == nil {
			pairs = append(pairs, p)
		} else {
			fmt.Println("(bwrap is installed but cannot run here; left out)")
		}
		if os.Geteuid() == 0 {
			q := &pair{name: "bwrap --unshare-all ... pwd, nobody", guard: []string{bwrap, "--unshare-all", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "pwd"},
				floor: []string{floor, "pwd"}, cred: &syscall.Credential{Uid: 65534, Gid: 65534}, dir: filepath.Join(lists, "repo")}
			if _, _, err := once(q.guard, nil, os.Environ(), q.dir, q.cred); err == nil {
				pairs = append(pairs, q)
			} else {
				fmt.Println("(bwrap cannot run as nobody here; left out)")
			}
		}
	} else {
		fmt.Println("(bwrap not installed: apt-get install bubblewrap to compare)")
	}
	if *only != "" {
		var kept []*pair
		for _, p := range pairs {
			if strings.Contains(p.name, *only) {
				kept = append(kept, p)
			}
		}
		pairs = kept
	}
	if *base != "" {
		dir := filepath.Join(bin, "base")
		check(os.Mkdir(dir, 0o755))
		b, err := filepath.Abs(*base)
		check(err)
		b = copyEvicted(b, dir)
		var twinned []*pair
		for _, p := range pairs {
			if p.guard[0] == guard {
				q := *p
				q.name = "base: " + p.name
				q.guard = append([]string{b}, p.guard[1:]...)
				// A cache directory of its own: guard's policy cache keeps
				// the version that wrote an entry, and two versions sharing
				// one would each write it over for the other (1,000 rules
				// read 6x the floor for both).
				cache := filepath.Join(tmp, "cache")
				for _, e := range p.env {
					if v, ok := strings.CutPrefix(e, "XDG_CACHE_HOME="); ok {
						cache = v
					}
				}
				cache += "-base"
				check(os.MkdirAll(cache, 0o755))
				if p.cred != nil {
					check(os.Chown(cache, int(p.cred.Uid), int(p.cred.Gid)))
				}
				q.env = append(slices.Clone(p.env), "XDG_CACHE_HOME="+cache)
				twinned = append(twinned, &q)
			}
			twinned = append(twinned, p)
		}
		pairs = twinned
	}

	env := append(os.Environ(), "XDG_CONFIG_HOME="+filepath.Join(tmp, "config"), "XDG_CACHE_HOME="+filepath.Join(tmp, "cache"),
		"XDG_STATE_HOME="+filepath.Join(tmp, "state"), "GUARD_CONFIG=", "GUARD_AUDIT_LOG=", "GUARD_MODE=")
	for _, p := range pairs {
		for _, argv := range [][]string{p.floor, p.guard} {
			out, _, err := once(argv, p.stdin, append(env, p.env...), p.workDir(work), p.cred)
			if err != nil {
				if len(out) > 2000 {
					out = append(out[:2000], "..."...)
				}
				fmt.Fprintf(os.Stderr, "%s: %s: %v\n%s\n", p.name, argv[0], err, out)
				os.Exit(1)
			}
		}
	}
	for i := 0; i < *runs; i++ {
		for _, p := range pairs {
			_, f, err := once(p.floor, p.stdin, env, p.workDir(work), p.cred)
			check(err)
			_, g, err := once(p.guard, p.stdin, append(env, p.env...), p.workDir(work), p.cred)
			check(err)
			p.ratios = append(p.ratios, float64(g.wall)/float64(f.wall))
		}
	}
	timeCmd, timeErr := exec.LookPath("/usr/bin/time")
	for _, p := range pairs {
		for i := 0; i < 5 && timeErr == nil; i++ {
			out, _, err := once(append([]string{timeCmd, "-f", "maxrss=%M"}, p.guard...), p.stdin, append(env, p.env...), p.workDir(work), p.cred)
			check(err)
			_, kib, _ := strings.Cut(string(out[bytes.LastIndex(out, []byte("maxrss=")):]), "=")
			n, err := strconv.ParseInt(strings.TrimSpace(kib), 10, 64)
			check(err)
			p.maxRSS = max(p.maxRSS, n)
		}
	}
	host, _ := os.Hostname()
	fmt.Printf("%s, %s, %d runs each, interleaved; ratio = median of guard/floor pairs [p10-p90]\n",
		time.Now().Format("2006-01-02"), host, *runs)
	if timeErr != nil {
		fmt.Println("(GNU time not installed: apt-get install time to measure peak RSS)")
	}
	fmt.Printf("%-44s %7s %15s %9s  %s\n", "command", "ratio", "spread", "peak RSS", "target")
	for _, p := range pairs {
		sort.Float64s(p.ratios)
		r := p.ratios[len(p.ratios)/2]
		target := ""
		if p.target > 0 {
			verdict := "met"
			if r > p.target {
				verdict = "MISSED"
			}
			target = fmt.Sprintf("<= %.2fx %s", p.target, verdict)
		}
		rss := "n/a"
		if p.maxRSS > 0 {
			rss = fmt.Sprintf("%.1f MB", float64(p.maxRSS)/1024)
		}
		fmt.Printf("%-44s %6.2fx %6.2fx-%5.2fx %9s  %s\n", p.name, r,
			p.ratios[len(p.ratios)/10], p.ratios[len(p.ratios)*9/10], rss, target)
	}
}

func (p *pair) workDir(work string) string {
	if p.dir != "" {
		return p.dir
	}
	return work
}

type timing struct {
	wall time.Duration
}

// once runs argv with stdin in dir and returns its combined output (for
// errors), its wall time and its peak RSS. A guard refusal is an error:
// every command here must run.
func once(argv []string, stdin []byte, env []string, dir string, cred *syscall.Credential) ([]byte, timing, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	cmd.Env = env
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	t := timing{wall: time.Since(start)}
	return out.Bytes(), t, err
}

// copyEvicted copies the executable src into dir and drops the copy from the
// page cache; it returns the copy's path.
func copyEvicted(src, dir string) string {
	b, err := os.ReadFile(src)
	check(err)
	dst := filepath.Join(dir, filepath.Base(src))
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	check(err)
	_, err = f.Write(b)
	check(err)
	check(f.Sync()) // dirty pages cannot be dropped
	check(evict(f))
	check(f.Close())
	return dst
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchproc:", err)
		os.Exit(1)
	}
}
