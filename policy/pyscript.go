package policy

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// A Python program given on the command line (python3 -c TEXT) or on the
// interpreter's standard input (python3 - <<'EOF' ... EOF) is a read when
// all it does is open files named by string literals for reading, list
// directories and print: the snippets agents write to parse a JSON file, walk
// an AST or count lines. SafePythonProgram checks the text, token by token
// (no grammar, so that no question of where an expression ends can hide
// anything from it); pythonWhy checks what the working directory and the
// environment add, and judges each file the program opens as cat's read.
//
// The text is refused when it
//   - imports a module not listed in pyModules, or a name a listed module
//     does not list (relative and star imports included); third-party
//     modules run site-packages' code and yaml or pickle build objects;
//   - names anywhere (a call, an attribute, a bare reference) one of
//     pyDeniedNames (eval, exec, getattr, environ, system, remove, write,
//     extractall, the frame attributes that reach a module's globals, ...)
//     or a name that starts with exec, spawn, fork or popen;
//   - reads an attribute that starts with _ (private attributes and
//     dunders reach classes, globals and builtins), or one named like a
//     module that runs or writes (os, sys, subprocess, io, ...);
//   - reads a listed module's attribute that the module's entry does not
//     list (os.listdir is listed, os.system is not), or uses a module but
//     as MODULE.ATTRIBUTE: a module as a value (`m = os`, `(sys).path`,
//     f(os)) would take any attribute unchecked;
//   - binds or reads a private name (_fields: ast reads the attributes it
//     names from any object), defines a special method beyond
//     pyDunderDefs (__reduce__, __setattr__: hooks the standard library
//     calls with other objects or names), unpacks keywords into a call
//     (f(**d): an ast node sets any attribute named so), calls compile,
//     ast.parse with a file name (a syntax error's line is read from
//     that file), or uses Path but called (`Path = f` would change what
//     Path(LITERAL).read_text() reads); or assigns to or deletes a module
//     or its attribute (`os.path.sep = 'n'`: 3.12's pathlib joins with it);
//   - opens a file but by open(LITERAL[, "r"|"rb"...]),
//     Path(LITERAL).read_text()/read_bytes(), OBJ.read(LITERAL) (a parser's
//     read), zipfile.ZipFile(LITERAL[, "r"]) or tarfile.open(LITERAL[,
//     "r..."]): a path the program computes can be any file;
//   - calls str.format on anything but a string literal whose fields are
//     plain (a field "{0.environ}" reads attributes), calls replace with
//     one positional argument (Path.replace renames), copy with arguments
//     (Path.copy), or holds a coding declaration, a character that is not
//     ASCII outside strings and comments (identifiers are NFKC-normalised:
//     a fullwidth ｅｖａｌ is eval), a NUL, or a string or f-string field the
//     tokenizer does not follow.
//
// Limits: the program may still loop forever or use much memory; reading
// directories' names is allowed (names are not secrets); the interpreter
// is the one on PATH, judged as the policy judges it elsewhere. Values
// have no types here: an attribute of anything but a module is refused
// by name only (pyDeniedNames, private names), so each listed module and
// name is one whose values were checked for ways back to a module, a
// frame or a string-named getattr/setattr (judge-20), on CPython 3.11.

// pyToken is a token of a Python program.
type pyToken struct {
	kind   byte   // 'n' name, 's' string, 'f' formatted string, 'd' number, 'o' operator
	text   string // the name, number or operator; a string's value
	plain  bool   // a string whose value is known (escapes decoded)
	fields []string
}

// pyStringPrefixes are the prefixes a Python string may carry (lower case).
var pyStringPrefixes = []string{"", "r", "u", "b", "br", "rb", "f", "fr", "rf", "t", "tr", "rt"}

// pyTokens splits src into tokens, or says why it cannot be followed. A
// line's end outside brackets is an operator token "\n" (a statement's
// end, as ';').
func pyTokens(src string) ([]pyToken, string) {
	var toks []pyToken
	depth := 0
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '#':
			for i < len(src) && src[i] != '\n' && src[i] != '\r' {
				i++
			}
		case (c == '\n' || c == '\r') && depth == 0:
			toks = append(toks, pyToken{kind: 'o', text: "\n"})
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == '\\':
			switch {
			case strings.HasPrefix(src[i:], "\\\r\n"):
				i += 3
			case strings.HasPrefix(src[i:], "\\\n"), strings.HasPrefix(src[i:], "\\\r"):
				i += 2
			default:
				return nil, "a backslash outside a string"
			}
		case c >= 0x80:
			return nil, "a character that is not ASCII outside a string (Python normalises identifiers)"
		case c == 0:
			return nil, "a NUL character"
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(src) && identByte(src[j]) {
				j++
			}
			word := src[i:j]
			if j < len(src) && (src[j] == '\'' || src[j] == '"') {
				prefix := strings.ToLower(word)
				if !slices.Contains(pyStringPrefixes, prefix) {
					return nil, "a string prefix " + word + " Python does not know"
				}
				t, end, why := pyString(src, j, prefix)
				if why != "" {
					return nil, why
				}
				toks = append(toks, t)
				i = end
				continue
			}
			toks = append(toks, pyToken{kind: 'n', text: word})
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := pyNumberEnd(src, i)
			toks = append(toks, pyToken{kind: 'd', text: src[i:j]})
			i = j
		case c == '\'' || c == '"':
			t, end, why := pyString(src, i, "")
			if why != "" {
				return nil, why
			}
			toks = append(toks, t)
			i = end
		default:
			switch c {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth = max(depth-1, 0)
			}
			toks = append(toks, pyToken{kind: 'o', text: string(c)})
			i++
		}
	}
	return toks, ""
}

// pyTargets marks the tokens of toks that an assignment binds or changes:
// what stands before a statement's last = (augmented ones included), between
// for and its in, after as (up to a , or : at its depth; imports are
// skipped by the caller), and a del statement's. One pass: each for and as
// waits on a stack, and the marks are ranges summed at the end.
func pyTargets(toks []pyToken) []bool {
	op := func(j int, o string) bool { return j >= 0 && j < len(toks) && toks[j].kind == 'o' && toks[j].text == o }
	name := func(j int, n string) bool { return j >= 0 && j < len(toks) && toks[j].kind == 'n' && toks[j].text == n }
	edges := make([]int, len(toks)+1)
	mark := func(from, to int) {
		if from < to {
			edges[from]++
			edges[to]--
		}
	}
	type waiting struct {
		at, depth int
		as        bool
	}
	var stack []waiting
	// closeWaiting ends the targets waiting at depth d (those of as only,
	// or all) at token j.
	closeWaiting := func(j, d int, asOnly bool) {
		for len(stack) > 0 && stack[len(stack)-1].depth >= d {
			w := stack[len(stack)-1]
			if w.depth == d && asOnly && !w.as {
				return
			}
			stack = stack[:len(stack)-1]
			mark(w.at+1, j)
		}
	}
	start, depth, lastAssign := 0, 0, -1
	for j := 0; j <= len(toks); j++ {
		if j == len(toks) || depth == 0 && (op(j, "\n") || op(j, ";")) {
			closeWaiting(j, 0, false)
			if lastAssign >= 0 {
				mark(start, lastAssign)
			}
			if name(start, "del") {
				mark(start, j)
			}
			start, lastAssign = j+1, -1
			continue
		}
		switch {
		case op(j, "(") || op(j, "[") || op(j, "{"):
			depth++
		case op(j, ")") || op(j, "]") || op(j, "}"):
			closeWaiting(j, depth, false)
			depth = max(depth-1, 0)
		case op(j, ",") || op(j, ":"):
			closeWaiting(j, depth, true)
		case name(j, "in"):
			closeWaiting(j, depth, false)
		case name(j, "for"):
			stack = append(stack, waiting{at: j, depth: depth})
		case name(j, "as"):
			stack = append(stack, waiting{at: j, depth: depth, as: true})
		case depth == 0 && op(j, "=") && !op(j+1, "=") && !op(j-1, "=") && !op(j-1, "!") &&
			!(op(j-1, "<") && !op(j-2, "<")) && !(op(j-1, ">") && !op(j-2, ">")):
			lastAssign = j
		}
	}
	target := make([]bool, len(toks))
	for k, n := 0, 0; k < len(toks); k++ {
		n += edges[k]
		target[k] = n > 0
	}
	return target
}

