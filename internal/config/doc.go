// Package config reads guard's configuration file and writes guard's own
// state files (the user's policy file) atomically.
//
// The configuration lives in $XDG_CONFIG_HOME/guard/config.toml (else
// ~/.config/guard/config.toml); GUARD_CONFIG names another file, which must
// then exist. A missing default file means the defaults.
//
// Limits:
//   - Only a subset of TOML is read: top-level `key = value` lines, comments,
//     basic "strings" (escapes \b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX),
//     'literal strings', true/false and arrays of strings. Tables, inline
//     tables, dotted or quoted keys, numbers, dates and multi-line strings are
//     errors, as are unknown and duplicate keys: a file that guard cannot read
//     exactly is never half-applied.
//   - Paths must be absolute or start with "~/" (expanded from $HOME);
//     "~user" is not expanded. Paths are cleaned but not resolved through
//     symbolic links.
//   - The file is trusted as far as the user's account is: any process running
//     as the user (an agent outside the sandbox, say) can edit it and change the
//     mode. Its owner and permissions are not checked.
//   - Files larger than 1 MiB are refused.
//   - The keys protected, unprotected, secrets, not_secret, secret_env and
//     secret_env_allow are arrays of patterns for package protect (its syntax:
//     "~/", "/" or any depth, "**"), not paths: they are kept as written.
//     Config.ProtectList applies them and adds guard's own state.
package config
