package gate

import (
	"regexp"
	"strings"
	"sync"
)

// tarOptionsWhy says why GNU tar's TAR_OPTIONS, inherited from guard's
// environment, makes a tar command do more than its rule says, or "". tar
// puts those words before the command's own: --use-compress-program/-I
// names a program `tar -tf a.tar` runs (a planted ./zp ran, judge-11 R7),
// --to-command and --checkpoint-action=exec run commands, --index-file
// writes a file, -f/--file changes the archive. Only words that change
// how members are stored or shown are let through; any other asks.
func (g *Gate) tarOptionsWhy() string {
	val := g.Getenv("TAR_OPTIONS")
	for _, w := range strings.Fields(val) {
		name, _, _ := strings.Cut(w, "=")
		if !tarHarmlessOptions[name] {
			return "TAR_OPTIONS=" + val + " gives tar the option " + w + ", which guard does not judge (a program it runs, a file it writes or reads)"
		}
	}
	return ""
}

// tarHarmlessOptions are TAR_OPTIONS words (before any =) that run no
// program and name no file.
var tarHarmlessOptions = map[string]bool{
	"--no-same-owner": true, "--no-same-permissions": true, "--same-owner": true, "--numeric-owner": true,
	"--warning": true, "--wildcards": true, "--no-wildcards": true, "--wildcards-match-slash": true,
	"--anchored": true, "--no-anchored": true, "--ignore-case": true, "--no-ignore-case": true,
	"--exclude-vcs": true, "--exclude-vcs-ignores": true, "--exclude-backups": true, "--exclude-caches": true,
	"--format": true, "-H": true, "--sort": true, "--mtime": true, "--owner": true, "--group": true, "--mode": true,
	"--delay-directory-restore": true, "--no-delay-directory-restore": true, "--quoting-style": true,
	"--show-transformed-names": true, "--utc": true, "--full-time": true, "--blocking-factor": true, "-b": true,
	"--record-size": true, "--no-xattrs": true, "--no-acls": true, "--no-selinux": true, "--xattrs": true,
	"--acls": true, "--selinux": true, "--sparse": true, "-S": true, "--verbose": true, "-v": true,
	"--no-recursion": true, "--recursion": true, "--one-file-system": true, "--keep-old-files": true,
	"--skip-old-files": true, "--keep-newer-files": true, "--no-overwrite-dir": true, "--touch": true, "-m": true,
}

// zipOptionsWhy says why Info-ZIP's option variables, inherited from
// guard's environment, make an unzip or zipinfo command do more than its
// rule says, or "". unzip reads UNZIP and UNZIPOPT before its own words,
// zipinfo ZIPINFO and ZIPINFOOPT: `UNZIP=-c unzip -l y.zip` printed the
// members (a .env's password) where the rule allows a listing (judge-11
// R7); -d names a directory, -M runs a pager, -x reads names. Only letters
// that quiet, list, test or change how names and text are shown are let
// through; a word that is not an option asks too. zip reads ZIPOPT (and
// ZIP): `ZIPOPT='-T -TT CMD' zip -r out.zip src`, a writer auto-edit runs,
// ran CMD to test the archive (judge-15); -m deletes what it packs, -lf
// writes a log, -b a temporary file, -@ and -i/-x read names.
func (g *Gate) zipOptionsWhy(prog string) string {
	vars, allowed := []string{"UNZIP", "UNZIPOPT"}, "-qCLabonKXDTUVWltvzZ"
	switch prog {
	case "zipinfo":
		vars, allowed = []string{"ZIPINFO", "ZIPINFOOPT"}, "-12smlvhtTzC"
	case "zip":
		vars, allowed = []string{"ZIP", "ZIPOPT"}, "-qryjDXoufS0123456789"
	}
	for _, name := range vars {
		val := g.Getenv(name)
		for _, w := range strings.Fields(val) {
			if !strings.HasPrefix(w, "-") || strings.Trim(w, allowed) != "" {
				return name + "=" + val + " gives " + prog + " the option " + w + ", which guard does not judge (a member printed, a file or directory written, a program run)"
			}
		}
	}
	return ""
}

// xzOptionsWhy says why XZ Utils' XZ_DEFAULTS or XZ_OPT, inherited from
// guard's environment, makes an xz command (xz, unxz, xzcat, the lzma
// names, and tar, which runs xz for a .xz archive) do more than its rule
// says, or "". xz puts their words before its own: with `XZ_OPT='-f
// --files=LIST'`, `xzcat a.xz` also printed every file LIST names, as is
// (--force copies what is not xz): ~/.aws/credentials (judge-15). Only the
// words people set there (`-T0`, `-9e`, memory limits, verbosity) are let
// through.
func (g *Gate) xzOptionsWhy() string {
	for _, name := range []string{"XZ_DEFAULTS", "XZ_OPT"} {
		val := g.Getenv(name)
		for _, w := range strings.Fields(val) {
			if !xzHarmlessOption().MatchString(w) {
				return name + "=" + val + " gives xz the option " + w + ", which guard does not judge (files it reads or writes)"
			}
		}
	}
	return ""
}

