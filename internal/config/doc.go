// Package config reads guard's configuration file and writes guard's own
// state files (the user's policy file) atomically.
//
// The configuration lives in $XDG_CONFIG_HOME/guard/config.toml (else
// ~/.config/guard/config.toml); GUARD_CONFIG names another file, which must
// then exist. A missing default file means the defaults.
//
// Limits:
//   - The file is TOML, read with github.com/pelletier/go-toml/v2. Unknown
//     keys and tables, duplicate keys, wrong types and bad values are errors
//     with the line: a file that guard cannot read exactly is never
//     half-applied.
//   - Paths must be absolute or start with "~/" (expanded from $HOME);
//     "~user" is not expanded. Paths are cleaned but not resolved through
//     symbolic links.
//   - The file is trusted as far as the user's account is: any process running
//     as the user (an agent outside the sandbox, say) can edit it and change the
//     mode. One another account may change (its owner, its mode, a directory
//     above it) is refused (Own).
//   - Files larger than 1 MiB are refused.
package config
