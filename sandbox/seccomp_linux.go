package sandbox

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// seccompProgram returns the compiled filter for the profile on a thread with
// (privateIPC) or without an IPC namespace of its own, nil when none was
// generated for this architecture.
func seccompProgram(p Profile, privateIPC bool) []unix.SockFilter {
	progs := seccompProgramsFor(runtime.GOARCH)
	if progs == nil {
		return nil
	}
	var v seccompFlags
	if p.AllowUnixSockets {
		v |= scUnixSockets
	}
	if p.AllowNetwork {
		v |= scNetwork
	}
	if privateIPC {
		v |= scPrivateIPC
	}
	return progs[v]
}

// seccompProgramsFor returns the generated programs of an architecture. To add
// one, list it in seccomp_gen_test.go and here.
func seccompProgramsFor(goarch string) *[seccompVariants][]unix.SockFilter {
	switch goarch {
	case "amd64":
		return &seccompProgramsAMD64
	case "arm64":
		return &seccompProgramsARM64
	}
	return nil
}

// loadSeccomp installs prog on the calling thread only (no TSYNC: execve keeps
// only this thread). no_new_privs must be set.
func loadSeccomp(prog []unix.SockFilter) error {
	if len(prog) == 0 {
		return fmt.Errorf("seccomp: no filter compiled for this architecture")
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	_, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&fprog)))
	if e != 0 {
		return fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER): %w", e)
	}
	return nil
}
