package patch

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		name  string
		text  string
		files []File
	}{
		{"add", "*** Begin Patch\n*** Add File: a.txt\n+one\n+two\n*** End Patch\n",
			[]File{{Op: Add, Path: "a.txt", Line: 2}}},
		{"add empty file", "*** Begin Patch\n*** Add File: empty\n*** End Patch",
			[]File{{Op: Add, Path: "empty", Line: 2}}},
		// Codex 0.171.0 drops a tab or carriage return in a header's path
		// (it wrote .vscode/t for "\t.vscode/t"), and keeps a blank.
		{"tabs in a path", "*** Begin Patch\n*** Add File: \t.vs\tcode/t\n+x\n*** Update File: .en\tvrc\n*** Move to: \t.git/config\n@@\n-a\n+b\n*** Delete File: \t x\n*** Add File: .git/hoo\rks/pre-commit\n+x\n*** End Patch",
			[]File{{Op: Add, Path: ".vscode/t", Line: 2}, {Op: Update, Path: ".envrc", MoveTo: ".git/config", Line: 4}, {Op: Delete, Path: " x", Line: 9}, {Op: Add, Path: ".git/hooks/pre-commit", Line: 10}}},
		{"delete", "*** Begin Patch\n*** Delete File: old.go\n*** End Patch",
			[]File{{Op: Delete, Path: "old.go", Line: 2}}},
		{"update with context", "*** Begin Patch\n*** Update File: m.go\n@@ func main()\n-\told()\n+\tnew()\n \treturn\n*** End Patch",
			[]File{{Op: Update, Path: "m.go", Line: 2}}},
		{"update without @@ first", "*** Begin Patch\n*** Update File: f.py\n import foo\n+bar\n*** End Patch",
			[]File{{Op: Update, Path: "f.py", Line: 2}}},
		{"update, two hunks, blank line and end of file", "*** Begin Patch\n*** Update File: f\n@@\n-a\n+b\n\n@@ x\n-c\n+d\n*** End of File\n*** End Patch",
			[]File{{Op: Update, Path: "f", Line: 2}}},
		{"empty context line", "*** Begin Patch\n*** Update File: f\n@@\n\n-a\n*** End Patch",
			[]File{{Op: Update, Path: "f", Line: 2}}},
		{"move", "*** Begin Patch\n*** Update File: src/a.rs\n*** Move to: src/b.rs\n@@\n-x\n+y\n*** End Patch",
			[]File{{Op: Update, Path: "src/a.rs", MoveTo: "src/b.rs", Line: 2}}},
		{"every kind", "*** Begin Patch\n*** Add File: p/add.py\n+abc\n*** Delete File: p/del.py\n*** Update File: p/up.py\n*** Move to: p/up2.py\n@@ def f():\n-    pass\n+    return 1\n*** Update File: q\n@@\n+x\n*** Add File: r\n+y\n*** End Patch",
			[]File{{Op: Add, Path: "p/add.py", Line: 2}, {Op: Delete, Path: "p/del.py", Line: 4},
				{Op: Update, Path: "p/up.py", MoveTo: "p/up2.py", Line: 5}, {Op: Update, Path: "q", Line: 10},
				{Op: Add, Path: "r", Line: 13}}},
		{"no files", "*** Begin Patch\n*** End Patch", nil},
		{"white space around the text and the markers", "\n\n  *** Begin Patch \n *** Add File: a\n+x\n\t*** End Patch  \n\n",
			[]File{{Op: Add, Path: "a", Line: 4}}},
		{"CRLF", "*** Begin Patch\r\n*** Add File: a\r\n+x\r\n*** End Patch\r\n",
			[]File{{Op: Add, Path: "a", Line: 2}}},
		{"here-document, quoted", "<<'EOF'\n*** Begin Patch\n*** Add File: h\n+x\n*** End Patch\nEOF\n",
			[]File{{Op: Add, Path: "h", Line: 3}}},
		{"here-document, plain", "<<EOF\n*** Begin Patch\n*** Delete File: h\n*** End Patch\nEOF",
			[]File{{Op: Delete, Path: "h", Line: 3}}},
		{"here-document, double-quoted", "<<\"EOF\"\n*** Begin Patch\n*** Delete File: h\n*** End Patch\nEOF",
			[]File{{Op: Delete, Path: "h", Line: 3}}},
		{"absolute and hostile paths kept as written", "*** Begin Patch\n*** Add File: /etc/cron.d/x\n+* * * * * root id\n*** Update File: ../../up\n*** Move to: ~/.bashrc\n@@\n+x\n*** Delete File: a/../../b\n*** End Patch",
			[]File{{Op: Add, Path: "/etc/cron.d/x", Line: 2}, {Op: Update, Path: "../../up", MoveTo: "~/.bashrc", Line: 4},
				{Op: Delete, Path: "a/../../b", Line: 8}}},
		{"a header inside an added line is content", "*** Begin Patch\n*** Update File: a\n@@\n+*** Add File: /etc/x\n*** End Patch",
			[]File{{Op: Update, Path: "a", Line: 2}}},
		{"indented header after an add is a header", "*** Begin Patch\n*** Add File: a\n+x\n  *** Add File: /etc/y\n+z\n*** End Patch",
			[]File{{Op: Add, Path: "a", Line: 2}, {Op: Add, Path: "/etc/y", Line: 4}}},
		{"indented move is a context line", "*** Begin Patch\n*** Update File: a\n *** Move to: /etc/z\n+x\n*** End Patch",
			[]File{{Op: Update, Path: "a", Line: 2}}},
		{"path with spaces inside", "*** Begin Patch\n*** Add File: my file.txt \n+x\n*** End Patch",
			[]File{{Op: Add, Path: "my file.txt", Line: 2}}},
		{"end marker twice", "*** Begin Patch\n*** Delete File: a\n*** End Patch\n\n*** End Patch\n",
			[]File{{Op: Delete, Path: "a", Line: 2}}},
		{"move drops trailing space", "*** Begin Patch\n*** Update File: a\n*** Move to: b \t\n@@\n+x\n*** End Patch",
			[]File{{Op: Update, Path: "a", MoveTo: "b", Line: 2}}},
		{"padded @@ and end of file", "*** Begin Patch\n*** Update File: a\n@@\t\n+x\n*** End of File \n*** End Patch",
			[]File{{Op: Update, Path: "a", Line: 2}}},
		{"end of file before the first hunk", "*** Begin Patch\n*** Update File: a\n*** End of File\n@@\n+x\n*** End Patch",
			[]File{{Op: Update, Path: "a", Line: 2}}},
		{"indented end of file is context", "*** Begin Patch\n*** Update File: a\n@@\n+x\n  *** End of File\n*** End Patch",
			[]File{{Op: Update, Path: "a", Line: 2}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(tt.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !slices.Equal(p.Files, tt.files) {
				t.Errorf("Parse files = %+v, want %+v", p.Files, tt.files)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		text string
		line int
		want string
	}{
		{"empty", "", 0, "empty"},
		{"blank", " \n\t\n", 0, "empty"},
		{"no begin", "*** Add File: a\n+x\n*** End Patch", 1, "the first line must be"},
		{"no end", "*** Begin Patch\n*** Add File: a\n+x", 3, "the last line must be"},
		{"begin only", "*** Begin Patch", 1, "the last line must be"},
		{"end marker three times", "*** Begin Patch\n*** Delete File: a\n*** End Patch\n*** End Patch\n*** End Patch", 3, "not a file header"},
		{"a file after the end marker", "*** Begin Patch\n*** End Patch\n*** Delete File: a\n*** End Patch", 2, "not a file header"},
		{"bad header", "*** Begin Patch\n*** Frobnicate File: a\n*** End Patch", 2, "not a file header"},
		{"lowercase header", "*** Begin Patch\n*** add file: a\n*** End Patch", 2, "not a file header"},
		{"line after add", "*** Begin Patch\n*** Add File: a\n+x\nplain\n*** End Patch", 4, "not a file header"},
		{"blank line between files", "*** Begin Patch\n*** Delete File: a\n\n*** Delete File: b\n*** End Patch", 3, "not a file header"},
		{"empty update", "*** Begin Patch\n*** Update File: a\n*** End Patch", 2, "has no hunk"},
		{"empty update with move", "*** Begin Patch\n*** Update File: a\n*** Move to: b\n*** End Patch", 2, "has no hunk"},
		{"hunk line without prefix", "*** Begin Patch\n*** Update File: a\n@@\nbad\n*** End Patch", 4, "a hunk line must start"},
		{"second hunk without @@", "*** Begin Patch\n*** Update File: a\n@@\n+x\n*** End of File\nbad\n*** End Patch", 6, `must start with "@@"`},
		{"@@ alone", "*** Begin Patch\n*** Update File: a\n@@\n*** End Patch", 3, "hunk without lines"},
		{"end of file twice", "*** Begin Patch\n*** Update File: a\n@@\n+x\n*** End of File\n*** End of File\n*** End Patch", 6, `must start with "@@"`},
		{"end of file alone", "*** Begin Patch\n*** Update File: a\n*** End of File\n*** End Patch", 2, "has no hunk"},
		{"end of file first", "*** Begin Patch\n*** Update File: a\n@@\n*** End of File\n*** End Patch", 4, "hunk without lines"},
		{"tab line after update", "*** Begin Patch\n*** Update File: a\n\t\n@@\n+x\n*** End Patch", 3, "a hunk line must start"},
		{"end of file outside a hunk", "*** Begin Patch\n*** End of File\n*** End Patch", 2, "not a file header"},
		{"empty add path", "*** Begin Patch\n*** Add File: \n+x\n*** End Patch", 2, "not a file header"},
		{"empty move path", "*** Begin Patch\n*** Update File: a\n*** Move to: \n@@\n+x\n*** End Patch", 2, "has no hunk"},
		{"NUL in path", "*** Begin Patch\n*** Delete File: a\x00b\n*** End Patch", 2, "NUL"},
		{"leading blank lines count", "\n\n*** Begin Patch\n*** Bad\n*** End Patch", 4, "not a file header"},
		{"here-document with mismatched quotes", "<<\"EOF'\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nEOF", 1, "the first line must be"},
		{"here-document without end patch", "<<EOF\n*** Begin Patch\n*** Update File: a\n@@\nEOF", 1, "the first line must be"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(tt.text)
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %+v, %v; want a malformed patch error", tt.text, p, err)
			}
			if pe.Line != tt.line || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error = %q (line %d), want line %d and %q", tt.text, err, pe.Line, tt.line, tt.want)
			}
			if pe.Line > 0 {
				lines := strings.Split(tt.text, "\n")
				if got := strings.TrimSuffix(lines[pe.Line-1], "\r"); pe.Text != got {
					t.Errorf("error names line %q, the text's line %d is %q", pe.Text, pe.Line, got)
				}
			}
		})
	}
}

