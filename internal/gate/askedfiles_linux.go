package gate

import "syscall"

// statChangeTime is the file's change time (its inode's), in nanoseconds:
// a rewrite that puts the modification time back still moves it.
func statChangeTime(st *syscall.Stat_t) int64 { return st.Ctim.Nano() }
