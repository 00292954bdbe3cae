package policy

import (
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"time"

	"go.starlark.net/starlark"
	starsyntax "go.starlark.net/syntax"
)

// Memory bounds of a policy's evaluation, besides maxSteps and
// maxLoadTime. Starlark counts steps, not bytes: `[0] * 200000000` is one
// step. So the operators that make a value longer than their operands (*,
// + and % on strings, lists and tuples, and their augmented forms) are
// rewritten into calls that check the size of the result before making
// it, range() is limited, and the bytes the evaluation allocates are
// checked every checkEvery steps.
const (
	// maxValueLen is the longest string (bytes) or list or tuple
	// (elements) one operator may make.
	maxValueLen = 1 << 20
	// maxBuilt is how many bytes and elements the checked operators may
	// make in all.
	maxBuilt = 1 << 24
	// maxRange is the longest range().
	maxRange = 1 << 20
	// maxAllocBytes is how much the evaluation may allocate in all.
	maxAllocBytes = 256 << 20
	// checkEvery is how many steps pass between two checks of the bytes
	// allocated. Each check stops the world: every 100 steps, that was two
	// thirds of loading the default policy's source (210 ms against 65).
	// What one step allocates is bounded by the checked operators, so a
	// thousand steps cannot overshoot maxAllocBytes by much.
	checkEvery = 1000
)

// Names of the checked operators. They contain a space, so no policy can
// name them.
func checkedOps(t starsyntax.Token) (string, bool) {
	switch t {
	case starsyntax.STAR:
		return "operator *", true
	case starsyntax.PLUS:
		return "operator +", true
	case starsyntax.PERCENT:
		return "operator %", true
	}
	return "", false
}

// checkedMethods make a value larger than their receiver and arguments
// may look: they are rewritten into checked calls too.
func checkedMethods(s string) bool {
	switch s {
	case "join", "replace", "format", "extend":
		return true
	}
	return false
}

func augmented(t starsyntax.Token) (starsyntax.Token, bool) {
	switch t {
	case starsyntax.STAR_EQ:
		return starsyntax.STAR, true
	case starsyntax.PLUS_EQ:
		return starsyntax.PLUS, true
	case starsyntax.PERCENT_EQ:
		return starsyntax.PERCENT, true
	}
	return 0, false
}

// checkOperators rewrites the growing operators of f into checked calls.
func checkOperators(f *starsyntax.File) {
	fix := func(e *starsyntax.Expr) {
		if b, ok := (*e).(*starsyntax.BinaryExpr); ok {
			if name, ok := checkedOps(b.Op); ok {
				*e = &starsyntax.CallExpr{Fn: &starsyntax.Ident{NamePos: b.OpPos, Name: name},
					Lparen: b.OpPos, Args: []starsyntax.Expr{b.X, b.Y}, Rparen: b.OpPos}
			}
		}
	}
	fixAll := func(list []starsyntax.Expr) {
		for i := range list {
			fix(&list[i])
		}
	}
	starsyntax.Walk(f, func(n starsyntax.Node) bool {
		switch n := n.(type) {
		case *starsyntax.AssignStmt:
			if op, ok := augmented(n.Op); ok {
				// x *= y becomes x = x * y, then checked.
				n.Op, n.RHS = starsyntax.EQ, &starsyntax.BinaryExpr{OpPos: n.OpPos, Op: op, X: n.LHS, Y: n.RHS}
			}
			fix(&n.RHS)
		case *starsyntax.ExprStmt:
			fix(&n.X)
		case *starsyntax.ReturnStmt:
			if n.Result != nil {
				fix(&n.Result)
			}
		case *starsyntax.IfStmt:
			fix(&n.Cond)
		case *starsyntax.WhileStmt:
			fix(&n.Cond)
		case *starsyntax.ForStmt:
			fix(&n.X)
		case *starsyntax.ForClause:
			fix(&n.X)
		case *starsyntax.IfClause:
			fix(&n.Cond)
		case *starsyntax.DefStmt:
			fixParams(n.Params, fix)
		case *starsyntax.LambdaExpr:
			fixParams(n.Params, fix)
			fix(&n.Body)
		case *starsyntax.BinaryExpr:
			fix(&n.X)
			fix(&n.Y)
		case *starsyntax.UnaryExpr:
			if n.X != nil {
				fix(&n.X)
			}
		case *starsyntax.CallExpr:
			if dot, ok := n.Fn.(*starsyntax.DotExpr); ok && checkedMethods(dot.Name.Name) {
				// s.join(x) becomes "operator .join"(s, x), checked.
				n.Fn = &starsyntax.Ident{NamePos: dot.Dot, Name: "operator ." + dot.Name.Name}
				n.Args = append([]starsyntax.Expr{dot.X}, n.Args...)
			}
			fix(&n.Fn)
			for i, a := range n.Args {
				if kw, ok := a.(*starsyntax.BinaryExpr); ok && kw.Op == starsyntax.EQ {
					fix(&kw.Y) // name=value
					continue
				}
				fix(&n.Args[i])
			}
		case *starsyntax.Comprehension:
			fix(&n.Body)
		case *starsyntax.CondExpr:
			fix(&n.Cond)
			fix(&n.True)
			fix(&n.False)
		case *starsyntax.DictEntry:
			fix(&n.Key)
			fix(&n.Value)
		case *starsyntax.DotExpr:
			fix(&n.X)
		case *starsyntax.IndexExpr:
			fix(&n.X)
			fix(&n.Y)
		case *starsyntax.ListExpr:
			fixAll(n.List)
		case *starsyntax.TupleExpr:
			fixAll(n.List)
		case *starsyntax.ParenExpr:
			fix(&n.X)
		case *starsyntax.SliceExpr:
			for _, p := range []*starsyntax.Expr{&n.X, &n.Lo, &n.Hi, &n.Step} {
				if *p != nil {
					fix(p)
				}
			}
		}
		return true
	})
}

