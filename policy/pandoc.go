package policy

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"

	"guard/internal/safefile"
)

// pandocWhy says why a pandoc command the default declares (a document
// converted to standard output: no -o, no filters, defaults files,
// templates or resources) reads more than the files it names, or "".
// Its readers follow includes: reStructuredText's `.. include::`, LaTeX's
// and Org's and Typst's; and the Markdown reader, whose raw_tex extension
// is on by default, processes `\input{FILE}` and `\include{FILE}`
// (pandoc issue 4781), so a Markdown file holding one prints any file it
// names; the HTML reader (and EPUB's, and the notebooks' HTML outputs)
// fetches an <iframe>'s src, a URL included. So the reader must be one that
// follows nothing (Markdown's without raw_tex, CommonMark and GFM, the
// office formats, JSON, CSV), chosen by -f or by each input's extension, and a
// Markdown input read with raw_tex must hold no such command; a URL among
// the inputs is fetched. The writer must be a text one: the office, e-book
// and RTF writers embed the images a document names, any file.
func pandocWhy(r *Result, argv []string, cwd string) string {
	if r.Exec == nil || filepath.Base(argv[0]) != "pandoc" {
		return ""
	}
	from, to := "", ""
	for _, o := range r.Exec.Opts {
		switch o.Name {
		case "-f", "--from", "-r", "--read":
			from = o.Value
		case "-t", "--to", "-w", "--write":
			to = o.Value
		}
	}
	if why := pandocWriter(to); why != "" {
		return why
	}
	var inputs []string
	for _, a := range r.Exec.Args {
		if a.Type.Kind != TypeReadableFile {
			continue
		}
		if strings.Contains(a.Value, "://") {
			return "pandoc fetches " + a.Value + " over the network"
		}
		inputs = append(inputs, a.Value)
	}
	if len(inputs) == 0 {
		for _, f := range r.Exec.Flags {
			if strings.HasPrefix(f.Name, "--list-") || strings.HasPrefix(f.Name, "--print-") || f.Name == "--version" {
				return "" // pandoc prints what it knows and reads no input
			}
		}
		for _, o := range r.Exec.Opts {
			if strings.HasPrefix(o.Name, "--list-") || strings.HasPrefix(o.Name, "--print-") {
				return ""
			}
		}
		if pandocRawTeX(from, "-") {
			return "pandoc reads standard input as Markdown, whose \\input and \\include name files it reads"
		}
		return pandocReader(from, "-")
	}
	for _, in := range inputs {
		if why := pandocReader(from, in); why != "" {
			return why
		}
		if !pandocRawTeX(from, in) {
			continue
		}
		b, err := safefile.Read(absolute(homeWord(in), cwd), maxContent)
		if errors.Is(err, safefile.ErrTooLarge) {
			return "pandoc reads " + in + " as Markdown, too large to check for \\input and \\include (over 1 MiB)"
		}
		for _, cmd := range []string{`\input`, `\include`, `\usepackage`, `\subfile`, `\import`, `\subimport`,
			`\lstinputlisting`, `\verbatiminput`, `\RequirePackage`} {
			if bytes.Contains(b, []byte(cmd)) {
				return "pandoc reads " + in + " as Markdown, and processes its " + cmd + ", which names a file it reads"
			}
		}
	}
	return ""
}

// pandocFormat returns the reader pandoc uses for in: -f's format (its
// extensions cut off), else the one the file's extension selects ("" for
// one no safe reader takes).
func pandocFormat(from, in string) string {
	if from != "" {
		if i := strings.IndexAny(from, "+-"); i > 0 {
			return from[:i]
		}
		return from
	}
	switch strings.ToLower(filepath.Ext(in)) {
	case ".md", ".markdown", ".mdown", ".mkd", ".txt", ".text", "":
		return "markdown"
	case ".docx":
		return "docx"
	case ".odt":
		return "odt"
	case ".json":
		return "json"
	case ".csv":
		return "csv"
	case ".tsv":
		return "tsv"
	case ".dj", ".djot":
		return "djot"
	}
	return ""
}

// pandocReader says why pandoc's reader for in may follow an include, or
// "".
func pandocReader(from, in string) string {
	switch pandocFormat(from, in) {
	case "markdown", "markdown_strict", "markdown_phpextra", "markdown_mmd", "markdown_github", "commonmark",
		"commonmark_x", "gfm", "docx", "odt", "json", "native", "csv", "tsv", "djot":
		return ""
	}
	if from != "" {
		return "pandoc reads its input as " + from + ", whose includes can name any file"
	}
	return "pandoc reads " + in + " by its extension in a format whose includes can name any file"
}

// pandocRawTeX reports whether pandoc reads in with Markdown's raw_tex
// extension on: the markdown readers but the strict one, unless -f turns it
// off (markdown-raw_tex).
func pandocRawTeX(from, in string) bool {
	switch pandocFormat(from, in) {
	case "markdown", "markdown_phpextra", "markdown_mmd", "markdown_github":
		return !strings.Contains(from, "-raw_tex")
	}
	return false
}

// pandocWriter says why pandoc's output format to embeds files the input
// names (docx, odt, pptx, epub, rtf, fb2, pdf: the images), or "".
func pandocWriter(to string) string {
	format := to
	if i := strings.IndexAny(format, "+-"); i > 0 {
		format = format[:i]
	}
	switch format {
	case "", "plain", "markdown", "markdown_strict", "markdown_phpextra", "markdown_mmd", "markdown_github", "gfm",
		"commonmark", "commonmark_x", "html", "html4", "html5", "native", "json", "rst", "latex", "asciidoc",
		"asciidoctor", "org", "mediawiki", "dokuwiki", "textile", "man", "jats", "docbook", "docbook4", "docbook5",
		"typst", "djot", "context", "texinfo", "haddock", "jira", "xwiki", "zimwiki", "muse", "tei", "ms", "beamer":
		return ""
	}
	return "pandoc writes " + to + ", which embeds the files (images) the document names"
}
