package policy

import (
	"os"
	"testing"
	"time"
)

// TestRootWalkReadsNoKernelFile: a walk of / names its entries with one
// slash (//proc/kmsg was no /proc/ path to the content checks, which read
// /proc/kmsg and waited for the kernel's next message: `rg --files / | xargs
// cat` held the judge for good), the content checks leave /proc, /sys and
// /dev alone however the path is spelled, and a file of size 0 is not read
// (links to /proc/kmsg in a project held `grep -r x .`).
func TestRootWalkReadsNoKernelFile(t *testing.T) {
	if _, err := os.Stat("/proc/kmsg"); err != nil || os.Geteuid() != 0 {
		t.Skip("needs root and /proc/kmsg (the file whose read waits)")
	}
	set := defaultSet(t)
	project := t.TempDir()
	for _, name := range []string{"lnk", ".npmrc", "application.yml", "x.go"} {
		if err := os.Symlink("/proc/kmsg", project+"/"+name); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan string, 1)
	go func() {
		for _, p := range []string{"//proc/kmsg", "/./proc/kmsg", "/proc/../proc/kmsg"} {
			if why := tokenSecret(p); why != "" {
				done <- "tokenSecret(" + p + ") = " + why
				return
			}
			if why := archiveFile(p); why != "" {
				done <- "archiveFile(" + p + ") = " + why
				return
			}
		}
		for _, src := range []string{"rg --files / | xargs cat", "find / -type f | xargs grep -l x", "grep -rl x / | xargs cat"} {
			if v := set.Judge([]string{"bash", "-c", src}, "/"); v.Class == Safe {
				done <- src + ": safe"
				return
			}
		}
		// Links to it in a project, under names the content checks read.
		for _, src := range []string{"grep -r x .", "rg x", "grep -rl x . | xargs cat", "find . -type f -exec cat {} +", "cat lnk"} {
			set.Judge([]string{"bash", "-c", src}, project)
		}
		done <- ""
	}()
	select {
	case bad := <-done:
		if bad != "" {
			t.Error(bad)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("judging a walk of / has not finished in two minutes: a read waits on a kernel file")
	}
	if got := entryPath("/", "proc"); got != "/proc" {
		t.Errorf("entryPath(/, proc) = %q, want /proc", got)
	}
}
