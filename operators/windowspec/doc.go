// Package windowspec describes a group-window aggregation: the window
// (TUMBLE, HOP, SESSION over an event-time column), the group keys and the
// aggregate calls with their result types. It is the compiled
// configuration the SQL planner produces and the window operator executes,
// kept in a leaf package so that sql depends on a description, never on
// the operator or its state.
//
// It imports only Arrow and the standard library.
package windowspec
