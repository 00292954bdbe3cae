// Command libsonly is execonly linked with the libraries guard is built on
// (Starlark, the shell parser, TOML, JSON, regular expressions,
// SHA-256, zip). `make bench` runs it against execonly to show what those
// libraries' start-up (their package initialisation and the larger binary)
// costs before guard does any work of its own.
package main

import (
	"os"
	"os/exec"
	"syscall"

	_ "archive/zip"
	_ "crypto/sha256"
	_ "encoding/json"
	_ "regexp"

	_ "github.com/pelletier/go-toml/v2"
	_ "go.starlark.net/starlark"
	_ "mvdan.cc/sh/v3/syntax"
)

func main() {
	path, err := exec.LookPath(os.Args[1])
	if err != nil {
		os.Exit(127)
	}
	err = syscall.Exec(path, os.Args[1:], os.Environ())
	_ = err
	os.Exit(126)
}
