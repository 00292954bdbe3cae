package policy

import (
	"archive/zip"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"guard/internal/safefile"
)

// A tar archive holds its members' contents as they are, so `cat
// backup.tar`, `strings backup.tar` or `grep -a KEY backup.tar` print a
// member named .env or .aws/credentials whole; gzip and bzip2 streams (zcat,
// bzcat, zgrep) print it once decompressed, and a gzip stream of one file
// names it in its header (gzip keeps the original name); a zip's stored
// members are there as they are too. archiveSecret
// lists those names and checks them against the secret list, as unzip -p's
// central directory is (hidden.go). xz, zstd and lzip streams are not
// looked into (no reader in Go's standard library): a limit.

// archiveRead says which secret a command that prints its files (r, for
// argv run in cwd) prints from inside an archive, or "": nothing for the
// archive listers (tar -t, unzip -l...), which print names only.
func archiveRead(r *Result, argv []string, cwd string) string {
	if r.Exec == nil || archiveLister(argv) || metadataOnly(r.Exec.Program) || filepath.Base(r.Exec.Program) == "unzip" {
		return "" // unzip -p prints the members it names: unzipPrinted (hidden.go) checks those
	}
	var seen map[string]bool
	for _, f := range r.Reads() {
		if seen[f] {
			continue
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[f] = true
		if why := archiveWord(f, cwd); why != "" {
			return why
		}
	}
	return ""
}

// archiveWordMemo holds archiveWord's answers in a judgement (resetGlobBudget
// clears it): a glob over thousands of files, repeated in a script, is
// looked at once.
var archiveWordMemo sync.Map

// archiveWord is archiveRead's answer for one word read (a glob: each file
// it names) in directory cwd.
func archiveWord(f, cwd string) string { return memoInDir(&archiveWordMemo, f, cwd, archiveWordOnce) }

func archiveWordOnce(f, cwd string) string {
	why := ""
	paths := []string{absolute(homeWord(f), cwd)}
	if strings.ContainsAny(f, "*?[") {
		var ok bool
		if paths, ok = shellGlob(globAbsolute(homeWord(f), cwd)); !ok {
			why = "reads " + f + ", a glob guard cannot expand (too many files, or not as the shell does)"
		}
	}
	for _, p := range paths {
		if why != "" {
			break
		}
		// One stat (through links) before anything else: most words
		// name no archive, or nothing at all.
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() || fi.Size() < 10 {
			continue
		}
		if w := archiveFile(Resolve(p, "/")); w != "" {
			why = "reads " + f + ": " + w
		}
	}
	return why
}

// archiveMemo holds archiveFile's answers in a judgement (cleared with the
// token scan's budget, which the decompression shares).
var archiveMemo sync.Map

// archiveFile is archiveSecret for the regular file at abs.
func archiveFile(abs string) string {
	if kernelFile(abs) {
		return ""
	}
	fi, err := os.Stat(abs)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() < 10 {
		return ""
	}
	key := tokenKey{abs, fi.Size(), fi.ModTime().UnixNano()}
	if why, ok := archiveMemo.Load(key); ok {
		return why.(string)
	}
	why := ""
	if head, err := safefile.ReadHead(abs, 1024); err == nil {
		why = archiveSecret(abs, head)
	}
	archiveMemo.Store(key, why)
	return why
}

// Bounds of the look into an archive: members, and bytes decompressed.
const (
	maxArchiveMembers = 10000
	maxArchiveBytes   = 64 << 20
)

// archiveSecret says which secret the archive at abs holds (its head is
// head), or "". An archive too large to list whole counts as holding one.
func archiveSecret(abs string, head []byte) string {
	switch {
	case isTar(head):
		f, _, err := safefile.Open(abs)
		if err != nil {
			return ""
		}
		defer f.Close()
		return tarSecret(f, nil)
	case len(head) > 10 && head[0] == 0x1f && head[1] == 0x8b:
		if name := gzipName(head); name != "" {
			if why := memberSecret(name); why != "" {
				return why
			}
		}
		return streamSecret(abs, func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) })
	case len(head) > 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h':
		return streamSecret(abs, func(r io.Reader) (io.Reader, error) { return bzip2.NewReader(r), nil })
	case len(head) > 4 && bytes.HasPrefix(head, []byte("PK\x03\x04")):
		// A zip's stored members are there as they are (cat), and zcat
		// decompresses its first one.
		zr, err := zip.OpenReader(abs)
		if err != nil {
			return ""
		}
		defer zr.Close()
		for i, f := range zr.File {
			if i >= maxArchiveMembers {
				return "an archive of more than " + strconv.Itoa(maxArchiveMembers) + " members, too many to check for secrets"
			}
			if why := memberSecret(f.Name); why != "" {
				return why
			}
		}
	}
	return ""
}

// isTar reports whether b starts with a tar header (POSIX or GNU magic).
func isTar(b []byte) bool {
	return len(b) >= 512 && (bytes.Equal(b[257:262], []byte("ustar")))
}

// streamSecret decompresses the file at abs and, when it holds a tar
// archive, checks its members.
func streamSecret(abs string, open func(io.Reader) (io.Reader, error)) string {
	f, _, err := safefile.Open(abs)
	if err != nil {
		return ""
	}
	defer f.Close()
	r, err := open(f)
	if err != nil {
		return ""
	}
	// The bytes decompressed count against the judgement's scan budget.
	budget := min(int64(maxArchiveBytes), max(0, maxTokenScanTotal-tokenScanned.Load()))
	lr := &io.LimitedReader{R: r, N: budget}
	defer func() { tokenScanned.Add(budget - lr.N) }()
	head := make([]byte, 512)
	n, _ := io.ReadFull(lr, head)
	if !isTar(head[:n]) {
		return ""
	}
	return tarSecret(io.MultiReader(bytes.NewReader(head[:n]), lr), lr)
}

// tarSecret walks a tar stream's headers and returns why a member is a
// secret, or "". lr, when set, is the bound on the decompressed stream: a
// walk it cuts short counts as an archive too large to check.
func tarSecret(r io.Reader, lr *io.LimitedReader) string {
	tr := &tarNames{r: r}
	for i := 0; ; i++ {
		name, err := tr.next()
		if err != nil {
			if lr != nil && lr.N <= 0 {
				return "an archive too large to check for secrets (past the judgement's " + strconv.Itoa(maxTokenScanTotal>>20) +
					" MiB or the archive's " + strconv.Itoa(maxArchiveBytes>>20) + " MiB)"
			}
			return "" // its end, or no more that tar would read either
		}
		if i >= maxArchiveMembers {
			return "an archive of more than " + strconv.Itoa(maxArchiveMembers) + " members, too many to check for secrets"
		}
		if why := memberSecret(name); why != "" {
			return why
		}
	}
}

// memberSecret says why a member named name is a secret, or "".
func memberSecret(name string) string {
	if e := secretFolded(secrets(), "/archive-member/"+name, home()); e != nil {
		return "an archive whose member " + name + " is a secret (" + e.Reason + ")"
	}
	return ""
}

// gzipName returns the original file name a gzip header carries (FNAME),
// or "".
func gzipName(b []byte) string {
	if len(b) < 10 || b[3]&0x08 == 0 {
		return ""
	}
	i := 10
	if b[3]&0x04 != 0 { // FEXTRA
		if len(b) < 12 {
			return ""
		}
		i += 2 + (int(b[10]) | int(b[11])<<8)
	}
	if i >= len(b) {
		return ""
	}
	end := bytes.IndexByte(b[i:], 0)
	if end < 0 {
		return ""
	}
	return string(b[i : i+end])
}
