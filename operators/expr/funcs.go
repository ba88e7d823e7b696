package expr

// Scalar function names used in Call.Func. The binder resolves SQL syntax
// and function names to these, inserts the casts that make argument types
// match the kernel, and fixes the result type; the evaluator implements
// each with SQL NULL semantics (a NULL argument gives NULL unless noted).
const (
	// Arithmetic: both arguments have the same numeric type, which is also
	// the result type, except that DECIMAL arguments may differ in
	// precision and scale (the result type is the binder's choice, and the
	// kernel rescales to it), and FnAdd/FnSub also take (TIMESTAMP,
	// DURATION) -> TIMESTAMP. Integer division truncates toward zero;
	// division or modulo by zero gives NULL.
	FnAdd = "add"
	FnSub = "sub"
	FnMul = "mul"
	FnDiv = "div"
	FnMod = "mod"
	FnNeg = "neg"

	// Comparison: both arguments have the same type; the result is BOOLEAN.
	FnEq = "eq"
	FnNe = "ne"
	FnLt = "lt"
	FnLe = "le"
	FnGt = "gt"
	FnGe = "ge"

	// Boolean logic with SQL three-valued semantics (FALSE AND NULL is
	// FALSE, TRUE OR NULL is TRUE).
	FnAnd = "and"
	FnOr  = "or"
	FnNot = "not"

	// FnIsNull and FnIsNotNull never return NULL.
	FnIsNull    = "is_null"
	FnIsNotNull = "is_not_null"

	// FnIn is x IN (v1, v2, ...): Args[0] is x, the rest the list, all of
	// one type. TRUE if x equals one, NULL if none does and x or any list
	// item is NULL, FALSE otherwise.
	FnIn = "in"

	// FnLike is x LIKE pattern [ESCAPE esc], all VARCHAR; '%' and '_' are
	// the wildcards, and the escape character (default none; Flink's
	// default is none too) quotes them.
	FnLike = "like"

	// FnCoalesce returns the first non-NULL argument; all of one type.
	FnCoalesce = "coalesce"

	// String functions. Positions are 1-based and count characters (runes),
	// not bytes.
	FnLower      = "lower"       // (s) -> VARCHAR
	FnUpper      = "upper"       // (s) -> VARCHAR
	FnCharLength = "char_length" // (s) -> INT
	FnSubstring  = "substring"   // (s, start INT [, len INT]) -> VARCHAR
	FnConcat     = "concat"      // (s, ...) -> VARCHAR; NULL if any is NULL
	FnTrim       = "trim"        // (s, chars) -> VARCHAR, both ends
	FnLTrim      = "ltrim"       // (s, chars) -> VARCHAR, leading
	FnRTrim      = "rtrim"       // (s, chars) -> VARCHAR, trailing
	FnReplace    = "replace"     // (s, from, to) -> VARCHAR
	// FnRegexpExtract is (s, regex [, group INT]) -> VARCHAR: the group
	// (default 0, the whole match) of the first match; NULL when there is no
	// match. The regex is Go RE2 syntax.
	FnRegexpExtract = "regexp_extract"
	// FnSplitIndex is (s, delim, index INT) -> VARCHAR: the index-th
	// (0-based) piece of s split by delim; NULL when out of range.
	FnSplitIndex = "split_index"

	// Numeric functions.
	FnAbs   = "abs"   // (x) -> type of x
	FnRound = "round" // (x, digits INT) -> type of x (DECIMAL: scale per binder); half away from zero
	FnFloor = "floor" // (x) -> type of x (DECIMAL: scale 0)
	FnCeil  = "ceil"  // (x) -> type of x (DECIMAL: scale 0)

	// FnExtract is (unit VARCHAR literal, t TIMESTAMP or DATE) -> BIGINT;
	// unit is one of YEAR, QUARTER, MONTH, WEEK, DAY, DOY, DOW, HOUR,
	// MINUTE, SECOND, MILLISECOND, EPOCH (upper case).
	FnExtract = "extract"
	// FnDateFormat is (t TIMESTAMP, format VARCHAR) -> VARCHAR, with
	// Flink's (Java SimpleDateFormat) pattern letters: yyyy MM dd HH mm ss
	// SSS, and quoted literals.
	FnDateFormat = "date_format"
)
