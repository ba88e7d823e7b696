package connectors

import (
	"sort"
	"strings"
)

// CheckOptions returns an OptionError for the first option key (in sorted
// order) that is not 'connector' and not in accepted, listing the accepted
// keys; nil if every key is known.
func CheckOptions(opts map[string]string, accepted ...string) error {
	known := map[string]bool{"connector": true}
	for _, k := range accepted {
		known[k] = true
	}
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !known[k] {
			list := append([]string{"connector"}, accepted...)
			sort.Strings(list)
			return Optionf(k, "unknown option; accepted: '%s'", strings.Join(list, "', '"))
		}
	}
	return nil
}
