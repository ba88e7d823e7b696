package engine

import (
	"fmt"
	"io"
	"strings"

	gojson "github.com/goccy/go-json"

	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/sql/plan"
)

// ExplainFormats lists the formats Explain accepts.
var ExplainFormats = []string{"text", "dot", "json"}

// Explain writes the job's logical plans and physical graph in format
// ("text", "dot" or "json").
func (j *Job) Explain(w io.Writer, format string) error {
	switch format {
	case "", "text":
		return j.explainText(w)
	case "dot":
		return j.explainDot(w)
	case "json":
		return j.explainJSON(w)
	default:
		return fmt.Errorf("unknown explain format %q (want one of %s)", format, strings.Join(ExplainFormats, ", "))
	}
}

func (j *Job) pipelineSQL(name string) (plan.Node, bool) {
	for _, p := range j.prog.Pipelines {
		if p.Name == name {
			return p.Query, true
		}
	}
	return nil, false
}

func (j *Job) explainText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Job %s\n\n", j.name)
	for i, p := range j.graph.Pipelines {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "== Pipeline %s (%s) ==\n", p.Name, p.Pos)
		if q, ok := j.pipelineSQL(p.Name); ok {
			b.WriteString("Logical plan:\n")
			for _, line := range strings.Split(strings.TrimRight(plan.Format(q), "\n"), "\n") {
				b.WriteString("  " + line + "\n")
			}
		}
		b.WriteString("Physical graph:\n")
		for _, v := range p.Vertices {
			fmt.Fprintf(&b, "  [%d] %s  parallelism=%d\n", v.ID, v.Name, v.Parallelism)
			if v.Source != nil {
				fmt.Fprintf(&b, "      source: %s (connector %s, %s)\n", v.Source.Table, v.Source.Connector, boundedness(v.Source.Source.Bounded()))
				if w := watermarkText(v.Source); w != "" {
					fmt.Fprintf(&b, "      watermark: %s\n", w)
				}
			}
			for _, op := range v.Ops {
				fmt.Fprintf(&b, "      -> %s\n", op.Detail)
				if len(op.StateTables) > 0 {
					fmt.Fprintf(&b, "         state: %s\n", strings.Join(op.StateTables, ", "))
				}
			}
			if v.Sink != nil {
				fmt.Fprintf(&b, "      sink: %s (connector %s)\n", v.Sink.Table, v.Sink.Connector)
			}
			fmt.Fprintf(&b, "      output: %s\n", schemaString(v))
		}
		for _, e := range p.Edges {
			fmt.Fprintf(&b, "  [%d] -> [%d] %s%s\n", e.From, e.To, e.Kind, j.keysString(e))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func boundedness(b bool) string {
	if b {
		return "bounded"
	}
	return "unbounded"
}

func schemaString(v *Vertex) string {
	if v.Out == nil {
		return "()"
	}
	parts := make([]string, v.Out.NumFields())
	for i, f := range v.Out.Fields() {
		parts[i] = f.Name + " " + expr.SQLTypeName(f.Type)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// keysString names a shuffle edge's key columns.
func (j *Job) keysString(e *Edge) string {
	if len(e.Keys) == 0 {
		return ""
	}
	var from *Vertex
	for _, p := range j.graph.Pipelines {
		for _, v := range p.Vertices {
			if v.ID == e.From {
				from = v
			}
		}
	}
	names := make([]string, len(e.Keys))
	for i, k := range e.Keys {
		if from != nil && from.Out != nil && k < from.Out.NumFields() {
			names[i] = from.Out.Field(k).Name
		} else {
			names[i] = fmt.Sprint(k)
		}
	}
	return " by [" + strings.Join(names, ", ") + "]"
}

func (j *Job) explainDot(w io.Writer) error {
	var b strings.Builder
	b.WriteString("digraph weir {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n")
	for _, p := range j.graph.Pipelines {
		fmt.Fprintf(&b, "  subgraph %s {\n    label=%s;\n", dotID("cluster_"+p.Name), dotID(p.Name))
		for _, v := range p.Vertices {
			lines := []string{v.Name, fmt.Sprintf("parallelism=%d", v.Parallelism)}
			for _, op := range v.Ops {
				lines = append(lines, op.Detail)
			}
			fmt.Fprintf(&b, "    v%d [label=%s];\n", v.ID, dotID(strings.Join(lines, "\n")))
		}
		b.WriteString("  }\n")
		for _, e := range p.Edges {
			fmt.Fprintf(&b, "  v%d -> v%d [label=%s];\n", e.From, e.To, dotID(string(e.Kind)+j.keysString(e)))
		}
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

type jsonGraph struct {
	Job       string         `json:"job"`
	Pipelines []jsonPipeline `json:"pipelines"`
}

type jsonPipeline struct {
	Name     string       `json:"name"`
	Position string       `json:"position"`
	Logical  string       `json:"logical_plan"`
	Vertices []jsonVertex `json:"vertices"`
	Edges    []jsonEdge   `json:"edges"`
}

type jsonVertex struct {
	ID          int          `json:"id"`
	Name        string       `json:"name"`
	Parallelism int          `json:"parallelism"`
	Source      *jsonConn    `json:"source,omitempty"`
	Operators   []jsonOp     `json:"operators"`
	Sink        *jsonConn    `json:"sink,omitempty"`
	Output      []jsonColumn `json:"output"`
}

type jsonConn struct {
	Table     string `json:"table"`
	Connector string `json:"connector"`
	Bounded   *bool  `json:"bounded,omitempty"`
	Watermark string `json:"watermark,omitempty"`
}

type jsonOp struct {
	Kind        string   `json:"kind"`
	Detail      string   `json:"detail"`
	StateTables []string `json:"state_tables"`
}

type jsonColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type jsonEdge struct {
	From int    `json:"from"`
	To   int    `json:"to"`
	Kind string `json:"kind"`
	Keys []int  `json:"keys,omitempty"`
}

func (j *Job) explainJSON(w io.Writer) error {
	out := jsonGraph{Job: j.name, Pipelines: []jsonPipeline{}}
	for _, p := range j.graph.Pipelines {
		jp := jsonPipeline{Name: p.Name, Position: p.Pos.String(), Vertices: []jsonVertex{}, Edges: []jsonEdge{}}
		if q, ok := j.pipelineSQL(p.Name); ok {
			jp.Logical = plan.Format(q)
		}
		for _, v := range p.Vertices {
			jv := jsonVertex{ID: v.ID, Name: v.Name, Parallelism: v.Parallelism, Operators: []jsonOp{}, Output: []jsonColumn{}}
			if v.Source != nil {
				bounded := v.Source.Source.Bounded()
				jv.Source = &jsonConn{Table: v.Source.Table, Connector: v.Source.Connector, Bounded: &bounded, Watermark: watermarkText(v.Source)}
			}
			if v.Sink != nil {
				jv.Sink = &jsonConn{Table: v.Sink.Table, Connector: v.Sink.Connector}
			}
			for _, op := range v.Ops {
				st := op.StateTables
				if st == nil {
					st = []string{}
				}
				jv.Operators = append(jv.Operators, jsonOp{Kind: op.Kind, Detail: op.Detail, StateTables: st})
			}
			if v.Out != nil {
				for _, f := range v.Out.Fields() {
					jv.Output = append(jv.Output, jsonColumn{Name: f.Name, Type: expr.SQLTypeName(f.Type)})
				}
			}
			jp.Vertices = append(jp.Vertices, jv)
		}
		for _, e := range p.Edges {
			jp.Edges = append(jp.Edges, jsonEdge{From: e.From, To: e.To, Kind: string(e.Kind), Keys: e.Keys})
		}
		out.Pipelines = append(out.Pipelines, jp)
	}
	data, err := gojson.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// dotID quotes s as a DOT string: only '"' and '\\' need escaping, and
// newlines become DOT's centred line breaks.
func dotID(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// watermarkText describes how a source computes its watermark.
func watermarkText(s *SourceSpec) string {
	if s.Watermark == nil {
		return ""
	}
	out := "max(" + s.Watermark.Expr.String() + ") per subtask"
	if s.IdleTimeout > 0 {
		out += fmt.Sprintf(", idle after %s", s.IdleTimeout)
	}
	return out
}
