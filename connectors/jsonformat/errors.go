package jsonformat

import "fmt"

// FieldError is a line the Decoder could not use. Field names the column
// whose value was wrong, or is "" when the line itself is not a JSON
// object (syntax, encoding, size). Callers prefix the location.
type FieldError struct {
	// Field is the column's declared name, or "" for the line as a whole.
	Field string
	// Msg says what was wrong.
	Msg string
}

// Error implements error.
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return fmt.Sprintf("field '%s': %s", e.Field, e.Msg)
}

func syntaxErr(format string, args ...any) *FieldError {
	return &FieldError{Msg: fmt.Sprintf(format, args...)}
}

// snippet quotes at most 40 bytes of a value for an error message.
func snippet(b []byte) string {
	const max = 40
	if len(b) > max {
		return fmt.Sprintf("%q...", b[:max])
	}
	return fmt.Sprintf("%q", b)
}

func fmtMsg(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// clip shortens unquoted text (a number) for an error message.
func clip(b []byte) string {
	const max = 40
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}