// pyNumberEnd is where the number literal starting at src[i] ends, as
// Python reads it: 0x/0o/0b and their digits, or digits, one fraction and
// an exponent, then j; underscores between digits. What follows (a name,
// a dot) is the next token: `1..__class__` is a float, a dot and a name.
func pyNumberEnd(src string, i int) int {
	digits := func(j int, ok func(byte) bool) int {
		for j < len(src) && (ok(src[j]) || src[j] == '_') {
			j++
		}
		return j
	}
	dec := func(c byte) bool { return c >= '0' && c <= '9' }
	if src[i] == '0' && i+1 < len(src) && strings.ContainsRune("xXoObB", rune(src[i+1])) {
		return digits(i+2, func(c byte) bool {
			return dec(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
		})
	}
	j := digits(i, dec)
	if j < len(src) && src[j] == '.' {
		j = digits(j+1, dec)
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k < len(src) && dec(src[k]) {
			j = digits(k, dec)
		}
	}
	if j < len(src) && (src[j] == 'j' || src[j] == 'J') {
		j++
	}
	return j
}

// pyString reads the string literal whose opening quote is at src[i],
// with the (lower-case) prefix before it.
func pyString(src string, i int, prefix string) (pyToken, int, string) {
	q := src[i]
	delim := string(q)
	if strings.HasPrefix(src[i:], strings.Repeat(delim, 3)) {
		delim = strings.Repeat(delim, 3)
	}
	raw := strings.Contains(prefix, "r")
	formatted := strings.ContainsAny(prefix, "ft")
	t := pyToken{kind: 's'}
	bytesLit := strings.Contains(prefix, "b")
	if formatted {
		t.kind = 'f'
	}
	start := i + len(delim)
	for k := start; k < len(src); {
		switch {
		case strings.HasPrefix(src[k:], delim):
			body := src[start:k]
			if !formatted && !strings.Contains(body, "\r") {
				t.text, t.plain = body, true
				if !raw && bytesLit &&
					(strings.Contains(body, "\\u") || strings.Contains(body, "\\U") || strings.Contains(body, "\\N")) {
					t.plain = false // not escapes in bytes: kept as written
				} else if !raw {
					t.text, t.plain = pyUnescape(body)
				}
			}
			return t, k + len(delim), ""
		case len(delim) == 1 && (src[k] == '\n' || src[k] == '\r'):
			return t, 0, "a string that does not end on its line"
		case formatted && !raw && strings.HasPrefix(src[k:], "\\N{"):
			return t, 0, "a \\N{...} escape in an f-string"
		case formatted && (strings.HasPrefix(src[k:], "\\{") || strings.HasPrefix(src[k:], "\\}")):
			k++ // Python keeps the backslash; the brace is a field's, as without it
		case src[k] == '\\':
			k += 2
		case formatted && strings.HasPrefix(src[k:], "{{"), formatted && strings.HasPrefix(src[k:], "}}"):
			k += 2
		case formatted && src[k] == '}':
			return t, 0, "a single } in an f-string"
		case formatted && src[k] == '{':
			end, why := pyField(src, k+1, q)
			if why != "" {
				return t, 0, why
			}
			t.fields = append(t.fields, src[k+1:end])
			k = end + 1
		default:
			k++
		}
	}
	return t, 0, "a string that does not end"
}

// pyField finds the } that ends the f-string replacement field starting at
// src[k], inside a string quoted with q. A quote like the string's own, a
// backslash or a # in the field (which Python versions read differently)
// is refused.
func pyField(src string, k int, q byte) (int, string) {
	depth := 0
	for k < len(src) {
		c := src[k]
		switch {
		case c == q:
			return 0, "an f-string field holding the string's own quote"
		case c == '\\' || c == '#':
			return 0, "an f-string field holding a backslash or a #"
		case c == '\'' || c == '"':
			j := k
			for j > 0 && identByte(src[j-1]) {
				j--
			}
			prefix := strings.ToLower(src[j:k])
			if !slices.Contains(pyStringPrefixes, prefix) {
				return 0, "a string prefix Python does not know"
			}
			_, end, why := pyString(src, k, prefix)
			if why != "" {
				return 0, why
			}
			k = end
			continue
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']':
			depth--
		case c == '}':
			if depth == 0 {
				return k, ""
			}
			depth--
		}
		k++
	}
	return 0, "an f-string field that does not end"
}

// pyUnescape decodes a string literal's escapes; a \N{...} escape, an
// escape that does not end or a code point out of range leaves the value
// unknown.
func pyUnescape(s string) (string, bool) {
	if !strings.Contains(s, "\\") {
		return s, true
	}
	var b strings.Builder
	simple := map[byte]string{'\\': "\\", '\'': "'", '"': "\"", 'n': "\n", 't': "\t", 'r': "\r", 'a': "\a",
		'b': "\b", 'f': "\f", 'v': "\v", '\n': ""}
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", false
		}
		c := s[i+1]
		if v, ok := simple[c]; ok {
			b.WriteString(v)
			i++
			continue
		}
		width, base := 0, 16
		switch {
		case c == 'x':
			width = 2
		case c == 'u':
			width = 4
		case c == 'U':
			width = 8
		case c >= '0' && c <= '7':
			width, base = 1, 8
			for width < 3 && i+1+width < len(s) && s[i+1+width] >= '0' && s[i+1+width] <= '7' {
				width++
			}
			n, err := strconv.ParseUint(s[i+1:i+1+width], 8, 32)
			if err != nil {
				return "", false
			}
			b.WriteRune(rune(n))
			i += width
			continue
		default:
			if c == 'N' {
				return "", false
			}
			b.WriteByte('\\') // Python keeps an unknown escape as written
			continue
		}
		if i+2+width > len(s) {
			return "", false
		}
		n, err := strconv.ParseUint(s[i+2:i+2+width], base, 32)
		if err != nil || n > 0x10ffff {
			return "", false
		}
		b.WriteRune(rune(n))
		i += 1 + width
	}
	return b.String(), true
}

