package expr

import "strings"

// CheckLikePattern reports whether pattern, with the escape character
// escape ("" for none), is a valid LIKE pattern; the error is the one
// Compile would give for these literals. A binder calls it to report a bad
// literal pattern where the user wrote it.
func CheckLikePattern(pattern, escape string) error {
	_, err := compileLike(pattern, escape)
	return err
}

// CheckDateFormat reports whether pattern is a valid DATE_FORMAT pattern;
// the error is the one Compile would give for this literal.
func CheckDateFormat(pattern string) error {
	_, err := compileDateFormat(pattern)
	return err
}

// sqlQuote renders s as a SQL string literal, for messages about text the
// user wrote in SQL.
func sqlQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
