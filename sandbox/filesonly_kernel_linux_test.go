package sandbox

import (
	"fmt"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func init() {
	// A kprobe BPF program (r0 = 0; exit): loading one needs CAP_BPF and
	// CAP_PERFMON or CAP_SYS_ADMIN, and a tracing program may write any
	// process's memory (bpf_probe_write_user), hence make it write files.
	attacks["bpf-kprobe"] = func(a []string) error {
		insns := [2]uint64{0x00000000000000b7, 0x0000000000000095} // mov64 r0, 0; exit
		license := []byte("GPL\x00")
		var attr [128]byte
		*(*uint32)(unsafe.Pointer(&attr[0])) = 2 // BPF_PROG_TYPE_KPROBE
		*(*uint32)(unsafe.Pointer(&attr[4])) = uint32(len(insns))
		*(*uint64)(unsafe.Pointer(&attr[8])) = uint64(uintptr(unsafe.Pointer(&insns[0])))
		*(*uint64)(unsafe.Pointer(&attr[16])) = uint64(uintptr(unsafe.Pointer(&license[0])))
		r, _, e := unix.Syscall(unix.SYS_BPF, 5 /* BPF_PROG_LOAD */, uintptr(unsafe.Pointer(&attr[0])), unsafe.Sizeof(attr))
		if e != 0 {
			return fmt.Errorf("bpf(BPF_PROG_LOAD, kprobe): %w", e)
		}
		unix.Close(int(r))
		return nil
	}
	// A kernel-wide perf event (every CPU's cycles, pid -1): CAP_PERFMON
	// or CAP_SYS_ADMIN.
	attacks["perf-system-wide"] = func(a []string) error {
		attr := unix.PerfEventAttr{Type: unix.PERF_TYPE_SOFTWARE, Config: unix.PERF_COUNT_SW_CPU_CLOCK}
		attr.Size = uint32(unsafe.Sizeof(attr))
		fd, err := unix.PerfEventOpen(&attr, -1, 0, -1, unix.PERF_FLAG_FD_CLOEXEC)
		if err != nil {
			return fmt.Errorf("perf_event_open(pid -1): %w", err)
		}
		unix.Close(fd)
		return nil
	}
}

// TestFilesOnlyKernel: root keeps CAP_SYS_ADMIN in the files-only profile
// (auto-edit), which let it load tracing BPF programs and open kernel-wide
// perf events: a way to other processes' memory, and through them to files
// outside the roots, that Landlock does not see.
func TestFilesOnlyKernel(t *testing.T) {
	requireRoot(t, "loading a tracing BPF program needs CAP_SYS_ADMIN or CAP_BPF with CAP_PERFMON")
	filesOnly := func(p *Profile) { p.FilesOnly = true }
	runAttackCases(t, []attackCase{
		{name: "BPF kprobe program", attack: "bpf-kprobe", profile: filesOnly, want: eperm},
		{name: "system-wide perf event", attack: "perf-system-wide", profile: filesOnly, want: eperm},
	})
}