// xzHarmlessOption matches the XZ_OPT words that name no file: presets,
// threads, memory limits, block size, check, verbosity, --keep.
var xzHarmlessOption = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(-[0-9]e?|-e|--extreme|-T[0-9]+|--threads=[0-9]+|-[qvQk]+|--quiet|--verbose|` +
		`--no-warn|--keep|--no-adjust|--no-sparse|-M[0-9]+[KMGkmg]?i?B?%?|--memlimit(-compress|-decompress|-mt-decompress)?=[0-9]+[KMGkmg]?i?B?%?|` +
		`--block-size=[0-9]+[KMGkmg]?i?B?|--check=(none|crc32|crc64|sha256))$`)
})

// bzipOptionsWhy says why bzip2's BZIP2 or BZIP, inherited from guard's
// environment, makes a bzip2 command (bzip2, bunzip2, bzcat, and tar, which
// runs bzip2 for a .bz2 archive) do more than its rule says, or "". bzip2
// puts their words before its own, and a word that is not an option is a
// file it works on: with `BZIP2='-f ~/.aws/credentials'`, `bzcat new.bz2`
// printed the credentials (--force copies what is not bzip2 as is), and
// `bzip2 a.txt` would compress and delete a file the rule never named
// (judge-16). Only block sizes, --small, --keep and verbosity pass.
func (g *Gate) bzipOptionsWhy() string {
	for _, name := range []string{"BZIP2", "BZIP"} {
		val := g.Getenv(name)
		for _, w := range strings.Fields(val) {
			if !bzipHarmlessOption(w) {
				return name + "=" + val + " gives bzip2 the word " + w + ", which guard does not judge (a file it reads, writes or deletes)"
			}
		}
	}
	return ""
}

// bzipHarmlessOption reports whether w is a BZIP2 word that names no file
// and changes no mode: -1..-9, -s, -k, -q, -v (letters may be grouped) and
// their long forms.
func bzipHarmlessOption(w string) bool {
	switch w {
	case "--small", "--keep", "--quiet", "--verbose", "--fast", "--best":
		return true
	}
	return len(w) > 1 && w[0] == '-' && strings.Trim(w[1:], "123456789skqv") == ""
}

// gzipOptionsWhy says why gzip's GZIP or pigz's PIGZ (pigz reads both),
// inherited from guard's environment, makes a gzip or pigz command (and
// tar, which runs gzip) do more than its rule says, or "". gzip lets only
// -N, -n, -q, -v, --rsyncable and levels through that variable, and -N
// (restore the name stored in the header) is the one that writes a file
// the rule never named: `GZIP=-N gunzip notes.gz`, run in auto-edit as an
// edit of notes, created .envrc from a header naming it, where `touch
// .envrc` is asked (judge-16). pigz takes any option from PIGZ (-N, -S,
// -r, -c...). Only levels, threads, -n, --rsyncable and verbosity pass.
func (g *Gate) gzipOptionsWhy(prog string) string {
	vars := []string{"GZIP"}
	if strings.Contains(prog, "pigz") {
		vars = append(vars, "PIGZ")
	}
	for _, name := range vars {
		val := g.Getenv(name)
		words := strings.Fields(val)
		for i := 0; i < len(words); i++ {
			w := words[i]
			if (w == "-p" || w == "--processes") && i+1 < len(words) && strings.Trim(words[i+1], "0123456789") == "" {
				i++
				continue
			}
			if !gzipHarmlessOption(w) {
				return name + "=" + val + " gives " + prog + " the option " + w + ", which guard does not judge (a file it writes under another name, or reads)"
			}
		}
	}
	return ""
}

// gzipHarmlessOption reports whether w is a GZIP or PIGZ word that names
// no file and changes no mode: levels, -n, verbosity, --rsyncable, pigz's
// -pN.
func gzipHarmlessOption(w string) bool {
	switch w {
	case "--fast", "--best", "--no-name", "--quiet", "--verbose", "--rsyncable", "-11":
		return true
	}
	if p, ok := strings.CutPrefix(w, "--processes="); ok {
		return p != "" && strings.Trim(p, "0123456789") == ""
	}
	if p, ok := strings.CutPrefix(w, "-p"); ok {
		return p != "" && strings.Trim(p, "0123456789") == ""
	}
	return len(w) > 1 && w[0] == '-' && strings.Trim(w[1:], "123456789nqv") == ""
}
