package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	json "github.com/goccy/go-json"

	"github.com/weir-stream/weir/state/checkpoint"
)

// stateVersion is the layout of the parts below; a checkpoint of another
// version is refused.
const stateVersion = 1

// jobPart names the part describing the job that wrote a checkpoint.
const jobPart = "job"

// taskPart names a subtask's own part: watermark, source position, sink
// transaction.
func taskPart(vertex, subtask int) string {
	return fmt.Sprintf("v%d/t%d", vertex, subtask)
}

// opPrefix starts the names of an operator's key-group parts.
func opPrefix(vertex, op int) string {
	return fmt.Sprintf("v%d/o%d/g", vertex, op)
}

// opPart names one key group of an operator's state.
func opPart(vertex, op, group int) string {
	return opPrefix(vertex, op) + strconv.Itoa(group)
}

// jobState is the job part: which query (as a physical graph) wrote the
// checkpoint, so a restart with a changed query can be refused.
type jobState struct {
	Version int    `json:"version"`
	Job     string `json:"job"`
	Epoch   uint64 `json:"epoch"`
	Final   bool   `json:"final,omitempty"`
	// Graph describes each vertex; Fingerprint hashes Graph.
	Graph       []string `json:"graph"`
	Fingerprint string   `json:"fingerprint"`
}

// taskState is a subtask's own part.
type taskState struct {
	// Watermark is the subtask's watermark at the barrier.
	Watermark int64 `json:"wm"`
	// Position is the source reader's position (sources only).
	Position []byte `json:"pos,omitempty"`
	// Splits are the source's per-split watermarks.
	Splits map[int]int64 `json:"splits,omitempty"`
	// Prepared is the sink's transaction for the epoch (sinks only).
	Prepared []byte `json:"prepared,omitempty"`
}

// graphDescription describes the physical graph, one line per vertex:
// what state and positions a checkpoint holds depends on exactly these.
func graphDescription(g *Graph) []string {
	var out []string
	for _, p := range g.Pipelines {
		for _, v := range p.Vertices {
			var b strings.Builder
			fmt.Fprintf(&b, "vertex %d %q parallelism %d", v.ID, v.Name, v.Parallelism)
			if v.Source != nil {
				fmt.Fprintf(&b, " source %s (%s)", v.Source.Table, v.Source.Connector)
			}
			for _, op := range v.Ops {
				fmt.Fprintf(&b, " | %s %s", op.Kind, op.Detail)
			}
			if v.Sink != nil {
				fmt.Fprintf(&b, " sink %s (%s)", v.Sink.Table, v.Sink.Connector)
			}
			fmt.Fprintf(&b, " -> %s", strings.ReplaceAll(v.Out.String(), "\n", " "))
			out = append(out, b.String())
		}
	}
	return out
}

func fingerprint(desc []string) string {
	h := sha256.New()
	for _, d := range desc {
		h.Write([]byte(d))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// jobState encodes the job part for epoch.
func (j *Job) jobState(epoch uint64, final bool) []byte {
	desc := graphDescription(j.graph)
	b, _ := json.Marshal(jobState{Version: stateVersion, Job: j.name, Epoch: epoch, Final: final,
		Graph: desc, Fingerprint: fingerprint(desc)})
	return b
}

// restored is the checkpoint a job resumes from.
type restored struct {
	cp  *checkpoint.Checkpoint
	job jobState
}

// checkCompatible refuses a checkpoint written by another query (or
// another physical plan of it, such as another parallelism), naming the
// first difference.
func (j *Job) checkCompatible(cp *checkpoint.Checkpoint, dir string) (*restored, error) {
	data, err := cp.Get(jobPart)
	if err != nil {
		return nil, fmt.Errorf("state dir %s: checkpoint %d: %w", dir, cp.Epoch, err)
	}
	var js jobState
	if err := json.Unmarshal(data, &js); err != nil {
		return nil, fmt.Errorf("state dir %s: checkpoint %d: unreadable job description: %v", dir, cp.Epoch, err)
	}
	fresh := "; run with --fresh to start over without it, or use another --state-dir"
	if js.Version != stateVersion {
		return nil, fmt.Errorf("state dir %s: checkpoint %d has state layout version %d, this weir reads %d%s",
			dir, cp.Epoch, js.Version, stateVersion, fresh)
	}
	desc := graphDescription(j.graph)
	if js.Fingerprint == fingerprint(desc) {
		return &restored{cp: cp, job: js}, nil
	}
	for i := range max(len(desc), len(js.Graph)) {
		switch {
		case i >= len(js.Graph):
			return nil, fmt.Errorf("state dir %s: checkpoint %d was written by a different query: it has no %s%s",
				dir, cp.Epoch, desc[i], fresh)
		case i >= len(desc):
			return nil, fmt.Errorf("state dir %s: checkpoint %d was written by a different query: this query has no %s%s",
				dir, cp.Epoch, js.Graph[i], fresh)
		case desc[i] != js.Graph[i]:
			return nil, fmt.Errorf("state dir %s: checkpoint %d was written by a different query:\n  was: %s\n  now: %s\n(the state cannot be carried over)%s",
				dir, cp.Epoch, js.Graph[i], desc[i], fresh)
		}
	}
	return nil, fmt.Errorf("state dir %s: checkpoint %d was written by a different query%s", dir, cp.Epoch, fresh)
}

// taskState reads a subtask's part (ok false when the checkpoint has
// none: the vertex has no such subtask).
func (r *restored) taskState(vertex, subtask int) (st taskState, ok bool, err error) {
	name := taskPart(vertex, subtask)
	if !r.cp.Has(name) {
		return st, false, nil
	}
	data, err := r.cp.Get(name)
	if err != nil {
		return st, false, fmt.Errorf("checkpoint %d: %w", r.cp.Epoch, err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, false, fmt.Errorf("checkpoint %d: part %s: %v", r.cp.Epoch, name, err)
	}
	return st, true, nil
}

// opGroups reads an operator's key-group parts that subtask owns.
func (r *restored) opGroups(vertex, op, subtask, parallelism int) (map[int][]byte, error) {
	prefix := opPrefix(vertex, op)
	groups := map[int][]byte{}
	for _, p := range r.cp.Parts() {
		rest, ok := strings.CutPrefix(p.Name, prefix)
		if !ok {
			continue
		}
		g, err := strconv.Atoi(rest)
		if err != nil || g < 0 || g >= KeyGroups {
			return nil, fmt.Errorf("checkpoint %d: part %s: bad key group", r.cp.Epoch, p.Name)
		}
		if KeyGroupOwner(g, parallelism) != subtask {
			continue
		}
		data, err := r.cp.Get(p.Name)
		if err != nil {
			return nil, fmt.Errorf("checkpoint %d: %w", r.cp.Epoch, err)
		}
		groups[g] = data
	}
	return groups, nil
}
