//go:build libsonly

// Built with -tags libsonly, execonly is linked with the libraries guard is
// built on (Starlark, the shell parser, TOML, JSON, regular expressions,
// SHA-256, zip) and does nothing more: `make bench` runs it against plain
// execonly to show what those libraries' start-up (their package
// initialisation and the larger binary) costs before guard does any work.

package main

import (
	_ "archive/zip"
	_ "crypto/sha256"
	_ "encoding/json"
	_ "regexp"

	_ "github.com/pelletier/go-toml/v2"
	_ "go.starlark.net/starlark"
	_ "mvdan.cc/sh/v3/syntax"
)
