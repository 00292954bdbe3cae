#include "textflag.h"

// func rawVfork(flags uintptr) (pid, errno uintptr)
//
// clone(flags, no new stack): with CLONE_VM|CLONE_VFORK the child runs on
// this thread's stack while the thread sleeps until the child execs or
// exits. The return address is kept in a register across the system call,
// so that what the child pushes over its slot cannot send the parent
// elsewhere (see rawchild_linux.go).
TEXT ·rawVfork(SB),NOSPLIT|NOFRAME,$0-24
	MOVQ	flags+0(FP), DI
	XORQ	SI, SI
	XORQ	DX, DX
	XORQ	R10, R10
	XORQ	R8, R8
	XORQ	R9, R9
	MOVQ	$56, AX // SYS_clone
	POPQ	R12
	SYSCALL
	PUSHQ	R12
	CMPQ	AX, $0xfffffffffffff001
	JLS	done
	NEGQ	AX
	MOVQ	AX, errno+16(FP)
	MOVQ	$0, pid+8(FP)
	RET
done:
	MOVQ	AX, pid+8(FP)
	MOVQ	$0, errno+16(FP)
	RET
