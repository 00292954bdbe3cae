package policy

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// namesByArchiveTar lists a tar stream's member names with the standard
// library, the reference tarNames is compared with.
func namesByArchiveTar(b []byte) []string {
	var names []string
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err != nil {
			return names
		}
		names = append(names, h.Name)
	}
}

func namesByTarNames(b []byte) []string {
	var names []string
	t := &tarNames{r: bytes.NewReader(b)}
	for {
		n, err := t.next()
		if err != nil {
			return names
		}
		names = append(names, n)
	}
}

// TestTarNamesAsArchiveTar: guard's own tar header reader lists the same
// member names as archive/tar, for archives written by archive/tar in each
// format and by GNU tar in each of its formats (long names, deep prefixes,
// links, directories, FIFOs, sparse files, members after large ones).
func TestTarNamesAsArchiveTar(t *testing.T) {
	long := strings.Repeat("d/", 70) + ".env"
	members := []*tar.Header{
		{Name: "a.txt", Typeflag: tar.TypeReg, Size: 3, Mode: 0o644},
		{Name: "dir/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "dir/link", Typeflag: tar.TypeSymlink, Linkname: "../a.txt", Mode: 0o777},
		{Name: "big.bin", Typeflag: tar.TypeReg, Size: 5000, Mode: 0o644},
		{Name: long, Typeflag: tar.TypeReg, Size: 10, Mode: 0o600},
		{Name: "pfx/" + strings.Repeat("p", 120) + "/id_ed25519", Typeflag: tar.TypeReg, Size: 1, Mode: 0o600},
		{Name: "fifo", Typeflag: tar.TypeFifo, Mode: 0o644},
		{Name: "hard", Typeflag: tar.TypeLink, Linkname: "a.txt", Mode: 0o644},
		{Name: "ünïcode/.env.production", Typeflag: tar.TypeReg, Size: 2, Mode: 0o600},
	}
	for _, format := range []tar.Format{tar.FormatUnknown, tar.FormatPAX, tar.FormatGNU} {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for _, h := range members {
			h := *h
			h.Format = format
			if err := tw.WriteHeader(&h); err != nil {
				if format != tar.FormatUnknown {
					continue // a name this format cannot hold
				}
				t.Fatal(err)
			}
			tw.Write(bytes.Repeat([]byte("x"), int(h.Size)))
		}
		tw.Close()
		want, got := namesByArchiveTar(buf.Bytes()), namesByTarNames(buf.Bytes())
		if len(want) < 5 || !slices.Equal(got, want) {
			t.Errorf("format %v: tarNames and archive/tar differ:\n%s", format, nameDiff(got, want))
		}
	}

	gnutar, err := exec.LookPath("tar")
	if err != nil {
		t.Skip("no tar program here: the archives GNU tar writes are not compared")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	deep := filepath.Join(src, strings.Repeat("sub/", 40))
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(deep, ".env"), []byte("K=v\n"), 0o600)
	os.WriteFile(filepath.Join(src, "plain"), []byte("p\n"), 0o644)
	os.Symlink("plain", filepath.Join(src, "sym"))
	if f, err := os.Create(filepath.Join(src, "sparse")); err == nil {
		f.WriteAt([]byte("end"), 50<<20)
		f.Close()
	}
	os.WriteFile(filepath.Join(src, "zz-credentials"), []byte("c\n"), 0o600)
	for _, format := range []string{"gnu", "oldgnu", "posix", "ustar", "v7"} {
		out := filepath.Join(dir, format+".tar")
		args := []string{"--format=" + format, "-cf", out, "-C", src, "."}
		if format != "ustar" && format != "v7" {
			args = append([]string{"--sparse"}, args...)
		}
		cmd := exec.Command(gnutar, args...)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Logf("tar --format=%s (names it cannot hold are left out): %v %s", format, err, msg)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			continue
		}
		want, got := namesByArchiveTar(b), namesByTarNames(b)
		if len(want) < 3 || !slices.Equal(got, want) {
			t.Errorf("GNU tar --format=%s: tarNames and archive/tar differ:\n%s", format, nameDiff(got, want))
		}
	}
}

// TestTarNamesBadInput: a header with a wrong checksum ends the walk, as in
// tar; truncated, empty and huge-size input ends it without a panic.
func TestTarNamesBadInput(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "ok", Size: 1, Mode: 0o644})
	tw.Write([]byte("x"))
	tw.WriteHeader(&tar.Header{Name: ".env", Size: 1, Mode: 0o644})
	tw.Write([]byte("x"))
	tw.Close()
	good := buf.Bytes()
	if got := namesByTarNames(good); !slices.Equal(got, []string{"ok", ".env"}) {
		t.Fatalf("names %q", got)
	}
	bad := bytes.Clone(good)
	bad[1024+150] ^= 0x01 // the second header's checksum
	if got, want := namesByTarNames(bad), namesByArchiveTar(bad); !slices.Equal(got, want) || len(got) != 1 {
		t.Errorf("bad checksum: tarNames %q, archive/tar %q", got, want)
	}
	for _, b := range [][]byte{nil, good[:100], good[:512], good[:700]} {
		namesByTarNames(b)
	}
	_, err := (&tarNames{r: bytes.NewReader(make([]byte, 1024))}).next()
	if !errors.Is(err, io.EOF) {
		t.Errorf("zero blocks: %v, want EOF", err)
	}
}

// nameDiff shows where two name lists part, shortly.
func nameDiff(got, want []string) string {
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("member %d: tarNames %.80q, archive/tar %.80q (%d and %d names)", i, g, w, len(got), len(want))
		}
	}
	return "same"
}