// fixParams checks the default values of parameters (name=value).
func fixParams(params []starsyntax.Expr, fix func(*starsyntax.Expr)) {
	for _, p := range params {
		if b, ok := p.(*starsyntax.BinaryExpr); ok && b.Op == starsyntax.EQ {
			fix(&b.Y)
		}
	}
}

// budget is what one evaluation may still build.
type budget struct {
	built    int64
	allocs0  uint64
	cpu0     time.Duration
	maxSteps uint64
}

func (b *budget) charge(n int64) error {
	if n > maxValueLen {
		return fmt.Errorf("value of %d elements or bytes: a policy value may have at most %d", n, maxValueLen)
	}
	if b.built += n; b.built > maxBuilt {
		return fmt.Errorf("policy builds more than %d elements or bytes in all", maxBuilt)
	}
	return nil
}

// size returns the length of a string, bytes, list or tuple value.
func size(v starlark.Value) (int64, bool) {
	switch v := v.(type) {
	case starlark.String:
		return int64(len(v)), true
	case starlark.Bytes:
		return int64(len(v)), true
	case *starlark.List:
		return int64(v.Len()), true
	case starlark.Tuple:
		return int64(len(v)), true
	}
	return 0, false
}

// reprSize returns about how long str(v) is, stopping past limit: each
// element counts at least 2, so the walk is bounded by limit whatever
// the values share.
func reprSize(v starlark.Value, limit int64) int64 {
	var n int64
	var walk func(v starlark.Value)
	walk = func(v starlark.Value) {
		if n > limit {
			return
		}
		switch v := v.(type) {
		case starlark.String:
			n += int64(len(v)) + 2
		case starlark.Bytes:
			n += int64(len(v)) + 3
		case starlark.Int:
			n += int64(v.BigInt().BitLen()/3 + 2)
		case *starlark.List:
			n += 2
			for i := 0; i < v.Len() && n <= limit; i++ {
				n += 2
				walk(v.Index(i))
			}
		case starlark.Tuple:
			n += 2
			for _, e := range v {
				if n > limit {
					return
				}
				n += 2
				walk(e)
			}
		case *starlark.Dict:
			n += 2
			for _, item := range v.Items() {
				if n > limit {
					return
				}
				n += 4
				walk(item[0])
				walk(item[1])
			}
		default:
			n += 64
		}
	}
	walk(v)
	return n
}