func TestPaths(t *testing.T) {
	p, err := Parse("*** Begin Patch\n*** Add File: a\n+x\n*** Update File: b\n*** Move to: /c\n@@\n+x\n*** Delete File: d\n*** End Patch")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Paths(), []string{"a", "b", "/c", "d"}; !slices.Equal(got, want) {
		t.Errorf("Paths = %q, want %q", got, want)
	}
}

func TestAbs(t *testing.T) {
	for _, tt := range []struct{ path, dir, want string }{
		{"a", "/p", "/p/a"},
		{"../x", "/p/", "/p/../x"},
		{"/etc/x", "/p", "/etc/x"},
		{"a/./b", "/", "/a/./b"},
	} {
		if got := Abs(tt.path, tt.dir); got != tt.want {
			t.Errorf("Abs(%q, %q) = %q, want %q", tt.path, tt.dir, got, tt.want)
		}
	}
}

func TestTargets(t *testing.T) {
	for _, tt := range []struct {
		path, dir, home string
		want            []string
	}{
		{"a", "/p", "/h", []string{"/p/a"}},
		{"/etc/x", "/p", "/h", []string{"/etc/x"}},
		{"l/../../x", "/p/q", "/h", []string{"/p/q/l/../../x", "/p/x"}},
		{"./a//b", "/p", "/h", []string{"/p/./a//b", "/p/a/b"}},
		{"~/.bashrc", "/p", "/h", []string{"/p/~/.bashrc", "/h/.bashrc"}},
		{"~//.ssh/x", "/p", "/h/", []string{"/p/~//.ssh/x", "/p/~/.ssh/x", "/h/.ssh/x"}},
		{"~", "/p", "/h", []string{"/p/~", "/h"}},
		{"~user/x", "/p", "/h", []string{"/p/~user/x"}},
		{"~/x", "/p", "", []string{"/p/~/x"}},
		{"a/~/b", "/p", "/h", []string{"/p/a/~/b"}},
	} {
		if got := Targets(tt.path, tt.dir, tt.home); !slices.Equal(got, tt.want) {
			t.Errorf("Targets(%q, %q, %q) = %q, want %q", tt.path, tt.dir, tt.home, got, tt.want)
		}
	}
}

