package window

import "github.com/weir-stream/weir/operators/windowspec"

// The configuration this package executes is defined in windowspec; these
// aliases let the operator's code name it without a qualifier.
type (
	// Spec is windowspec.Spec.
	Spec = windowspec.Spec
	// Window is windowspec.Window.
	Window = windowspec.Window
	// Kind is windowspec.Kind.
	Kind = windowspec.Kind
	// AggCall is windowspec.AggCall.
	AggCall = windowspec.AggCall
	// AggFunc is windowspec.AggFunc.
	AggFunc = windowspec.AggFunc
)

// Window kinds and aggregate functions, as in windowspec.
const (
	Tumble    = windowspec.Tumble
	Hop       = windowspec.Hop
	Session   = windowspec.Session
	CountStar = windowspec.CountStar
	Count     = windowspec.Count
	Sum       = windowspec.Sum
	Min       = windowspec.Min
	Max       = windowspec.Max
	Avg       = windowspec.Avg
)