// pyModules are the modules a read-only program may import, each with the
// attributes it may use, by name. A listed attribute that is itself a
// listed module ("os.path") is checked as that module. The long lists are
// CPython 3.11's public names of the module (and a few later versions
// add) less the modules it imports (fractions.re, statistics.random,
// calendar.datetime: a module reached that way is checked against nothing)
// and its command-line entry points (ast.main, base64.main, calendar.main
// read the files sys.argv names, which the program may change): a name
// another version adds is refused until it is listed.
var pyModules = sync.OnceValue(func() map[string][]string {
	return map[string][]string{
		"json": {"load", "loads", "dump", "dumps", "JSONDecodeError", "JSONDecoder", "JSONEncoder"},
		"re":   {"compile", "search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split", "escape", "error", "Pattern", "Match", "IGNORECASE", "I", "MULTILINE", "M", "DOTALL", "S", "VERBOSE", "X", "ASCII", "A"},
		"ast": pyNames(`Add alias And AnnAssign arg arguments Assert Assign AST AsyncFor AsyncFunctionDef AsyncWith
			Attribute AugAssign AugLoad AugStore auto Await BinOp BitAnd BitOr BitXor BoolOp boolop Break
			Bytes Call ClassDef cmpop Compare comprehension Constant contextmanager Continue copy_location
			Del Delete Dict DictComp Div dump Ellipsis Eq ExceptHandler excepthandler Expr expr expr_context
			Expression ExtSlice fix_missing_locations FloorDiv For FormattedValue FunctionDef GeneratorExp
			get_docstring get_source_segment Global Gt GtE If IfExp Import ImportFrom In increment_lineno
			Index IntEnum Interactive Invert Is IsNot iter_child_nodes iter_fields JoinedStr keyword Lambda
			List ListComp literal_eval Load LShift Lt LtE Match match_case MatchAs MatchClass MatchMapping
			MatchOr MatchSequence MatchSingleton MatchStar MatchValue MatMult Mod mod Module Mult Name
			NameConstant NamedExpr NodeTransformer NodeVisitor Nonlocal Not NotEq NotIn nullcontext Num
			operator Or Param ParamSpec parse Pass pattern Pow PyCF_ALLOW_TOP_LEVEL_AWAIT PyCF_ONLY_AST
			PyCF_TYPE_COMMENTS Raise Return RShift Set SetComp Slice slice Starred stmt Store Str Sub
			Subscript Suite Try TryStar Tuple type_ignore TypeAlias TypeIgnore TypeVar TypeVarTuple UAdd
			UnaryOp unaryop unparse USub walk While With withitem Yield YieldFrom`),
		"tokenize": {"tokenize", "generate_tokens", "untokenize", "detect_encoding", "TokenInfo", "tok_name", "COMMENT", "NAME", "OP", "STRING", "NUMBER", "NEWLINE", "NL", "INDENT", "DEDENT", "ENDMARKER"},
		"token": pyNames(`AMPER AMPEREQUAL ASYNC AT ATEQUAL AWAIT CIRCUMFLEX CIRCUMFLEXEQUAL COLON COLONEQUAL COMMA
			COMMENT DEDENT DOT DOUBLESLASH DOUBLESLASHEQUAL DOUBLESTAR DOUBLESTAREQUAL ELLIPSIS ENCODING
			ENDMARKER EQEQUAL EQUAL ERRORTOKEN EXACT_TOKEN_TYPES GREATER GREATEREQUAL INDENT ISEOF
			ISNONTERMINAL ISTERMINAL LBRACE LEFTSHIFT LEFTSHIFTEQUAL LESS LESSEQUAL LPAR LSQB MINEQUAL MINUS
			N_TOKENS NAME NEWLINE NL NOTEQUAL NT_OFFSET NUMBER OP PERCENT PERCENTEQUAL PLUS PLUSEQUAL RARROW
			RBRACE RIGHTSHIFT RIGHTSHIFTEQUAL RPAR RSQB SEMI SLASH SLASHEQUAL SOFT_KEYWORD STAR STAREQUAL
			STRING TILDE tok_name TYPE_COMMENT TYPE_IGNORE VBAR VBAREQUAL`),
		"keyword": pyNames(`iskeyword issoftkeyword kwlist softkwlist`),
		"math": pyNames(`acos acosh asin asinh atan atan2 atanh cbrt ceil comb copysign cos cosh degrees dist e erf erfc
			exp exp2 expm1 fabs factorial floor fma fmod frexp fsum gamma gcd hypot inf isclose isfinite
			isinf isnan isqrt lcm ldexp lgamma log log10 log1p log2 modf nan nextafter perm pi pow prod
			radians remainder sin sinh sqrt sumprod tan tanh tau trunc ulp`),
		"cmath": pyNames(`acos acosh asin asinh atan atanh cos cosh e exp inf infj isclose isfinite isinf isnan log log10
			nan nanj phase pi polar rect sin sinh sqrt tan tanh tau`),
		"statistics": pyNames(`bisect_left bisect_right correlation Counter covariance Decimal defaultdict erf exp fabs fmean
			Fraction fsum geometric_mean groupby harmonic_mean hypot linear_regression LinearRegression log
			mean median median_grouped median_high median_low mode mul multimode namedtuple NormalDist
			pstdev pvariance quantiles reduce repeat sqrt StatisticsError stdev tau variance`),
		"fractions": pyNames(`Decimal Fraction`),
		"decimal": pyNames(`BasicContext Clamped Context ConversionSyntax Decimal DecimalException DecimalTuple
			DefaultContext DivisionByZero DivisionImpossible DivisionUndefined ExtendedContext
			FloatOperation getcontext HAVE_CONTEXTVAR HAVE_THREADS Inexact InvalidContext InvalidOperation
			localcontext MAX_EMAX MAX_PREC MIN_EMIN MIN_ETINY Overflow ROUND_05UP ROUND_CEILING ROUND_DOWN
			ROUND_FLOOR ROUND_HALF_DOWN ROUND_HALF_EVEN ROUND_HALF_UP ROUND_UP Rounded setcontext Subnormal
			Underflow`),
		"datetime": pyNames(`date datetime datetime_CAPI MAXYEAR MINYEAR time timedelta timezone tzinfo UTC`),
		"calendar": pyNames(`c Calendar calendar day_abbr day_name different_locale EPOCH error February firstweekday format
			formatstring FRIDAY HTMLCalendar IllegalMonthError IllegalWeekdayError isleap January leapdays
			LocaleHTMLCalendar LocaleTextCalendar mdays MONDAY month month_abbr month_name monthcalendar
			monthrange prcal prmonth prweek repeat SATURDAY setfirstweekday SUNDAY TextCalendar THURSDAY
			timegm TUESDAY WEDNESDAY week weekday weekheader`),
		"zoneinfo": {"ZoneInfo", "available_timezones"},
		"time":     {"time", "time_ns", "sleep", "strftime", "strptime", "gmtime", "localtime", "mktime", "ctime", "asctime", "perf_counter", "monotonic", "process_time", "timezone", "tzname"},
		"unicodedata": pyNames(`bidirectional category combining decimal decomposition digit east_asian_width is_normalized
			lookup mirrored name normalize numeric UCD ucd_3_2_0 unidata_version`),
		"struct": pyNames(`calcsize error iter_unpack pack pack_into Struct unpack unpack_from`),
		"binascii": pyNames(`a2b_base64 a2b_hex a2b_qp a2b_uu b2a_base64 b2a_hex b2a_qp b2a_uu crc32 crc_hqx Error hexlify
			Incomplete unhexlify`),
		"base64": pyNames(`a85decode a85encode b16decode b16encode b32decode b32encode b32hexdecode b32hexencode b64decode
			b64encode b85decode b85encode bytes_types decode decodebytes encode encodebytes MAXBINSIZE
			MAXLINESIZE standard_b64decode standard_b64encode urlsafe_b64decode urlsafe_b64encode`),
		"hashlib": pyNames(`algorithms_available algorithms_guaranteed blake2b blake2s file_digest md5 new pbkdf2_hmac
			scrypt sha1 sha224 sha256 sha384 sha3_224 sha3_256 sha3_384 sha3_512 sha512 shake_128 shake_256`),
		"zlib":     {"compress", "decompress", "crc32", "adler32"},
		"html":     {"escape", "unescape"},
		"textwrap": pyNames(`dedent fill indent shorten TextWrapper wrap`),
		"difflib": pyNames(`context_diff diff_bytes Differ GenericAlias get_close_matches HtmlDiff IS_CHARACTER_JUNK
			IS_LINE_JUNK Match ndiff restore SequenceMatcher unified_diff`),
		"heapq":       pyNames(`heapify heappop heappush heappushpop heapreplace merge nlargest nsmallest`),
		"bisect":      pyNames(`bisect bisect_left bisect_right insort insort_left insort_right`),
		"collections": pyNames(`abc ChainMap Counter defaultdict deque namedtuple OrderedDict UserDict UserList UserString`),
		"collections.abc": pyNames(`AsyncGenerator AsyncIterable AsyncIterator Awaitable ByteString Callable Collection Container
			Coroutine Generator Hashable ItemsView Iterable Iterator KeysView Mapping MappingView
			MutableMapping MutableSequence MutableSet Reversible Sequence Set Sized ValuesView`),
		"itertools": pyNames(`accumulate batched chain combinations combinations_with_replacement compress count cycle
			dropwhile filterfalse groupby islice pairwise permutations product repeat starmap takewhile tee
			zip_longest`),
		"functools":  {"reduce", "partial", "lru_cache", "cache", "cmp_to_key", "total_ordering", "cached_property"},
		"operator":   {"itemgetter", "add", "sub", "mul", "eq", "ne", "lt", "le", "gt", "ge", "not_", "neg", "getitem", "contains", "truediv", "floordiv", "mod"},
		"copy":       {"copy", "deepcopy"},
		"random":     {"random", "randint", "choice", "choices", "shuffle", "sample", "seed", "uniform", "randrange"},
		"secrets":    {"token_hex", "token_urlsafe", "token_bytes", "choice", "randbelow"},
		"uuid":       {"uuid4", "uuid3", "uuid5", "UUID", "NAMESPACE_DNS", "NAMESPACE_URL"},
		"shlex":      {"split", "quote", "join"},
		"fnmatch":    {"fnmatch", "fnmatchcase", "filter", "translate"},
		"glob":       {"glob", "iglob", "escape"},
		"pprint":     {"pprint", "pformat", "pp"},
		"abc":        {"ABC", "abstractmethod"},
		"contextlib": {"suppress", "contextmanager", "closing", "nullcontext", "ExitStack"},
		"warnings":   {"filterwarnings", "simplefilter", "warn", "catch_warnings"},
		"typing":     {"Any", "Optional", "Union", "List", "Dict", "Set", "Tuple", "Iterable", "Iterator", "Sequence", "Mapping", "Callable", "NamedTuple", "TYPE_CHECKING", "cast"},
		"string":     {"ascii_letters", "ascii_lowercase", "ascii_uppercase", "digits", "hexdigits", "octdigits", "punctuation", "printable", "whitespace", "capwords", "Template"},
		// Not platform(), uname(), processor() or architecture(): they run
		// uname -p or file, found on PATH (seen with strace for platform());
		// not libc_ver(PATH), which reads the file it is given.
		"platform": {"python_version", "python_version_tuple", "python_implementation", "system", "machine", "release",
			"version", "node", "freedesktop_os_release"},
		"sysconfig": {"get_paths", "get_path", "get_config_var", "get_config_vars", "get_python_version", "get_platform", "get_scheme_names", "get_default_scheme"},
		"locale":    {"getpreferredencoding", "getlocale", "getdefaultlocale", "getencoding"},
		"sys": {"version", "version_info", "executable", "platform", "argv", "prefix", "base_prefix", "exec_prefix",
			"base_exec_prefix", "implementation", "maxsize", "maxunicode", "byteorder", "stdout", "stderr", "getrecursionlimit",
			"getdefaultencoding", "getfilesystemencoding", "getsizeof", "float_info", "int_info", "hexversion", "api_version",
			"flags", "exit", "stdlib_module_names", "builtin_module_names", "platlibdir", "thread_info", "hash_info"},
		"os": {"getcwd", "listdir", "scandir", "walk", "sep", "linesep", "pathsep", "curdir", "pardir", "extsep", "name",
			"cpu_count", "getpid", "getppid", "getuid", "getgid", "uname", "stat", "lstat", "path", "get_terminal_size",
			"fspath", "fsdecode", "fsencode", "strerror", "devnull"},
		"os.path": {"abspath", "basename", "commonpath", "commonprefix", "dirname", "exists", "lexists", "expanduser",
			"getatime", "getctime", "getmtime", "getsize", "isabs", "isdir", "isfile", "islink", "ismount", "join",
			"normcase", "normpath", "realpath", "relpath", "samefile", "split", "splitdrive", "splitext", "sep"},
		"pathlib":      {"Path", "PurePath", "PurePosixPath", "PosixPath"},
		"csv":          {"reader", "DictReader", "writer", "DictWriter", "Sniffer", "field_size_limit", "QUOTE_ALL", "QUOTE_MINIMAL", "QUOTE_NONE", "QUOTE_NONNUMERIC", "excel", "excel_tab", "Error"},
		"configparser": {"ConfigParser", "RawConfigParser", "Error", "NoSectionError", "NoOptionError"},
		"tomllib":      {"load", "loads", "TOMLDecodeError"},
		"zipfile":      {"ZipFile", "is_zipfile", "BadZipFile", "ZipInfo"},
		"tarfile":      {"open", "is_tarfile", "TarInfo", "ReadError"},
		"io":           {"StringIO", "BytesIO"},
		"urllib":       {"parse"},
		"urllib.parse": {"urlparse", "urlsplit", "urlunparse", "urlunsplit", "urljoin", "quote", "unquote", "quote_plus", "unquote_plus", "urlencode", "parse_qs", "parse_qsl"},
	}
})

