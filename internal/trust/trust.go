// Package trust decides whether a project's own guard configuration
// (.guard/config.toml and .guard/*.policy) may apply. The agent can write
// into the project, so these files take effect only after a person ran
// `guard trust` there, which records each file's SHA-256 in guard's
// configuration directory, outside every writable root (the model of
// direnv's allow and mise's trust). A file added, removed or changed since
// makes the whole directory untrusted until it is trusted again: it is never
// half-applied.
//
// Limits: the record says which bytes a person trusted, not that they read
// them. Files must be regular files directly in .guard (no symbolic links,
// no subdirectories), at most 1 MiB each; .guard itself may not be a
// symbolic link.
package trust

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"guard/internal/config"
	"guard/internal/safefile"
)

// Dir is the name of a project's guard directory.
const Dir = ".guard"

const maxFile = 1 << 20

// Errors of Check.
var (
	ErrUntrusted = errors.New("not trusted")
	ErrChanged   = errors.New("changed since it was trusted")
)

// File is one file of a project's .guard directory.
type File struct {
	Name string `json:"name"` // config.toml or NAME.policy
	Hash string `json:"sha256"`
	Data []byte `json:"-"`
}

// Record is one trusted project.
type Record struct {
	Project string    `json:"project"`
	Files   []File    `json:"files"`
	Time    time.Time `json:"time"`
}

// Store is the file of trusted projects.
type Store struct {
	Path string // $XDG_CONFIG_HOME/guard/trusted.json
}

// Find returns the nearest directory at or above start that holds a .guard
// directory (or symbolic link), resolved through symbolic links, or "".
func Find(start string) string {
	for d := filepath.Clean(start); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, Dir)); err == nil {
			if r, err := filepath.EvalSymlinks(d); err == nil {
				return r
			}
			return d
		}
		if d == "/" || d == "." {
			return ""
		}
	}
}

// notFollowed is the reason a link is refused: it could lead anywhere,
// and what a person reviewed would not be what guard applies.
func notFollowed(m fs.FileMode) string {
	if m&fs.ModeSymlink != 0 {
		return " (guard trust does not follow links: put the files themselves there)"
	}
	return ""
}

// Files reads the project's .guard files, sorted by name.
func Files(project string) ([]File, error) {
	dir := filepath.Join(project, Dir)
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no %s directory in %s: guard trust applies a project's %s/config.toml and %s/*.policy", Dir, project, Dir, Dir)
	}
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is %s, not a directory%s", dir, safefile.Kind(fi.Mode()), notFollowed(fi.Mode()))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []File
	for _, e := range entries {
		name := e.Name()
		if name != "config.toml" && !strings.HasSuffix(name, ".policy") {
			continue
		}
		p := filepath.Join(dir, name)
		if !e.Type().IsRegular() {
			return nil, fmt.Errorf("%s is %s, not a regular file%s", p, safefile.Kind(e.Type()), notFollowed(e.Type()))
		}
		data, err := safefile.ReadNoFollow(p, maxFile)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		files = append(files, File{Name: name, Hash: hex.EncodeToString(sum[:]), Data: data})
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s has no config.toml and no *.policy file", dir)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// List returns the trusted projects.
func (s Store) List() ([]Record, error) {
	if err := config.Own(s.Path); err != nil {
		return nil, err
	}
	data, err := safefile.ReadNoFollow(s.Path, maxFile)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, nil // none; also under a HOME or XDG_CONFIG_HOME that is a file, as config.toml
	}
	if err != nil {
		return nil, err
	}
	var recs []Record
	if err := json.Unmarshal(data, &recs); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	return recs, nil
}

// Check returns the project's files when they are exactly those trusted;
// else an error wrapping ErrUntrusted or ErrChanged.
func (s Store) Check(project string) ([]File, error) {
	recs, err := s.List()
	if err != nil {
		return nil, err
	}
	var rec *Record
	for i := range recs {
		if recs[i].Project == project {
			rec = &recs[i]
		}
	}
	if rec == nil {
		return nil, ErrUntrusted
	}
	files, err := Files(project)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrChanged, err)
	}
	if len(files) != len(rec.Files) {
		return nil, ErrChanged
	}
	for i := range files {
		if files[i].Name != rec.Files[i].Name || files[i].Hash != rec.Files[i].Hash {
			return nil, fmt.Errorf("%w: %s", ErrChanged, files[i].Name)
		}
	}
	return files, nil
}

// Trust records the project's current files.
func (s Store) Trust(project string) ([]File, error) {
	files, err := Files(project)
	if err != nil {
		return nil, err
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	recs, err := s.List()
	if err != nil {
		return nil, err
	}
	recs = without(recs, project)
	recs = append(recs, Record{Project: project, Files: files, Time: time.Now().UTC()})
	return files, s.save(recs)
}

// Revoke forgets the project; it reports whether it was trusted.
func (s Store) Revoke(project string) (bool, error) {
	unlock, err := s.lock()
	if err != nil {
		return false, err
	}
	defer unlock()
	recs, err := s.List()
	if err != nil {
		return false, err
	}
	kept := without(recs, project)
	if len(kept) == len(recs) {
		return false, nil
	}
	return true, s.save(kept)
}

// lock serializes the read, change and write of the store among guards (a
// person trusting two projects from two terminals): without it, the second
// write dropped the first's record.
func (s Store) lock() (func(), error) {
	dir := filepath.Dir(s.Path)
	if err := config.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return config.LockDir(dir)
}

// save replaces the store's file atomically.
func (s Store) save(recs []Record) error {
	sort.Slice(recs, func(i, j int) bool { return recs[i].Project < recs[j].Project })
	data, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	if err := config.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
		return err
	}
	return config.WriteFileAtomic(s.Path, append(data, '\n'), 0o600)
}

func without(recs []Record, project string) []Record {
	var out []Record
	for _, r := range recs {
		if r.Project != project {
			out = append(out, r)
		}
	}
	return out
}
