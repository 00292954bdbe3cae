package policy

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"guard/internal/safefile"
	"io"
	"path/filepath"
)

// Compressed and encoded files and the token scan (judge-10 Q2): zcat, gzip -dc,
// zgrep, bzcat, xzcat and zstdcat print what a compressed file holds, and
// the scan of the file's own bytes (tokenSecret) never sees a token there:
// `zcat logs/app.log.1.gz` printed a ghp_ token `cat app.log` asks about.
// A gzip or bzip2 file is scanned as it decompresses (every member of a
// multi-member gzip), within the judgement's scan budget; a file in a
// format the standard library cannot read (xz, lzma, zstd, lz4, brotli is
// not recognisable) is not known to be free of credentials. Limits: a
// corrupt stream is scanned up to where it breaks (the tools stop there
// too). unzip -p and -c print an archive's members: each one they select
// is scanned decompressed the same way (unzipPrinted). A file of base64 or
// hex text only is scanned decoded too (base64 -d, xxd -r -p print it so;
// encodedTokenSecret), and UTF-16 or UTF-32 text with its NUL bytes left
// out (iconv -f utf-16, strings -e l; wideTokenSecret).

// compressedFormat names the compression whose magic starts head, or "".
func compressedFormat(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "gzip"
	case bytes.HasPrefix(head, []byte("BZh")) && len(head) > 3 && head[3] >= '1' && head[3] <= '9':
		return "bzip2"
	case bytes.HasPrefix(head, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return "xz"
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return "zstd"
	case bytes.HasPrefix(head, []byte{0x04, 0x22, 0x4d, 0x18}):
		return "lz4"
	case bytes.HasPrefix(head, []byte{0x5d, 0, 0}):
		return "lzma"
	case bytes.HasPrefix(head, []byte{0x1f, 0x9d}):
		return "compress (.Z)"
	}
	return ""
}

// compressedTokenSecret says why the compressed file abs (format, from
// compressedFormat) holds a credential once decompressed, or cannot be
// checked, or "".
func compressedTokenSecret(abs, format string) string {
	f, _, err := safefile.Open(abs)
	if err != nil {
		return ""
	}
	defer f.Close()
	var r io.Reader
	switch format {
	case "gzip":
		z, err := gzip.NewReader(f)
		if err != nil {
			return "" // not a gzip stream after all: no tool prints it decompressed
		}
		defer z.Close()
		r = z
	case "bzip2":
		r = bzip2.NewReader(f)
	default:
		return filepath.Base(abs) + " is compressed (" + format + "), which guard cannot read to check for credentials"
	}
	kind, over := streamTokenKind(r)
	switch {
	case over:
		return overScanBudget()
	case kind != "":
		return filepath.Base(abs) + " holds, decompressed, what looks like " + kind
	}
	return ""
}

// overScanBudget is the reason a judgement's token scans ran out of budget.
func overScanBudget() string {
	return "the command reads more than " + fmt.Sprint(maxTokenScanTotal>>20) +
		" MiB of files (decompressed), too much to check them all for credentials"
}

// streamTokenKind scans what r yields for tokens (tokenKind), in chunks
// each with the end of the one before (a token across the seam is seen
// whole), charging the judgement's scan budget; over reports the budget
// ran out first. A read error ends the scan: the tools stop there too.
func streamTokenKind(r io.Reader) (kind string, over bool) {
	buf := make([]byte, 0, 1<<20+tokenWindow)
	chunk := make([]byte, 1<<20)
	for {
		n, err := io.ReadFull(r, chunk)
		if n > 0 {
			if tokenScanned.Add(int64(n)) > maxTokenScanTotal {
				return "", true
			}
			buf = append(buf, chunk[:n]...)
			if kind := tokenKind(buf); kind != "" {
				return kind, false
			}
			keep := min(len(buf), tokenWindow)
			buf = append(buf[:0], buf[len(buf)-keep:]...)
		}
		if err != nil {
			return "", false
		}
	}
}

