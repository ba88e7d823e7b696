package expr

import "errors"

// Sentinel errors that callers can test with errors.Is.
var (
	// ErrType reports an expression that does not type-check against its
	// input schema or the function signatures in funcs.go (Compile only).
	ErrType = errors.New("expression type error")
	// ErrUnknownFunction reports a Call whose Func is not one of the Fn*
	// constants.
	ErrUnknownFunction = errors.New("unknown function")
	// ErrOverflow reports a value that does not fit its result type
	// (DECIMAL precision, integer narrowing, ROUND of a huge integer).
	ErrOverflow = errors.New("numeric overflow")
	// ErrInvalidValue reports input that a function cannot interpret: an
	// unparsable CAST source string, a bad LIKE escape sequence, an
	// invalid regular expression or date format.
	ErrInvalidValue = errors.New("invalid value")
	// ErrSchema reports a record batch whose columns do not match the
	// schema the evaluator was compiled for.
	ErrSchema = errors.New("record does not match compiled schema")
)