// pyDeniedNames may not occur anywhere in a read-only program, as a call,
// an attribute or a bare name: what evaluates or imports code, reaches
// the environment, a module's globals or a frame, runs a program, writes,
// removes, moves or links a file, or opens a connection. func_globals and
// the other func_ and im_ names are Python 2's for a function's globals
// and code (`python` may be Python 2: f.func_globals['__builtins__'].file
// wrote a file). mro and obj (an AttributeError's object) hand a class
// to a variable, where its attributes can be changed (pyPathClasses).
// taropen, gzopen, bz2open and xzopen are a TarFile's openers of any path
// (t.taropen('.env') with TarInfo.frombuf replaced printed .env).
var pyDeniedNames = sync.OnceValue(func() map[string]bool {
	denied := map[string]bool{}
	for _, n := range strings.Fields(`eval exec execfile compile_command getattr setattr delattr globals locals vars
		input raw_input breakpoint help environ environb getenv getenvb putenv unsetenv system run call check_call
		check_output getoutput getstatusoutput Popen kill killpg remove removedirs unlink rmdir rmtree rename renames
		mkdir makedirs chmod lchmod fchmod chown lchown fchown chroot chdir fchdir link symlink symlink_to hardlink_to
		link_to truncate ftruncate write writelines write_text write_bytes writestr touch extract extractall
		setpassword utime mkfifo mknod startfile sendfile dup dup2 fdopen memfd_create attrgetter methodcaller
		import_module reload spec_from_file_location module_from_spec exec_module load_module load_source urlopen
		urlretrieve connect create_connection interact run_path run_module CDLL PyDLL cdll pydll dlopen
		LoadLibrary gi_frame gi_code cr_frame ag_frame f_globals f_locals f_builtins f_back f_code tb_frame
		tb_next modules meta_path path_hooks path_importer_cache settrace setprofile addaudithook expandvars move
		copyfile copy2 copytree copyfileobj copymode copystat make_archive unpack_archive mkstemp mkdtemp
		NamedTemporaryFile TemporaryFile TemporaryDirectory SpooledTemporaryFile get_type_hints ForwardRef
		FunctionType CodeType LambdaType MethodType ModuleType register_at_fork open_code makefile makedir
		makelink makefifo makedev makeunknown copy_into move_into setxattr chflags lchflags posix_fallocate
		copy_file_range splice taropen gzopen bz2open xzopen mro obj func_globals func_code func_closure func_defaults func_dict im_func im_self
		im_class`) {
		denied[n] = true
	}
	return denied
})

