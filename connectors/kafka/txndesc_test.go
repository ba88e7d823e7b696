package kafka

import (
	"strings"
	"testing"
)

// TestTxnDescriptionBounds: a description with a negative slot or an
// absurd subtask or slot count is refused, never indexed or swept.
func TestTxnDescriptionBounds(t *testing.T) {
	for _, raw := range []string{
		`{"version":1,"prefix":"p","subtask":0,"slots":1,"transactions":[{"transactional_id":"p-0--1","slot":-1,"producer_id":1,"producer_epoch":0}]}`,
		`{"version":1,"prefix":"p","subtask":99999999,"slots":1,"transactions":[]}`,
		`{"version":1,"prefix":"p","subtask":0,"slots":99999999,"transactions":[]}`,
	} {
		if _, err := decodeTxnDescription([]byte(raw)); err == nil || !strings.Contains(err.Error(), "corrupt") {
			t.Errorf("%s: got %v, want a corrupt-description error", raw, err)
		}
	}
}
