package rules

import (
	"fmt"

	"github.com/weir-stream/weir/sql/plan"
)

// Rule rewrites a plan, returning the new plan and whether it changed.
type Rule func(plan.Node) (plan.Node, bool, error)

// maxRounds bounds Optimize; the rules converge long before.
const maxRounds = 100

// Default returns the standard rule list, in the order Optimize tries
// them each round.
func Default() []Rule {
	return []Rule{
		SimplifyBooleans,
		FoldConstants,
		PushDownFilters,
		MergeProjects,
		ProjectIntoWindowAggregate,
		RemoveIdentityProjects,
		PruneColumns,
	}
}

// Optimize applies rules to n until a whole round changes nothing.
func Optimize(n plan.Node, rules []Rule) (plan.Node, error) {
	for round := 0; round < maxRounds; round++ {
		changed := false
		for _, r := range rules {
			out, ch, err := r(n)
			if err != nil {
				return nil, err
			}
			if ch {
				n, changed = out, true
			}
		}
		if !changed {
			return n, nil
		}
	}
	return nil, fmt.Errorf("optimizer: rules did not converge after %d rounds", maxRounds)
}

// transform rebuilds n bottom-up, applying f to every node after its
// children; it reports whether f changed anything.
func transform(n plan.Node, f func(plan.Node) (plan.Node, bool, error)) (plan.Node, bool, error) {
	children := n.Children()
	changed := false
	if len(children) > 0 {
		newChildren := make([]plan.Node, len(children))
		for i, c := range children {
			nc, ch, err := transform(c, f)
			if err != nil {
				return nil, false, err
			}
			newChildren[i] = nc
			changed = changed || ch
		}
		if changed {
			n = withInput(n, newChildren[0])
		}
	}
	out, ch, err := f(n)
	if err != nil {
		return nil, false, err
	}
	return out, changed || ch, nil
}

// withInput returns a copy of n reading from input.
func withInput(n plan.Node, input plan.Node) plan.Node {
	switch x := n.(type) {
	case *plan.Filter:
		return &plan.Filter{Input: input, Cond: x.Cond}
	case *plan.Project:
		return &plan.Project{Input: input, Exprs: x.Exprs, Out: x.Out}
	case *plan.WindowAggregate:
		return &plan.WindowAggregate{Input: input, Spec: x.Spec, Out: x.Out}
	}
	return n
}
