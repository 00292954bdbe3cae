package policy

import (
	"archive/zip"
	"compress/bzip2"
	"compress/gzip"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"guard/internal/safefile"
)

// Unpacking an archive into the project (tar -x, unzip, gunzip) writes
// files the command line does not name: the archive's members. The rules
// (default.policy) type the archive and the destination (-C, -d) as
// written, which makes such a command a writer that auto-edit runs only
// inside the roots; the judge reads the member names and adds the paths
// they land at to the command's writes (extractedPaths), so that a member
// that is a protected path (.envrc, .vscode/tasks.json, .git/hooks/x) or
// lands outside the roots is asked about as that write would be. A member
// the judge cannot place makes the command unverified (extractWhy): an
// absolute name or one through "..", a link, hard link, device or FIFO
// (a later member could be written through a link), an archive it cannot
// read whole (xz, zstd, an encrypted or damaged one, more than
// maxArchiveMembers members or maxArchiveBytes decompressed), or a
// gunzip input without a suffix it strips. Limits: the names are read
// when guard judges; an archive that changes before the command runs is
// not seen again (the same holds for every file guard reads to judge).

// extraction is what unpacking one archive writes.
type extraction struct {
	members []string // slash-separated relative paths
	why     string   // why the members cannot be placed, or ""
}

// extractMemo holds members' answers in a judgement (cleared with the
// token scan's budget, as archiveMemo is).
var extractMemo sync.Map

// unpacker returns the program and its archive, destination and kind for
// a matched unpacking command, or ok false.
func unpacker(r *Result) (prog, archive, dest string, ok bool) {
	if r.Exec == nil {
		return "", "", "", false
	}
	prog = filepath.Base(r.Exec.Program)
	switch prog {
	case "tar":
		x := false
		for _, f := range r.Exec.Flags {
			if f.Name == "-O" || f.Name == "--to-stdout" || len(f.Name) > 1 && f.Name[0] == '-' && f.Name[1] != '-' && strings.ContainsRune(f.Name, 'O') {
				return "", "", "", false // printed to standard output: nothing lands on disk
			}
			x = x || f.Name == "-x" || f.Name == "--extract" || f.Name == "--get" ||
				len(f.Name) > 1 && f.Name[0] == '-' && f.Name[1] != '-' && strings.ContainsRune(f.Name, 'x')
		}
		for _, a := range r.Exec.Args {
			if a.Type.Kind == TypeLiteral && strings.ContainsRune(a.Value, 'x') && !strings.HasPrefix(a.Value, "-") {
				x = true // the old form: xzf
			}
		}
		if !x {
			return "", "", "", false
		}
		for _, o := range r.Exec.Opts {
			switch o.Name {
			case "-f", "--file":
				archive = o.Value
			case "-C", "--directory":
				dest = o.Value
			}
		}
		if archive == "" {
			for _, a := range r.Exec.Args {
				if a.Type.Kind == TypeWriteableFile {
					archive = a.Value
					break
				}
			}
		}
	case "unzip":
		for _, a := range r.Exec.Args {
			if a.Type.Kind == TypeWriteableFile {
				archive = a.Value
				break
			}
		}
		for _, o := range r.Exec.Opts {
			if o.Name == "-d" {
				dest = o.Value
			}
		}
	case "gunzip", "gzip", "pigz", "unpigz", "bunzip2", "bzip2", "unxz", "xz":
		decompress := prog == "gunzip" || prog == "unpigz" || prog == "bunzip2" || prog == "unxz"
		for _, f := range r.Exec.Flags {
			decompress = decompress || f.Name == "-d" || f.Name == "--decompress" ||
				len(f.Name) > 1 && f.Name[0] == '-' && f.Name[1] != '-' && strings.ContainsRune(f.Name, 'd')
		}
		if !decompress {
			return "", "", "", false
		}
		return prog, "", "", true
	default:
		return "", "", "", false
	}
	return prog, archive, dest, archive != ""
}

// decompressedName returns the name a decompressor writes for file, or "".
func decompressedName(prog, file string) string {
	base := filepath.Base(file)
	var sufs [][2]string
	switch prog {
	case "bunzip2", "bzip2":
		sufs = [][2]string{{".bz2", ""}, {".bz", ""}, {".tbz2", ".tar"}, {".tbz", ".tar"}}
	case "unxz", "xz":
		sufs = [][2]string{{".xz", ""}, {".txz", ".tar"}}
	default:
		sufs = [][2]string{{".gz", ""}, {".tgz", ".tar"}, {".taz", ".tar"}, {".z", ""}, {"-gz", ""}, {"-z", ""}, {"_z", ""}}
	}
	for _, s := range sufs {
		if len(base) > len(s[0]) && strings.HasSuffix(strings.ToLower(base), s[0]) {
			return filepath.Join(filepath.Dir(file), base[:len(base)-len(s[0])]+s[1])
		}
	}
	return ""
}