// checkMethod calls the method name of recv after check has accepted
// its arguments.
func (b *budget) method(name string, check func(recv starlark.Value, args starlark.Tuple, kwargs []starlark.Tuple) error) *starlark.Builtin {
	return starlark.NewBuiltin("operator ."+name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if len(args) == 0 {
			return nil, fmt.Errorf("%s: no receiver", name)
		}
		recv := args[0]
		ha, ok := recv.(starlark.HasAttrs)
		if !ok {
			return nil, fmt.Errorf("%s has no .%s field or method", recv.Type(), name)
		}
		m, err := ha.Attr(name)
		if err != nil {
			return nil, err
		}
		if m == nil {
			return nil, fmt.Errorf("%s has no .%s field or method", recv.Type(), name)
		}
		if err := check(recv, args[1:], kwargs); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		return starlark.Call(thread, m, args[1:], kwargs)
	})
}

// longestOperand is the largest reprSize among values.
func longestOperand(args starlark.Tuple, kwargs []starlark.Tuple) int64 {
	longest := int64(0)
	for _, a := range args {
		longest = max(longest, reprSize(a, maxValueLen))
	}
	for _, kv := range kwargs {
		longest = max(longest, reprSize(kv[1], maxValueLen))
	}
	return longest
}

func (b *budget) methods() starlark.StringDict {
	return starlark.StringDict{
		"operator .join": b.method("join", func(recv starlark.Value, args starlark.Tuple, _ []starlark.Tuple) error {
			sep, ok := recv.(starlark.String)
			if !ok || len(args) != 1 {
				return nil
			}
			iter := starlark.Iterate(args[0])
			if iter == nil {
				return nil
			}
			defer iter.Done()
			total, count := int64(0), int64(0)
			var x starlark.Value
			for iter.Next(&x) {
				if s, ok := x.(starlark.String); ok {
					total += int64(len(s))
				}
				if count++; total+count*int64(len(sep)) > maxValueLen {
					return b.charge(total + count*int64(len(sep)))
				}
			}
			return b.charge(total + count*int64(len(sep)))
		}),
		"operator .replace": b.method("replace", func(recv starlark.Value, args starlark.Tuple, _ []starlark.Tuple) error {
			s, ok := recv.(starlark.String)
			if !ok || len(args) < 2 {
				return nil
			}
			old, ok1 := args[0].(starlark.String)
			repl, ok2 := args[1].(starlark.String)
			if !ok1 || !ok2 || len(repl) <= len(old) {
				return nil
			}
			var times int64
			if old == "" {
				times = int64(len(s)) + 1
			} else {
				times = int64(strings.Count(string(s), string(old)))
			}
			if times > 0 && int64(len(repl)-len(old)) > maxValueLen/times {
				return fmt.Errorf("result too large")
			}
			return b.charge(int64(len(s)) + times*int64(len(repl)-len(old)))
		}),
		"operator .format": b.method("format", func(recv starlark.Value, args starlark.Tuple, kwargs []starlark.Tuple) error {
			s, ok := recv.(starlark.String)
			if !ok {
				return nil
			}
			n := int64(strings.Count(string(s), "{"))
			longest := longestOperand(args, kwargs)
			if longest > 0 && n > maxValueLen/longest {
				return fmt.Errorf("result too large")
			}
			return b.charge(int64(len(s)) + n*longest)
		}),
		"operator .extend": b.method("extend", func(recv starlark.Value, args starlark.Tuple, _ []starlark.Tuple) error {
			l, ok := recv.(*starlark.List)
			if !ok || len(args) != 1 {
				return nil
			}
			if n, ok := size(args[0]); ok {
				return b.charge(int64(l.Len()) + n)
			}
			return nil
		}),
	}
}