// encodedTokenSecret says why b, the whole of the file abs, holds a
// credential once decoded as base64 -d (or basenc, openssl base64 -d) or
// xxd -r -p decode it, or "": a file of base64 or hex text only (a
// credential exported that way, a Kubernetes secret's value saved alone)
// prints a token through those decoders that its stored bytes do not show.
// Text of another kind is no input those decoders print anything from.
func encodedTokenSecret(abs string, b []byte) string {
	for _, c := range b {
		// Reject at the first byte no base64 or hex text holds (most
		// files: at once), before anything is copied.
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '+' || c == '/' || c == '=' ||
			c == '-' || c == '_' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
			return ""
		}
	}
	text := bytes.Join(bytes.Fields(b), nil)
	if len(text) < 16 {
		return ""
	}
	var decoded []byte
	if hexText(text) && len(text)%2 == 0 {
		decoded = make([]byte, len(text)/2)
		if _, err := hex.Decode(decoded, text); err != nil {
			decoded = nil
		}
	}
	if decoded == nil || tokenKind(decoded) == "" {
		body := bytes.TrimRight(text, "=")
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			if d, err := enc.DecodeString(string(body)); err == nil {
				decoded = d
				break
			}
		}
	}
	if decoded == nil {
		return ""
	}
	if kind := tokenKind(decoded); kind != "" {
		return filepath.Base(abs) + " holds, decoded, what looks like " + kind
	}
	if compressedFormat(decoded) == "gzip" {
		if z, err := gzip.NewReader(bytes.NewReader(decoded)); err == nil {
			if kind, _ := streamTokenKind(z); kind != "" {
				return filepath.Base(abs) + " holds, decoded and decompressed, what looks like " + kind
			}
		}
	}
	return ""
}

// hexText reports whether b is hexadecimal digits only.
func hexText(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// wideTokenSecret says why b, the file abs as scanned, holds a credential
// once read as UTF-16 or UTF-32 text (iconv -f utf-16, strings -e l print
// it so; a Windows tool's export, a .NET or PowerShell file), or "": text
// that starts with a byte-order mark or has a NUL in every other byte of
// its start is scanned with its NUL bytes left out (the ASCII a token is
// made of is then whole). Other binary files are not copied.
func wideTokenSecret(abs string, b []byte) string {
	head := b[:min(len(b), 512)]
	wide := bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}) ||
		bytes.HasPrefix(head, []byte{0, 0, 0xfe, 0xff})
	if !wide && len(head) >= 16 {
		var even, odd int
		for i, c := range head {
			if c == 0 {
				if i%2 == 0 {
					even++
				} else {
					odd++
				}
			}
		}
		wide = max(even, odd)*10 >= len(head)/2*9 && min(even, odd)*10 <= len(head)/2*2
	}
	if !wide {
		return ""
	}
	narrow := make([]byte, 0, len(b)/2)
	for _, c := range b {
		if c != 0 {
			narrow = append(narrow, c)
		}
	}
	if kind := tokenKind(narrow); kind != "" {
		return filepath.Base(abs) + " holds, read as UTF-16 or UTF-32 text, what looks like " + kind
	}
	return ""
}

// transformedKind is tokenKind for b (content that is no file: a blob git
// prints) read as the decompressors and decoders print it: a gzip or bzip2
// stream (as much of it as b holds), UTF-16/32 text, or base64 or hex
// text. `git show HEAD:logs/app.log.gz | zcat` printed a token the blob's
// stored bytes do not show.
func transformedKind(b []byte) string {
	var r io.Reader
	switch compressedFormat(b) {
	case "gzip":
		if z, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
			r = z
		}
	case "bzip2":
		r = bzip2.NewReader(bytes.NewReader(b))
	}
	if r != nil {
		// At most 16 times what was read: a blob is not a budget of its own.
		if kind, _ := streamTokenKind(io.LimitReader(r, int64(len(b))*16)); kind != "" {
			return kind + " (compressed)"
		}
		return ""
	}
	if why := wideTokenSecret("", b); why != "" {
		return "a token in UTF-16 or UTF-32 text"
	}
	if why := encodedTokenSecret("", b); why != "" {
		return "a token, encoded"
	}
	return ""
}