// extractedPaths returns the paths an unpacking command (r, run in dir)
// writes besides the words its rule types as written, absolute; nil for
// any other command, or when the members cannot be placed (extractWhy
// then says why).
func extractedPaths(r *Result, dir string) []string {
	prog, archive, dest, ok := unpacker(r)
	if !ok {
		return nil
	}
	if archive == "" { // gunzip and friends: each file's name without its suffix
		var out []string
		for _, a := range r.Exec.Args {
			if a.Type.Kind == TypeWriteableFile {
				if n := decompressedName(prog, a.Value); n != "" {
					out = append(out, absolute(homeWord(n), dir))
				}
			}
		}
		return out
	}
	x := members(prog, absolute(homeWord(archive), dir))
	if x.why != "" {
		return nil
	}
	base := dir
	if dest != "" {
		base = absolute(homeWord(dest), dir)
	}
	out := make([]string, 0, len(x.members))
	for _, m := range x.members {
		out = append(out, filepath.Join(base, filepath.FromSlash(m)))
	}
	return out
}

// extractWhy says why an unpacking command's writes cannot be known, or "".
func extractWhy(r *Result, cwd string) string {
	prog, archive, _, ok := unpacker(r)
	if !ok {
		return ""
	}
	if archive == "" {
		for _, a := range r.Exec.Args {
			if a.Type.Kind == TypeWriteableFile && decompressedName(prog, a.Value) == "" {
				return prog + " -d " + a.Value + ": a name without a suffix it strips (it would not say where it writes)"
			}
		}
		return ""
	}
	if x := members(prog, absolute(homeWord(archive), cwd)); x.why != "" {
		return prog + " unpacks " + archive + ": " + x.why
	}
	return ""
}

// members reads the member names of the archive at abs (memoized by its
// size and time).
func members(prog, abs string) extraction {
	fi, err := os.Stat(abs)
	if err != nil || !fi.Mode().IsRegular() {
		return extraction{why: "the archive is not a regular file guard can read"}
	}
	key := tokenKey{abs + "\x00" + prog, fi.Size(), fi.ModTime().UnixNano()}
	if x, ok := extractMemo.Load(key); ok {
		return x.(extraction)
	}
	x := readMembers(prog, abs)
	extractMemo.Store(key, x)
	return x
}

func readMembers(prog, abs string) extraction {
	head, err := safefile.ReadHead(abs, 1024)
	if err != nil {
		return extraction{why: "the archive cannot be read"}
	}
	if prog == "unzip" {
		if len(head) < 4 || string(head[:4]) != "PK\x03\x04" {
			return extraction{why: "not a zip archive guard can list"}
		}
		zr, err := zip.OpenReader(abs)
		if err != nil {
			return extraction{why: "a zip archive guard cannot list: " + err.Error()}
		}
		defer zr.Close()
		var x extraction
		for i, f := range zr.File {
			if i >= maxArchiveMembers {
				return extraction{why: "more than " + strconv.Itoa(maxArchiveMembers) + " members"}
			}
			if f.Mode()&(os.ModeSymlink|os.ModeDevice|os.ModeNamedPipe|os.ModeSocket) != 0 {
				return extraction{why: "its member " + f.Name + " is a link or a device"}
			}
			if f.Flags&0x1 != 0 {
				return extraction{why: "an encrypted member (unzip asks for a password)"}
			}
			m, why := memberPath(f.Name)
			if why != "" {
				return extraction{why: why}
			}
			x.members = append(x.members, m)
		}
		return x
	}
	f, _, err := safefile.Open(abs)
	if err != nil {
		return extraction{why: "the archive cannot be read"}
	}
	defer f.Close()
	var r io.Reader = f
	switch {
	case isTar(head):
	case len(head) > 3 && head[0] == 0x1f && head[1] == 0x8b:
		gr, err := gzip.NewReader(f)
		if err != nil {
			return extraction{why: "a gzip stream guard cannot read"}
		}
		r = gr
	case len(head) > 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h':
		r = bzip2.NewReader(f)
	default:
		return extraction{why: "not a tar archive guard can list (xz, zstd and lzip are not read)"}
	}
	lr := &io.LimitedReader{R: r, N: maxArchiveBytes}
	t := &tarNames{r: lr}
	var x extraction
	for i := 0; ; i++ {
		name, err := t.next()
		if err == io.EOF && lr.N > 0 {
			return x
		}
		if err != nil {
			return extraction{why: "an archive guard cannot list whole (damaged, or past " + strconv.Itoa(maxArchiveBytes>>20) + " MiB)"}
		}
		if i >= maxArchiveMembers {
			return extraction{why: "more than " + strconv.Itoa(maxArchiveMembers) + " members"}
		}
		// The member's own header is in t.buf (a GNU sparse member's
		// extension blocks overwrite it: its type then reads as another,
		// which is refused).
		switch typ := t.buf[156]; typ {
		case 0, '0', '5', '7':
		default:
			return extraction{why: "its member " + name + " is a link, a device or a FIFO (type " + strconv.Quote(string(typ)) + ")"}
		}
		m, why := memberPath(name)
		if why != "" {
			return extraction{why: why}
		}
		x.members = append(x.members, m)
	}
}

// memberPath returns a member's name as a clean relative path, or why it
// cannot be placed.
func memberPath(name string) (string, string) {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.ContainsRune(name, 0) {
		return "", "its member " + strconv.Quote(name) + " has an absolute or unusual name"
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", "its member " + strconv.Quote(name) + " reaches out through .."
		}
	}
	m := path.Clean(name)
	if m == "." {
		return ".", ""
	}
	return m, ""
}