// pyDeniedPrefix reports whether n is one of the families of functions
// that replace or fork the process, run a program, write or remove:
// exec*, spawn*, posix_spawn*, fork*, popen*, write*, pwrite*, remove*.
func pyDeniedPrefix(n string) bool {
	for _, p := range []string{"execl", "execv", "spawn", "posix_spawn", "fork", "popen", "write", "pwrite", "remove"} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// pyModuleAttrs are attribute names that are modules which run programs,
// write, or reach the interpreter's state: reached through another
// object's attribute (Path.parser is posixpath, which holds os).
var pyModuleAttrs = sync.OnceValue(func() map[string]bool {
	return map[string]bool{"os": true, "sys": true, "posix": true, "nt": true, "posixpath": true, "ntpath": true,
		"genericpath": true, "builtins": true, "subprocess": true, "shutil": true, "importlib": true, "pickle": true,
		"marshal": true, "shelve": true, "ctypes": true, "socket": true, "io": true, "codecs": true, "runpy": true,
		"code": true, "pdb": true, "tempfile": true, "parser": true, "signal": true, "multiprocessing": true,
		"threading": true, "asyncio": true, "urllib": true, "http": true, "webbrowser": true, "zipimport": true,
		"imp": true, "pty": true, "fcntl": true, "resource": true, "mmap": true, "pathlib": true, "linecache": true,
		"inspect": true, "types": true, "gc": true, "sysconfig": true, "site": true}
})

// SafePythonProgram reports whether text, a Python program, only reads
// files its string literals name, lists directories and prints (see the
// comment above pyToken), and says why not.
func SafePythonProgram(text string) (bool, string) {
	why := pyProgramWhy(text)
	return why == "", why
}

// pyProgramWhy says why text is more than a read, or "".
func pyProgramWhy(text string) string {
	_, why := pyProgramReads(text)
	return why
}

// pyProgramReads is the files a read-only program opens (its literal
// paths), or why it is more than a read.
func pyProgramReads(text string) ([]string, string) {
	if strings.TrimSpace(text) == "" {
		return nil, "an empty program (python3 reads one from its standard input)"
	}
	lines := strings.SplitN(strings.ReplaceAll(text, "\r", "\n"), "\n", 3)
	for _, l := range lines[:min(2, len(lines))] {
		if _, comment, ok := strings.Cut(l, "#"); ok && (strings.Contains(comment, "coding:") || strings.Contains(comment, "coding=")) {
			return nil, "a coding declaration (it changes how Python decodes the text)"
		}
	}
	toks, why := pyTokens(text)
	if why != "" {
		return nil, why
	}
	streams := [][]pyToken{toks}
	for k := 0; k < len(streams); k++ {
		if len(streams) > 1000 {
			return nil, "too many f-string fields"
		}
		for _, t := range streams[k] {
			for _, f := range t.fields {
				ft, why := pyTokens(f)
				if why != "" {
					return nil, why
				}
				streams = append(streams, ft)
			}
		}
	}
	mods, imported, stmt := map[string]string{}, map[string]bool{}, map[int]bool{}
	if why := pyImports(toks, mods, imported, stmt); why != "" {
		return nil, why
	}
	var paths []string
	for k, s := range streams {
		inImport := stmt
		if k > 0 {
			inImport = nil
		}
		p, why := pyCheck(s, mods, imported, inImport)
		if why != "" {
			return nil, why
		}
		paths = append(paths, p...)
	}
	return paths, ""
}

// pyAllowed reports whether module mod lists attr.
func pyAllowed(mod, attr string) bool {
	list, ok := pyModules()[mod]
	return ok && slices.Contains(list, attr)
}

// pyNames splits a list of names written on several lines.
func pyNames(s string) []string { return strings.Fields(s) }

// pyImports checks the import statements of toks, binds the names they
// bind to modules in mods and marks their tokens' indexes in stmt.
func pyImports(toks []pyToken, mods map[string]string, imported map[string]bool, stmt map[int]bool) string {
	name := func(i int) bool { return i >= 0 && i < len(toks) && toks[i].kind == 'n' }
	op := func(i int, o string) bool { return i >= 0 && i < len(toks) && toks[i].kind == 'o' && toks[i].text == o }
	dotted := func(i int) (string, int) {
		if !name(i) {
			return "", i
		}
		d := toks[i].text
		for i++; op(i, ".") && name(i+1); i += 2 {
			d += "." + toks[i+1].text
		}
		return d, i
	}
	done := map[int]bool{}
	// The checks take a name an import binds to be that module (or
	// name) everywhere: one name bound to two (in a function and at the
	// top) would be checked as one and run as the other.
	bound := map[string]string{}
	bind := func(name, what string) string {
		if prev, ok := bound[name]; ok && prev != what {
			return "imports " + prev + " and " + what + " under one name, " + name
		}
		bound[name] = what
		imported[name] = true
		if pyCheckedNames[name] != "" && pyCheckedNames[name] != what {
			return "imports " + what + " as " + name + ", a name whose calls the judge checks as " + pyCheckedNames[name] + "'s"
		}
		return ""
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != 'n' || op(i-1, ".") {
			continue
		}
		switch {
		case t.text == "from" && (op(i+1, ".") || name(i+1)):
			if op(i+1, ".") {
				return "a relative import"
			}
			mod, j := dotted(i + 1)
			if !name(j) || toks[j].text != "import" {
				continue // yield from, raise ... from
			}
			first := i
			if _, ok := pyModules()[mod]; !ok {
				return "imports from " + mod + ", which is not known to only read"
			}
			done[j] = true
			j++
			if op(j, "(") {
				j++
			}
			for {
				if op(j, "*") {
					return "a star import"
				}
				if !name(j) {
					return "an import the judge does not follow"
				}
				attr, as := toks[j].text, toks[j].text
				if !pyAllowed(mod, attr) || pyDeniedNames()[attr] || strings.HasPrefix(attr, "_") {
					return "imports " + mod + "." + attr + ", which is not known to only read"
				}
				if mod == "ast" && attr == "parse" {
					return "imports ast.parse by name (its calls are checked as ast.parse's)"
				}
				j++
				if name(j) && toks[j].text == "as" && name(j+1) {
					if attr == "open" || attr == "ZipFile" || attr == "Path" {
						return "imports " + mod + "." + attr + " under another name (its calls are checked by name)"
					}
					as = toks[j+1].text
					j += 2
				}
				if why := bind(as, mod+"."+attr); why != "" {
					return why
				}
				if _, ok := pyModules()[mod+"."+attr]; ok {
					mods[as] = mod + "." + attr
				}
				if !op(j, ",") {
					break
				}
				j++
			}
			for k := first; k < j; k++ {
				stmt[k] = true
			}
			i = j - 1
		case t.text == "import" && !done[i]:
			j := i + 1
			for {
				mod, k := dotted(j)
				if mod == "" {
					return "an import the judge does not follow"
				}
				if _, ok := pyModules()[mod]; !ok {
					return "imports " + mod + ", which is not known to only read"
				}
				first, _, _ := strings.Cut(mod, ".")
				if _, ok := pyModules()[first]; !ok {
					return "imports " + first + ", which is not known to only read"
				}
				as, key := first, first
				if name(k) && toks[k].text == "as" && name(k+1) {
					as, key = toks[k+1].text, mod
					k += 2
				}
				if why := bind(as, key); why != "" {
					return why
				}
				mods[as] = key
				for m := i; m < k; m++ {
					stmt[m] = true
				}
				if !op(k, ",") {
					break
				}
				j = k + 1
			}
		}
	}
	return ""
}

// pyDunderDefs are the special methods a program's class may define: the
// ones the interpreter calls with the program's own values. Not those the
// standard library calls with other objects or names: __reduce_ex__ and
// __reduce__ (copy.deepcopy calls what they return and sets the attributes
// they name, on any object: pathlib.PosixPath's __fspath__ made a literal
// path read .env), __setattr__ and __getattr__ (given what a library sets
// or asks for), __set_name__, __init_subclass__, __class_getitem__,
// __getstate__, __setstate__, __copy__, __deepcopy__, __fspath__, __del__.
var pyDunderDefs = map[string]bool{"__init__": true, "__repr__": true, "__str__": true, "__eq__": true, "__ne__": true,
	"__lt__": true, "__le__": true, "__gt__": true, "__ge__": true, "__hash__": true, "__len__": true, "__iter__": true,
	"__next__": true, "__contains__": true, "__getitem__": true, "__bool__": true, "__call__": true, "__enter__": true,
	"__exit__": true, "__add__": true, "__radd__": true, "__sub__": true, "__mul__": true, "__truediv__": true,
	"__neg__": true, "__abs__": true}

// pyPathClasses are pathlib's classes: only called or read from, never
// bound, passed or subclassed, so that no class of theirs is changed
// (`P = pathlib.PurePath; P.drive = property(lambda s: '.env')` made
// Path('.').read_text() read .env on 3.12: str(path) starts with drive).
var pyPathClasses = map[string]bool{"Path": true, "PurePath": true, "PurePosixPath": true, "PosixPath": true}

// pyCheckedNames are the names whose calls pyCheck judges by the name
// (open(LITERAL), Path(LITERAL).read_text(), ZipFile(LITERAL)): an import
// may bind them only to what they are checked as.
var pyCheckedNames = map[string]string{"open": "tarfile.open", "Path": "pathlib.Path", "ZipFile": "zipfile.ZipFile"}

// pyCheck checks one stream of tokens (a program, or an f-string's field)
// and returns the paths it opens; inImport holds the indexes of the
// tokens of its import statements.
func pyCheck(toks []pyToken, mods map[string]string, imported map[string]bool, inImport map[int]bool) ([]string, string) {
	isOp := func(i int, o string) bool { return i >= 0 && i < len(toks) && toks[i].kind == 'o' && toks[i].text == o }
	isName := func(i int, n string) bool { return i >= 0 && i < len(toks) && toks[i].kind == 'n' && toks[i].text == n }
	modAt := make([]string, len(toks))
	var paths []string
	if pyUnpacksKeywords(toks) {
		return nil, "a call with **keywords (their names are strings the judge does not check: ast's nodes set any attribute named so)"
	}
	target := pyTargets(toks)
	for i, t := range toks {
		if t.kind != 'n' {
			continue
		}
		n := t.text
		afterDot := isOp(i-1, ".")
		recv := ""
		if afterDot && i >= 2 {
			recv = modAt[i-2]
		}
		if n == "write" && afterDot && (isName(i-2, "stdout") || isName(i-2, "stderr")) && isOp(i-3, ".") && i >= 4 && modAt[i-4] == "sys" {
			continue // sys.stdout.write: printing
		}
		if pyDeniedNames()[n] || (n == "type" || n == "compile") && !afterDot || pyDeniedPrefix(n) {
			return nil, "uses " + n
		}
		dunder := strings.HasPrefix(n, "__") && strings.HasSuffix(n, "__") && len(n) > 4
		if dunder && (afterDot || n != "__name__" && n != "__main__" && !(isName(i-1, "def") && pyDunderDefs[n])) {
			return nil, "uses " + n
		}
		// A private name the program binds: the standard library reads
		// some from any object (ast's _fields names the attributes
		// ast.iter_fields, ast.walk and ast.dump get from a node).
		if !afterDot && !dunder && strings.HasPrefix(n, "_") && n != "_" {
			return nil, "uses the private name " + n
		}
		switch {
		case afterDot && strings.HasPrefix(n, "_"):
			return nil, "reads the private attribute " + n
		case recv != "":
			if !pyAllowed(recv, n) {
				return nil, recv + "." + n + " is not known to only read"
			}
			if _, ok := pyModules()[recv+"."+n]; ok {
				modAt[i] = recv + "." + n
			} else if !slices.Contains(pyModules()[recv], n) && pyModuleAttrs()[n] {
				return nil, "reaches the module " + recv + "." + n
			}
		case afterDot:
			if pyModuleAttrs()[n] {
				return nil, "reaches the module " + n + " through an attribute"
			}
			// An import in a class body binds the module as the class's
			// attribute (`class C: import os as o`, then C.o.replace).
			if mods[n] != "" {
				return nil, "reads an attribute named like the module " + mods[n] + " the program imports as " + n
			}
		default:
			modAt[i] = mods[n]
		}
		if inImport[i] {
			continue // a name an import statement binds
		}
		// A module's attribute assigned or deleted (`os.path.sep = 'n'`:
		// on 3.12, pathlib splits and joins a path with it, and
		// Path('.ennv').read_text() read .env).
		if target[i] && (modAt[i] != "" || !afterDot && imported[n]) {
			return nil, "assigns to " + n + ", which an import binds, or to its attributes"
		}
		// A module is checked by the attribute read from it: as a value
		// (`m = os`, `(sys).path`, `f(os)`, a parameter or a for's
		// target of its name) it takes any attribute unchecked.
		if modAt[i] != "" && !isOp(i+1, ".") {
			return nil, "uses the module " + modAt[i] + " as a value (only its listed attributes are checked)"
		}
		// Path(LITERAL).read_text() holds when Path is pathlib's: the name
		// (or pathlib.Path) only called or read from, never bound or passed
		// on (`Path = lambda s: P('.env')`, `class Path(...)`).
		if pyPathClasses[n] && (!afterDot || recv == "pathlib") &&
			(!isOp(i+1, "(") && !isOp(i+1, ".") || isName(i-1, "def") || isName(i-1, "class")) {
			return nil, "uses the name " + n + " other than to call it or read from it (Path(LITERAL).read_text() is checked as pathlib's)"
		}
		switch {
		case n == "open" && !afterDot:
			p, why := pyOpenForm(toks, i, []string{"r", "rb", "rt", "br", "tr"})
			if why != "" {
				return nil, why
			}
			paths = append(paths, p)
		case n == "open" && afterDot:
			if recv != "tarfile" {
				return nil, "opens a file through a method (its mode and path are not checked)"
			}
			p, why := pyOpenForm(toks, i, []string{"r", "r:*", "r:", "r:gz", "r:bz2", "r:xz", "r|*", "r|", "r|gz", "r|bz2", "r|xz"})
			if why != "" {
				return nil, why
			}
			paths = append(paths, p)
		case n == "ZipFile" && (!afterDot || recv == "zipfile"):
			p, why := pyOpenForm(toks, i, []string{"r"})
			if why != "" {
				return nil, why
			}
			paths = append(paths, p)
		case afterDot && (n == "read_text" || n == "read_bytes"):
			// Path(LITERAL).read_text(): the receiver is the path.
			if !isOp(i-2, ")") || i < 5 || toks[i-3].kind != 's' || !toks[i-3].plain || !isOp(i-4, "(") ||
				!isName(i-5, "Path") || isOp(i-6, ".") && (i < 7 || modAt[i-7] != "pathlib") {
				return nil, n + " reads a path the program computes"
			}
			if why := pyArgsForm(toks, i+1, false); why != "" {
				return nil, why
			}
			paths = append(paths, toks[i-3].text)
		case afterDot && n == "read":
			switch {
			case isOp(i+1, "(") && isOp(i+2, ")"):
			case isOp(i+1, "(") && i+3 < len(toks) && toks[i+2].kind == 'd' && isOp(i+3, ")"):
			case isOp(i+1, "(") && isOp(i+2, "-") && i+4 < len(toks) && toks[i+3].kind == 'd' && isOp(i+4, ")"):
			case isOp(i+1, "(") && i+3 < len(toks) && toks[i+2].kind == 's' && toks[i+2].plain && isOp(i+3, ")"):
				paths = append(paths, toks[i+2].text) // a parser's read(FILE)
			default:
				return nil, "read called with an argument the judge does not follow (a parser reads the files it is given)"
			}
		case afterDot && (n == "format" || n == "format_map"):
			// The format is the run of literals before the dot, which
			// Python joins ("{0.x}" "y".format(o)): each must be plain.
			ok := isOp(i+1, "(") && i >= 2 && toks[i-2].kind == 's'
			for k := i - 2; ok && k >= 0 && (toks[k].kind == 's' || toks[k].kind == 'f'); k-- {
				ok = toks[k].kind == 's' && toks[k].plain && pyPlainFields(toks[k].text)
			}
			if !ok {
				return nil, n + " on a format that is not a literal with plain fields (a field reads attributes)"
			}
		case afterDot && n == "parse" && recv == "ast":
			// ast.parse(SOURCE, FILENAME): on a syntax error the parser
			// reads the error's line from the file FILENAME names.
			positional, keywords, ok := pyCallArgs(toks, i+1)
			if !ok || positional > 1 || slices.Contains(keywords, "filename") {
				return nil, "ast.parse with a file name (a syntax error's line is read from that file) or in a form the judge does not follow"
			}
		case afterDot && n == "replace":
			if why := pyReplaceForm(toks, i); why != "" {
				return nil, why
			}
		case afterDot && n == "copy":
			if !isOp(i+1, "(") || !isOp(i+2, ")") {
				return nil, "copy with arguments (Path.copy writes a file)"
			}
		}
	}
	return paths, ""
}

// pyOpenForm checks the call at toks[i] (open, ZipFile, tarfile.open): a
// literal path, then at most a mode in modes and keyword arguments
// encoding, errors and newline (or mode) with literal values.
func pyOpenForm(toks []pyToken, i int, modes []string) (string, string) {
	name := toks[i].text
	if i+2 >= len(toks) || toks[i+1].kind != 'o' || toks[i+1].text != "(" || toks[i+2].kind != 's' || !toks[i+2].plain {
		return "", name + " of a path the program computes (only a literal path is judged)"
	}
	path := toks[i+2].text
	j, positional := i+3, 1
	for {
		if j >= len(toks) || toks[j].kind != 'o' {
			return "", name + " called in a form the judge does not follow"
		}
		if toks[j].text == ")" {
			return path, ""
		}
		if toks[j].text != "," {
			return "", name + " called in a form the judge does not follow"
		}
		j++
		switch {
		case j+1 < len(toks) && toks[j].kind == 'o' && toks[j].text == ")":
		case j < len(toks) && toks[j].kind == 's' && positional == 1:
			if !toks[j].plain || !slices.Contains(modes, toks[j].text) {
				return "", name + " with the mode " + strconv.Quote(toks[j].text) + ", not a read"
			}
			positional++
			j++
		case j+2 < len(toks) && toks[j].kind == 'n' && toks[j+1].kind == 'o' && toks[j+1].text == "=" && toks[j+2].kind == 's' && toks[j+2].plain:
			switch toks[j].text {
			case "encoding", "errors", "newline":
			case "mode":
				if !slices.Contains(modes, toks[j+2].text) {
					return "", name + " with the mode " + strconv.Quote(toks[j+2].text) + ", not a read"
				}
			default:
				return "", name + " with the argument " + toks[j].text + ", which the judge does not follow"
			}
			positional = 3
			j += 3
		default:
			return "", name + " called in a form the judge does not follow"
		}
	}
}

// pyArgsForm checks a read_text/read_bytes call's arguments at toks[j]:
// none, or an encoding and errors, as literals.
func pyArgsForm(toks []pyToken, j int, _ bool) string {
	if j >= len(toks) || toks[j].kind != 'o' || toks[j].text != "(" {
		return "read_text without a call"
	}
	for j++; j < len(toks); j++ {
		t := toks[j]
		switch {
		case t.kind == 'o' && t.text == ")":
			return ""
		case t.kind == 'o' && (t.text == "," || t.text == "="):
		case t.kind == 's' && t.plain:
		case t.kind == 'n' && (t.text == "encoding" || t.text == "errors"):
		default:
			return "read_text called in a form the judge does not follow"
		}
	}
	return "read_text called in a form the judge does not follow"
}

// pyPlainFields reports whether a str.format format's replacement fields
// are plain: an index or a name, without attribute or item access, and no
// field nested in a spec.
func pyPlainFields(f string) bool {
	for i := 0; i < len(f); i++ {
		switch {
		case strings.HasPrefix(f[i:], "{{"), strings.HasPrefix(f[i:], "}}"):
			i++
		case f[i] == '{':
			j := i + 1
			for j < len(f) && identByte(f[j]) {
				j++
			}
			if j >= len(f) || f[j] != '}' && f[j] != ':' && f[j] != '!' {
				return false
			}
			// After the name, a conversion and a spec ("{:.2f}"): a
			// nested field there ("{:{w.x}}") reads attributes too.
			if end := strings.IndexByte(f[j:], '}'); end < 0 || strings.ContainsRune(f[j:j+end], '{') {
				return false
			}
		}
	}
	return true
}

// pyUnpacksKeywords reports whether a call of toks unpacks a mapping
// into keyword arguments (f(**d)): the keywords' names are then strings.
// A def's own **parameter and a dict display's {**d} are not calls.
func pyUnpacksKeywords(toks []pyToken) bool {
	var open []bool // for each open bracket: a call's (
	for j, t := range toks {
		if t.kind != 'o' {
			continue
		}
		switch t.text {
		case "(":
			def := j >= 2 && toks[j-1].kind == 'n' && toks[j-2].kind == 'n' && toks[j-2].text == "def"
			open = append(open, !def)
		case "[", "{":
			open = append(open, false)
		case ")", "]", "}":
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		case "*":
			if len(open) > 0 && open[len(open)-1] && j+1 < len(toks) && toks[j+1].kind == 'o' && toks[j+1].text == "*" &&
				j > 0 && toks[j-1].kind == 'o' && (toks[j-1].text == "(" || toks[j-1].text == ",") {
				return true
			}
		}
	}
	return false
}

// pyCallArgs reads the arguments of the call whose ( is toks[open]: how
// many are positional and the keywords' names; not ok when there is no
// call, it does not end, or an argument is unpacked (*x, **x), which can
// be any number of either.
func pyCallArgs(toks []pyToken, open int) (positional int, keywords []string, ok bool) {
	if open >= len(toks) || toks[open].kind != 'o' || toks[open].text != "(" {
		return 0, nil, false
	}
	depth, start := 0, true
	for j := open + 1; j < len(toks); j++ {
		t := toks[j]
		if depth == 0 && start {
			start = false
			switch {
			case t.kind == 'o' && (t.text == "*" || t.text == "**"):
				return 0, nil, false
			case t.kind == 'o' && t.text == ")":
				return positional, keywords, true
			case t.kind == 'n' && j+1 < len(toks) && toks[j+1].kind == 'o' && toks[j+1].text == "=" &&
				!(j+2 < len(toks) && toks[j+2].kind == 'o' && toks[j+2].text == "="):
				keywords = append(keywords, t.text)
			default:
				positional++
			}
		}
		if t.kind != 'o' {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			if depth == 0 {
				return positional, keywords, true
			}
			depth--
		case ",":
			start = depth == 0
		}
	}
	return 0, nil, false
}

// pyReplaceForm: str.replace takes two positional arguments (or three),
// datetime.replace keywords; Path.replace(target) renames a file, and an
// unpacked argument (`*['b'], *[]`) may be that one target.
func pyReplaceForm(toks []pyToken, i int) string {
	positional, keywords, ok := pyCallArgs(toks, i+1)
	switch {
	case !ok:
		return "replace called in a form the judge does not follow (Path.replace moves a file)"
	case slices.Contains(keywords, "target"):
		return "replace(target=...) moves a file"
	case positional >= 2 || positional == 0 && len(keywords) > 0:
		return ""
	}
	return "replace with one argument (Path.replace moves a file)"
}

// pyHarmlessEnv are the PYTHON* variables that change nothing a program
// imports or runs.
var pyHarmlessEnv = []string{"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PYTHONIOENCODING", "PYTHONUTF8",
	"PYTHONHASHSEED", "PYTHONNOUSERSITE", "PYTHONSAFEPATH", "PYTHONFAULTHANDLER", "PYTHONCOERCECLOCALE"}

// pythonWhy says why `python3 [FLAGS] -c PROGRAM`, matched by a rule whose
// program text SafePythonProgram accepted, or `python3 [FLAGS] -m MODULE
// ...` (a standard module's command line a rule declares), is more than a
// read where it runs, or "": the interpreter's variables in the
// environment (PYTHONPATH and the like, unless -E or -I), a module of the
// standard library's name (or -m's) in the working directory (the first
// entry of the path a -c, -m or standard input program imports from,
// unless -I or -P), an interpreter in a virtual environment (its
// site-packages' .pth files run at start), words after a -c program, and
// each file the program opens, judged as cat's read of it (an archive's
// members by name, as for zcat).
func pythonWhy(argv []string, cwd string) string {
	if len(argv) < 3 || !pythonProgram(argv[0]) {
		return ""
	}
	ignoreEnv, safePath, prog, module := false, false, -1, false
	for i, a := range argv[1:] {
		if a == "-c" || a == "-m" {
			prog, module = i+2, a == "-m"
			break
		}
	}
	if prog < 0 || prog >= len(argv) {
		return "" // not a program given to the interpreter (--version)
	}
	for _, a := range argv[1 : prog-1] {
		switch a {
		case "-I":
			ignoreEnv, safePath = true, true
		case "-E":
			ignoreEnv = true
		case "-P":
			safePath = true
		case "-B", "-s", "-S", "-u":
		default:
			return "python3 takes " + a + " before its program: a script or an option the judge does not follow"
		}
	}
	if !module && prog != len(argv)-1 {
		return "python3 passes the words after its program to it"
	}
	if !ignoreEnv {
		for _, kv := range os.Environ() {
			k, _, _ := strings.Cut(kv, "=")
			// _PYTHON_SYSCONFIGDATA_NAME names the module sysconfig
			// imports (from the working directory first), with
			// _PYTHON_PROJECT_BASE and _PYTHON_HOST_PLATFORM beside it.
			if (strings.HasPrefix(k, "PYTHON") || strings.HasPrefix(k, "_PYTHON")) && !slices.Contains(pyHarmlessEnv, k) {
				return "python3 reads $" + k + ", which can change what it imports or runs"
			}
		}
	}
	if !safePath {
		entries, err := os.ReadDir(cwd)
		if err != nil {
			return "python3 imports from the working directory first, which cannot be listed (" + err.Error() + ")"
		}
		top, _, _ := strings.Cut(argv[prog], ".")
		for _, e := range entries {
			base, _, _ := strings.Cut(e.Name(), ".")
			if pyShadows(base) || module && base == top {
				return "the working directory holds " + e.Name() + ", which python3 imports in place of the standard library's " + base
			}
		}
	}
	if interp := pythonLookPath(argv[0], cwd); interp != "" {
		if _, err := os.Lstat(filepath.Join(filepath.Dir(filepath.Dir(interp)), "pyvenv.cfg")); err == nil {
			return interp + " is a virtual environment's interpreter: its site-packages (.pth files) run at start"
		}
	}
	if module {
		return "" // the module's files are the rule's reads
	}
	paths, why := pyProgramReads(argv[prog])
	if why != "" {
		return "python3's program: " + why
	}
	if filepath.Base(argv[0]) == "python" {
		// python may be Python 2, whose builtin file() opens for writing.
		toks, _ := pyTokens(argv[prog])
		for i, t := range toks {
			if t.kind == 'n' && t.text == "file" && (i == 0 || toks[i-1].kind != 'o' || toks[i-1].text != ".") {
				return "python may be Python 2, whose file() opens a file in any mode"
			}
		}
	}
	for _, p := range paths {
		if why := secretPath(p, cwd); why != "" {
			return "python3's program opens " + p + ": " + why
		}
		if why := deviceRead(p, cwd); why != "" {
			return "python3's program opens " + p + ": " + why
		}
		// An archive's members are printed through tarfile, zipfile or
		// the raw bytes: a member named like a secret is one.
		if why := archiveFile(Resolve(absolute(p, cwd), "/")); why != "" {
			return "python3's program opens " + p + ": " + why
		}
	}
	return ""
}

// pythonProgramFiles returns the files the program of `python3 [FLAGS] -c
// PROGRAM` opens (its literal paths), for the checks a script makes of a
// command's reads (readsMoved: `ln -s .env notes.txt; python3 -c
// "print(open('notes.txt').read())"` printed the secret through a link an
// earlier command made).
func pythonProgramFiles(argv []string) []string {
	if len(argv) < 3 || !pythonProgram(argv[0]) {
		return nil
	}
	for i, a := range argv[1 : len(argv)-1] {
		if a == "-m" {
			return nil
		}
		if a == "-c" {
			paths, _ := pyProgramReads(argv[i+2])
			return paths
		}
	}
	return nil
}

// pythonModuleArg is the top-level module `python3 [FLAGS] -m MODULE`
// runs, or "".
func pythonModuleArg(argv []string) string {
	for i, a := range argv {
		if a == "-m" && i+1 < len(argv) && i > 0 {
			top, _, _ := strings.Cut(argv[i+1], ".")
			return top
		}
	}
	return ""
}

// pythonImportsFrom is writtenInput's test for python3 run in dir: a path
// written or moved earlier in the script that pythonWhy's listing of the
// directory (modules named like the standard library's, or -m's, imported
// in their place: `cp evil.py csv.py; python3 -c 'import csv'`) did not
// see. Nothing under -I or -P, which leave the directory off the path.
func pythonImportsFrom(argv []string, dir string) func(string) bool {
	if pythonSafePath(argv) {
		return func(string) bool { return false }
	}
	module := pythonModuleArg(argv)
	return func(w string) bool {
		base, _, _ := strings.Cut(filepath.Base(w), ".")
		return w == dir || under(dir, w) || filepath.Dir(w) == dir && (pyShadows(base) || module != "" && module == base)
	}
}

// pythonSafePath reports whether python3's flags (-I, -P) leave the
// working directory off the import path.
func pythonSafePath(argv []string) bool {
	for _, a := range argv[1:] {
		switch a {
		case "-I", "-P":
			return true
		case "-c", "-m", "-":
			return false
		}
	}
	return false
}

// pythonStdinArgv is `python3 [FLAGS] -c STDIN` for `python3 [FLAGS] [-]`
// reading its program from stdin, a static here-document: the two run the
// same text with the same path (the working directory first).
func pythonStdinArgv(argv []string, stdin string) ([]string, bool) {
	if stdin == "" || len(argv) == 0 || !pythonProgram(argv[0]) {
		return nil, false
	}
	flags := argv[1:]
	if len(flags) > 0 && flags[len(flags)-1] == "-" {
		flags = flags[:len(flags)-1]
	}
	for _, f := range flags {
		if !slices.Contains([]string{"-B", "-E", "-I", "-s", "-S", "-u", "-P"}, f) {
			return nil, false
		}
	}
	return append(append(append([]string{}, argv[0]), flags...), "-c", stdin), true
}

// pyShadows reports whether a module named base in the working directory
// would be imported in place of one the listed modules import: the
// standard library's, a private one (sysconfig imports
// _sysconfigdata_*, by a name the list does not hold), or one of the other
// names the standard library tries: tzdata (zoneinfo, when the system has
// no zone files), org (copy tries org.python.core at import: a directory
// org/python/core.py ran at `import tarfile`, python 3.11). The names were
// found by walking the imports of the listed modules' sources and of every
// module they import, python 3.11. java (platform's java_ver, not listed,
// and xml.sax under Jython) and vms_lib (platform under OpenVMS) are
// imported only where sys.platform says Jython or OpenVMS, never by
// CPython: a monorepo's java/ directory shadows nothing (a java/lang.py
// there did not run for any listed platform function, python 3.11).
// __init__, __main__ and __pycache__ are never imported by name.
func pyShadows(base string) bool {
	switch {
	case base == "__init__" || base == "__main__" || base == "__pycache__":
		return false
	case strings.HasPrefix(base, "_"), base == "tzdata", base == "org":
		return true
	}
	return slices.Contains(stdlibModules, base)
}

// pythonProgram reports whether name is a Python interpreter's.
func pythonProgram(name string) bool {
	b := filepath.Base(name)
	if b == "python" || b == "python3" {
		return true
	}
	minor, ok := strings.CutPrefix(b, "python3.")
	n, err := strconv.Atoi(minor)
	return ok && err == nil && n >= 0 && n < 100
}

// pythonLookPath is the file name runs as: found on PATH, or as written
// (relative to cwd) when it holds a slash; "" when not found.
func pythonLookPath(name, cwd string) string {
	if strings.Contains(name, "/") {
		return absolute(name, cwd)
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	return absolute(p, cwd)
}

// stdlibModules are the standard library's top-level module names (CPython 3.11's
// sys.stdlib_module_names).
var stdlibModules = []string{
	"__future__", "_abc", "_aix_support", "_ast", "_asyncio", "_bisect", "_blake2", "_bootsubprocess", "_bz2",
	"_codecs", "_codecs_cn", "_codecs_hk", "_codecs_iso2022", "_codecs_jp", "_codecs_kr", "_codecs_tw",
	"_collections", "_collections_abc", "_compat_pickle", "_compression", "_contextvars", "_crypt", "_csv",
	"_ctypes", "_curses", "_curses_panel", "_datetime", "_dbm", "_decimal", "_elementtree", "_frozen_importlib",
	"_frozen_importlib_external", "_functools", "_gdbm", "_hashlib", "_heapq", "_imp", "_io", "_json", "_locale",
	"_lsprof", "_lzma", "_markupbase", "_md5", "_msi", "_multibytecodec", "_multiprocessing", "_opcode",
	"_operator", "_osx_support", "_overlapped", "_pickle", "_posixshmem", "_posixsubprocess", "_py_abc",
	"_pydecimal", "_pyio", "_queue", "_random", "_scproxy", "_sha1", "_sha256", "_sha3", "_sha512", "_signal",
	"_sitebuiltins", "_socket", "_sqlite3", "_sre", "_ssl", "_stat", "_statistics", "_string", "_strptime",
	"_struct", "_symtable", "_thread", "_threading_local", "_tkinter", "_tokenize", "_tracemalloc", "_typing",
	"_uuid", "_warnings", "_weakref", "_weakrefset", "_winapi", "_zoneinfo", "abc", "aifc", "antigravity",
	"argparse", "array", "ast", "asynchat", "asyncio", "asyncore", "atexit", "audioop", "base64", "bdb",
	"binascii", "bisect", "builtins", "bz2", "cProfile", "calendar", "cgi", "cgitb", "chunk", "cmath", "cmd",
	"code", "codecs", "codeop", "collections", "colorsys", "compileall", "concurrent", "configparser",
	"contextlib", "contextvars", "copy", "copyreg", "crypt", "csv", "ctypes", "curses", "dataclasses",
	"datetime", "dbm", "decimal", "difflib", "dis", "distutils", "doctest", "email", "encodings", "ensurepip",
	"enum", "errno", "faulthandler", "fcntl", "filecmp", "fileinput", "fnmatch", "fractions", "ftplib",
	"functools", "gc", "genericpath", "getopt", "getpass", "gettext", "glob", "graphlib", "grp", "gzip",
	"hashlib", "heapq", "hmac", "html", "http", "idlelib", "imaplib", "imghdr", "imp", "importlib", "inspect",
	"io", "ipaddress", "itertools", "json", "keyword", "lib2to3", "linecache", "locale", "logging", "lzma",
	"mailbox", "mailcap", "marshal", "math", "mimetypes", "mmap", "modulefinder", "msilib", "msvcrt",
	"multiprocessing", "netrc", "nis", "nntplib", "nt", "ntpath", "nturl2path", "numbers", "opcode", "operator",
	"optparse", "os", "ossaudiodev", "pathlib", "pdb", "pickle", "pickletools", "pipes", "pkgutil", "platform",
	"plistlib", "poplib", "posix", "posixpath", "pprint", "profile", "pstats", "pty", "pwd", "py_compile",
	"pyclbr", "pydoc", "pydoc_data", "pyexpat", "queue", "quopri", "random", "re", "readline", "reprlib",
	"resource", "rlcompleter", "runpy", "sched", "secrets", "select", "selectors", "shelve", "shlex", "shutil",
	"signal", "site", "smtpd", "smtplib", "sndhdr", "socket", "socketserver", "spwd", "sqlite3", "sre_compile",
	"sre_constants", "sre_parse", "ssl", "stat", "statistics", "string", "stringprep", "struct", "subprocess",
	"sunau", "symtable", "sys", "sysconfig", "syslog", "tabnanny", "tarfile", "telnetlib", "tempfile", "termios",
	"textwrap", "this", "threading", "time", "timeit", "tkinter", "token", "tokenize", "tomllib", "trace",
	"traceback", "tracemalloc", "tty", "turtle", "turtledemo", "types", "typing", "unicodedata", "unittest",
	"urllib", "uu", "uuid", "venv", "warnings", "wave", "weakref", "webbrowser", "winreg", "winsound", "wsgiref",
	"xdrlib", "xml", "xmlrpc", "zipapp", "zipfile", "zipimport", "zlib", "zoneinfo",
}