func TestTooLarge(t *testing.T) {
	huge := "*** Begin Patch\n*** Add File: a\n" + strings.Repeat("+xxxxxxxxxxxxxxx\n", MaxSize/16) + "*** End Patch"
	if _, err := Parse(huge); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Parse(%d bytes) = %v, want ErrTooLarge", len(huge), err)
	}
	// A patch of MaxFiles files is read whole; one more file is refused
	// (each path is judged: 100,000 of them ran the hook past its deadline).
	for _, n := range []int{MaxFiles, MaxFiles + 1} {
		var b strings.Builder
		b.WriteString("*** Begin Patch\n")
		for i := range n {
			fmt.Fprintf(&b, "*** Delete File: f%d\n", i)
		}
		b.WriteString("*** End Patch")
		p, err := Parse(b.String())
		switch {
		case n == MaxFiles && (err != nil || len(p.Files) != n):
			t.Errorf("a patch of %d files: %v", n, err)
		case n > MaxFiles && !errors.Is(err, ErrTooLarge):
			t.Errorf("a patch of %d files: %v, want ErrTooLarge", n, err)
		}
	}
}

// bigPatch is a patch of about size bytes mixing every kind of section.
func bigPatch(size int) string {
	var b strings.Builder
	b.WriteString("*** Begin Patch\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "*** Add File: dir/new%d.go\n+package dir\n+\n+func F%d() {}\n", i, i)
		fmt.Fprintf(&b, "*** Update File: dir/old%d.go\n*** Move to: dir/moved%d.go\n@@ func G()\n-\treturn 1\n+\treturn 2\n \t// end\n\n@@\n+x\n*** End of File\n", i, i)
		fmt.Fprintf(&b, "*** Delete File: dir/gone%d.go\n", i)
	}
	b.WriteString("*** End Patch\n")
	return b.String()
}

