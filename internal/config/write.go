package config

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"guard/internal/safefile"
)

// WriteFileAtomic replaces path with data: it writes a temporary file in the
// same directory (created with perm, less the umask), syncs it, renames it over
// path and syncs the directory. Readers see the old content or the new, never
// a mix; on error path is untouched and the temporary file removed.
//
// If path is a symbolic link, the file it points to is replaced and the link
// kept (dotfile managers link config files). Written by root in another
// user's place, the file is that user's (Owner). If path exists and is not a
// regular file, WriteFileAtomic refuses.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	target, err := regularTarget(path)
	if err != nil {
		return err
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	uid, gid, chown := Owner(target)
	f, tmp, err := createTemp(dir, base, perm)
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if chown {
		if err := f.Chown(uid, gid); err != nil {
			return err
		}
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		done = true
		return err // *os.LinkError names the operation and both paths
	}
	done = true
	return syncDir(dir)
}

// WriteLinked writes data over the regular file at path in place when the
// file has other hard links, keeping them, and reports whether it did (false:
// no such file, or one name only; the caller renames a new file into place).
// For the files of others guard edits (an agent's settings): guard's own
// state must have one name (OneName).
// Not atomic: a reader may see part of it, and a write cut short (a full
// disk) leaves part of it, which is why callers keep a copy first where they
// can.
func WriteLinked(path string, data []byte) (bool, error) {
	fi, err := os.Lstat(path)
	if err != nil || !hardLinked(fi) {
		return false, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return true, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return true, fmt.Errorf("write %s: not a regular file", path)
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		return true, err
	}
	if err := f.Truncate(int64(len(data))); err != nil {
		return true, err
	}
	if err := f.Sync(); err != nil {
		return true, fmt.Errorf("fsync %s: %w", path, err)
	}
	return true, f.Close()
}

// regularTarget returns the file that writing path should replace: path
// itself, or where it links to; an error if that exists and is not a regular
// file.
func regularTarget(path string) (string, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, nil
	}
	if err != nil {
		return "", err
	}
	target := path
	if fi.Mode()&fs.ModeSymlink != 0 {
		if target, err = filepath.EvalSymlinks(path); err != nil {
			return "", fmt.Errorf("resolve symlink %s: %w", path, err)
		}
		if fi, err = os.Lstat(target); err != nil {
			return "", err
		}
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("write %s: not a regular file (%s)", target, fi.Mode().Type())
	}
	return target, nil
}

// createTemp creates a new file .BASE.tmp-RANDOM in dir with perm. Unlike
// os.CreateTemp, it honours perm (and the umask).
func createTemp(dir, base string, perm os.FileMode) (*os.File, string, error) {
	for range 100 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		return f, name, nil
	}
	return nil, "", fmt.Errorf("create temporary file in %s: too many collisions", dir)
}

// syncDir makes a rename in dir durable. File systems that cannot sync a
// directory (EINVAL) are tolerated.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}

// AppendPolicyRule appends rule (policy source text, typically one
// define_program or prefix_rule call) to the policy file at path, creating
// the file (0600) and its directories (0700) when missing. The file is
// rewritten with WriteFileAtomic, keeping its permissions; concurrent callers
// on one machine are serialised with a lock on the directory, so no rule is
// lost. A newline is added after the old content and after rule when missing.
func AppendPolicyRule(path string, rule string) error {
	return AppendPolicyRuleChecked(path, rule, nil)
}

// AppendPolicyRuleChecked is AppendPolicyRule with a check of the whole new
// content: check sees it before anything is written, and the file as read
// back after the write; when either fails, the old file is put back (or the
// new one removed) and the error returned. A rule guard writes can then
// never stop the policy from loading.
func AppendPolicyRuleChecked(path string, rule string, check func(data []byte) error) error {
	if path == "" {
		return errors.New("append policy rule: no policy file (HOME and XDG_CONFIG_HOME unset)")
	}
	if strings.TrimSpace(rule) == "" {
		return errors.New("append policy rule: empty rule")
	}
	dir := filepath.Dir(path)
	if err := MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("append policy rule: %w", err)
	}
	unlock, err := LockDir(dir)
	if err != nil {
		return fmt.Errorf("append policy rule: %w", err)
	}
	defer unlock()

	perm := os.FileMode(0o600)
	old, err := safefile.Read(path, 1<<20) // policy.MaxPolicyBytes; never waits on a FIFO
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("append policy rule: %w", err)
	default:
		if fi, err := os.Stat(path); err == nil {
			perm = fi.Mode().Perm()
		}
	}
	data := make([]byte, 0, len(old)+len(rule)+2)
	data = append(data, old...)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		data = append(data, '\n')
	}
	data = append(data, rule...)
	if rule[len(rule)-1] != '\n' {
		data = append(data, '\n')
	}
	if check != nil {
		if err := check(data); err != nil {
			return fmt.Errorf("append policy rule: the file would not load: %w", err)
		}
	}
	if err := WriteFileAtomic(path, data, perm); err != nil {
		return fmt.Errorf("append policy rule: %w", err)
	}
	if check == nil {
		return nil
	}
	back, err := os.ReadFile(path)
	if err == nil {
		err = check(back)
	}
	if err == nil {
		return nil
	}
	// Roll back: the file as it was, or no file.
	if old == nil {
		_ = os.Remove(path)
	} else if rerr := WriteFileAtomic(path, old, perm); rerr != nil {
		return fmt.Errorf("append policy rule: the file does not load (%w) and could not be restored: %v", err, rerr)
	}
	return fmt.Errorf("append policy rule: rolled back, the file did not load: %w", err)
}
