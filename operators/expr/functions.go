package expr

// functions maps every Fn* name to its binder. One plain table: adding a
// function means adding a line here and a binder next to its kernel.
var functions = map[string]binder{
	FnAdd: bindArith,
	FnSub: bindArith,
	FnMul: bindArith,
	FnDiv: bindArith,
	FnMod: bindArith,
	FnNeg: bindNeg,

	FnEq: bindCompare,
	FnNe: bindCompare,
	FnLt: bindCompare,
	FnLe: bindCompare,
	FnGt: bindCompare,
	FnGe: bindCompare,

	FnAnd: bindLogic,
	FnOr:  bindLogic,
	FnNot: bindNot,

	FnIsNull:    bindIsNull,
	FnIsNotNull: bindIsNull,
	FnIn:        bindIn,
	FnLike:      bindLike,
	FnCoalesce:  bindCoalesce,

	FnLower:         bindCaseMap,
	FnUpper:         bindCaseMap,
	FnCharLength:    bindCharLength,
	FnSubstring:     bindSubstring,
	FnConcat:        bindConcat,
	FnTrim:          bindTrim,
	FnLTrim:         bindTrim,
	FnRTrim:         bindTrim,
	FnReplace:       bindReplace,
	FnRegexpExtract: bindRegexpExtract,
	FnSplitIndex:    bindSplitIndex,

	FnAbs:   bindAbs,
	FnRound: bindRound,
	FnFloor: bindFloorCeil,
	FnCeil:  bindFloorCeil,

	FnExtract:    bindExtract,
	FnDateFormat: bindDateFormat,
}