func BenchmarkParse(b *testing.B) {
	for _, size := range []int{1 << 10, 32 << 10, 1 << 20} {
		text := bigPatch(size)
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := Parse(text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The worst case for a line-based reader: one-byte lines.
	for _, size := range []int{256 << 10, 1 << 20} {
		text := "*** Begin Patch\n*** Update File: a\n@@\n" + strings.Repeat("+\n", size/2) + "*** End Patch"
		b.Run(fmt.Sprintf("%dKiB-short-lines", size>>10), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := Parse(text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func FuzzPatch(f *testing.F) {
	f.Add("*** Begin Patch\n*** Add File: a\n+x\n*** End Patch")
	f.Add("*** Begin Patch\n*** Update File: a\n*** Move to: b\n@@ c\n-x\n+y\n \n*** End of File\n*** Delete File: c\n*** End Patch")
	f.Add("<<'EOF'\n*** Begin Patch\n*** Update File: f\n x\n+y\nEOF")
	f.Add("\r\n *** Begin Patch\r\n*** Add File: \u00a0a\r\n*** End Patch\u3000")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Parse(text)
		q, err2 := Parse(text)
		if (err == nil) != (err2 == nil) || (err == nil && !slices.Equal(p.Files, q.Files)) {
			t.Fatalf("Parse(%q) is not deterministic", text)
		}
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Parse(%q) error %v is neither *Error nor ErrTooLarge", text, err)
			}
			if pe != nil && pe.Line > strings.Count(text, "\n")+1 {
				t.Fatalf("Parse(%q) error at line %d past the end", text, pe.Line)
			}
			return
		}
		for _, f := range p.Files {
			if f.Path == "" || strings.IndexByte(f.Path, 0) >= 0 || f.Line < 1 {
				t.Fatalf("Parse(%q) file %+v", text, f)
			}
			// Every header the reader took names its path on that line.
			if !strings.Contains(strings.Split(text, "\n")[f.Line-1], f.Path) {
				t.Fatalf("Parse(%q): %+v is not on line %d", text, f, f.Line)
			}
		}
	})
}