func (b *budget) builtins() starlark.StringDict {
	op := func(tok starsyntax.Token, check func(x, y starlark.Value) error) *starlark.Builtin {
		name, _ := checkedOps(tok)
		return starlark.NewBuiltin(name, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			if len(args) != 2 {
				return nil, fmt.Errorf("%s: want 2 operands", name)
			}
			if err := check(args[0], args[1]); err != nil {
				return nil, err
			}
			return starlark.Binary(tok, args[0], args[1])
		})
	}
	d := starlark.StringDict{
		"operator *": op(starsyntax.STAR, func(x, y starlark.Value) error {
			seq, n := x, y
			if _, ok := size(seq); !ok {
				seq, n = y, x
			}
			l, ok := size(seq)
			count, isInt := n.(starlark.Int)
			if xi, ok := x.(starlark.Int); ok && isInt {
				// Squaring a number doubles its length.
				if xi.BigInt().BitLen()+count.BigInt().BitLen() > 8*maxValueLen/64 {
					return fmt.Errorf("product too large")
				}
				return nil
			}
			if !ok || !isInt {
				return nil
			}
			k, ok := count.Int64()
			if !ok || (l > 0 && k > maxValueLen) {
				return fmt.Errorf("repetition by %s: too large", count)
			}
			if k <= 0 {
				return nil
			}
			return b.charge(l * k)
		}),
		"operator +": op(starsyntax.PLUS, func(x, y starlark.Value) error {
			lx, ok1 := size(x)
			ly, ok2 := size(y)
			if !ok1 || !ok2 {
				return nil
			}
			return b.charge(lx + ly)
		}),
		"operator %": op(starsyntax.PERCENT, func(x, y starlark.Value) error {
			format, ok := x.(starlark.String)
			if !ok {
				return nil
			}
			// Each % may insert the longest operand, or the whole of it.
			longest := reprSize(y, maxValueLen)
			n := int64(strings.Count(string(format), "%"))
			if longest > 0 && n > maxValueLen/longest {
				return fmt.Errorf("formatting: result too large")
			}
			return b.charge(int64(len(format)) + n*longest)
		}),
		"range": starlark.NewBuiltin("range", func(thread *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			r, err := starlark.Call(thread, starlark.Universe["range"], args, kwargs)
			if err != nil {
				return nil, err
			}
			if l := r.(starlark.Sequence).Len(); l > maxRange {
				return nil, fmt.Errorf("range of %d elements: a policy may use at most %d", l, maxRange)
			}
			return r, nil
		}),
		// print's output is discarded: it need not make a string.
		"print": starlark.NewBuiltin("print", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			return starlark.None, nil
		}),
	}
	for _, name := range []string{"str", "repr"} {
		orig := starlark.Universe[name]
		d[name] = starlark.NewBuiltin(name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			if len(args) == 1 {
				if _, isStr := args[0].(starlark.String); !isStr || name == "repr" {
					if err := b.charge(reprSize(args[0], maxValueLen)); err != nil {
						return nil, fmt.Errorf("%s: %v", name, err)
					}
				}
			}
			return starlark.Call(thread, orig, args, kwargs)
		})
	}
	for k, v := range b.methods() {
		d[k] = v
	}
	return d
}

// allocated returns the bytes the program has allocated so far.
// (runtime.ReadMemStats rather than runtime/metrics, whose package
// initialisation alone costs guard's every start 0.08 ms. ReadMemStats stops
// the world: see checkEvery.)
func allocated() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// cpuTime is the CPU time the process has used. A policy's load is held to
// maxLoadTime of it, not of the clock: on a machine busy with other work
// (parallel tests, a build) the clock runs on while the load waits, and a
// policy that loads in 0.1 ms of CPU must not fail there.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// watch makes thread check, every checkEvery steps, that the evaluation
// has allocated at most maxAllocBytes and used at most maxLoadTime of CPU,
// and stop at maxSteps.
func (b *budget) watch(thread *starlark.Thread, maxSteps uint64) {
	b.allocs0, b.cpu0, b.maxSteps = allocated(), cpuTime(), maxSteps
	thread.SetMaxExecutionSteps(min(checkEvery, maxSteps))
	thread.OnMaxSteps = func(thread *starlark.Thread) {
		if thread.Steps >= b.maxSteps {
			thread.Cancel("too many steps")
			return
		}
		if allocated()-b.allocs0 > maxAllocBytes {
			thread.Cancel(fmt.Sprintf("policy allocated more than %d MB", maxAllocBytes>>20))
			return
		}
		if cpuTime()-b.cpu0 > maxLoadTime {
			thread.Cancel("policy took more than " + maxLoadTime.String() + " of CPU time to load")
			return
		}
		thread.SetMaxExecutionSteps(min(thread.Steps+checkEvery, b.maxSteps))
	}
}
