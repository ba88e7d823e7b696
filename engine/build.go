package engine

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/weir-stream/weir/connectors"
	"github.com/weir-stream/weir/operators"
	"github.com/weir-stream/weir/operators/expr"
	"github.com/weir-stream/weir/operators/window"
	"github.com/weir-stream/weir/sql"
	"github.com/weir-stream/weir/sql/catalog"
	"github.com/weir-stream/weir/sql/diag"
	"github.com/weir-stream/weir/sql/plan"
)

// builder turns logical plans into physical graphs. It is the one place
// where plan nodes become operators.
type builder struct {
	cfg    Config
	job    string // the job's name, for connector defaults
	file   string
	errs   diag.List
	nextID int
	// writers counts the pipelines writing each sink table; shared holds
	// the one sink vertex of a table that several pipelines write.
	writers map[string]int
	shared  map[string]*Vertex
}

// buildGraph plans every pipeline of prog; errors are positioned.
func buildGraph(prog *sql.Program, cfg Config, job string) (*Graph, error) {
	b := &builder{cfg: cfg, job: job, file: prog.File, writers: map[string]int{}, shared: map[string]*Vertex{}}
	for _, p := range prog.Pipelines {
		if p.Sink != nil {
			b.writers[strings.ToLower(p.Sink.Name)]++
		}
	}
	g := &Graph{}
	for _, p := range prog.Pipelines {
		pg, err := b.pipeline(p)
		if err != nil {
			var de *diag.Error
			if errors.As(err, &de) {
				b.errs = append(b.errs, de)
			} else {
				b.errs.Add(p.Pos, "%v", err)
			}
			continue
		}
		g.Pipelines = append(g.Pipelines, pg)
	}
	if err := b.errs.Err(); err != nil {
		return nil, err
	}
	return g, nil
}

func (b *builder) vertex(name string, parallelism int) *Vertex {
	b.nextID++
	return &Vertex{ID: b.nextID, Name: name, Parallelism: parallelism}
}

// pipeline builds source vertex -> (chained operators) -> sink vertex.
func (b *builder) pipeline(p *sql.Pipeline) (*PipelineGraph, error) {
	pg := &PipelineGraph{Name: p.Name, Pos: p.Pos}

	// Collect the unary chain down to its scan.
	var chain []plan.Node
	n := p.Query
	for {
		if scan, ok := n.(*plan.Scan); ok {
			src, err := b.openSource(scan)
			if err != nil {
				return nil, err
			}
			par := capParallelism(b.cfg.Parallelism, src.Source.MaxParallelism())
			v := b.vertex("Source: "+scan.Table.Name, par)
			v.Source = src
			v.Out = src.Source.Schema()
			if !v.Out.Equal(scan.Out) {
				return nil, diag.Errorf(scan.Pos, "internal: source %s produces %s, plan expects %s", scan.Table.Name, v.Out, scan.Out)
			}
			pg.Vertices = append(pg.Vertices, v)
			break
		}
		kids := n.Children()
		if len(kids) != 1 {
			return nil, diag.Errorf(p.Pos, "internal: plan node %s is not supported by the engine yet", n)
		}
		chain = append(chain, n)
		n = kids[0]
	}
	head := pg.Vertices[0]

	// Operators bottom-up. Stateless ones chain into the current vertex
	// (no reason to cross goroutines). A source capped below the job's
	// parallelism (one small file) hands its records round-robin to an
	// operator vertex at full parallelism, as Flink does, so expensive
	// expressions still use every core. A window aggregation starts a new
	// vertex behind a hash shuffle on its keys (all rows to one subtask
	// when it has none).
	if len(chain) > 0 && head.Parallelism < b.cfg.Parallelism {
		if _, isWindow := chain[len(chain)-1].(*plan.WindowAggregate); !isWindow {
			ov := b.vertex("", b.cfg.Parallelism)
			ov.Out = head.Out
			pg.Vertices = append(pg.Vertices, ov)
			pg.Edges = append(pg.Edges, &Edge{From: head.ID, To: ov.ID, Kind: Rebalance})
			head = ov
		}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		switch node := chain[i].(type) {
		case *plan.Filter:
			// A Filter directly under a Project fuses into one Calc.
			if i > 0 {
				if proj, ok := chain[i-1].(*plan.Project); ok {
					head.Ops = append(head.Ops, calcSpec(node.Cond, proj.Exprs, node.Input.Schema(), proj.Out))
					head.Out = proj.Out
					i--
					continue
				}
			}
			head.Ops = append(head.Ops, filterSpec(node.Cond, node.Input.Schema()))
		case *plan.Project:
			head.Ops = append(head.Ops, projectSpec(node.Exprs, node.Input.Schema(), node.Out))
			head.Out = node.Out
		case *plan.WindowAggregate:
			par, kind := b.cfg.Parallelism, Shuffle
			if len(node.Spec.Keys) == 0 {
				par, kind = 1, Rebalance
			}
			wv := b.vertex("", par)
			pg.Vertices = append(pg.Vertices, wv)
			pg.Edges = append(pg.Edges, &Edge{From: head.ID, To: wv.ID, Kind: kind, Keys: node.Spec.Keys})
			wv.Ops = append(wv.Ops, windowSpec(node))
			wv.Out = node.Out
			head = wv
		default:
			return nil, diag.Errorf(p.Pos, "internal: plan node %s is not supported by the engine yet", node)
		}
	}

	for _, v := range pg.Vertices {
		if v.Source == nil && v.Name == "" {
			kinds := make([]string, len(v.Ops))
			for i, op := range v.Ops {
				kinds[i] = op.Kind
			}
			v.Name = strings.Join(kinds, " -> ")
		}
		// Build each operator once now, so expression errors surface at
		// validate time, before anything starts.
		for _, op := range v.Ops {
			if _, err := op.New(); err != nil {
				return nil, diag.Errorf(p.Pos, "%s: %v", op.Kind, err)
			}
		}
	}

	// Several INSERTs into one table feed one sink vertex (one writer
	// set, one commit), never one sink each racing for the same output.
	var key string
	if p.Sink != nil {
		key = strings.ToLower(p.Sink.Name)
	}
	if sv := b.shared[key]; sv != nil {
		pg.Edges = append(pg.Edges, &Edge{From: head.ID, To: sv.ID, Kind: Rebalance})
		return pg, nil
	}
	sink, err := b.openSink(p)
	if err != nil {
		return nil, err
	}
	// A sink follows its input's parallelism (nothing gains from a fan
	// out just to write), capped by what the sink supports.
	sinkPar := capParallelism(head.Parallelism, sink.Sink.MaxParallelism())
	if sinkPar == head.Parallelism && b.writers[key] <= 1 {
		head.Sink = sink
		head.Name += " -> Sink: " + sink.Table
		return pg, nil
	}
	if b.writers[key] > 1 {
		sinkPar = capParallelism(b.cfg.Parallelism, sink.Sink.MaxParallelism())
	}
	sv := b.vertex("Sink: "+sink.Table, sinkPar)
	sv.Sink = sink
	sv.Out = head.Out
	if key != "" && b.writers[key] > 1 {
		b.shared[key] = sv
	}
	pg.Vertices = append(pg.Vertices, sv)
	pg.Edges = append(pg.Edges, &Edge{From: head.ID, To: sv.ID, Kind: Rebalance})
	return pg, nil
}

// unknownConnector tells a misspelt connector from one that exists but
// only in the other direction.
func (b *builder) unknownConnector(pos diag.Pos, name, verb string, able []string) error {
	_, src := b.cfg.Registry.Source(name)
	_, sink := b.cfg.Registry.Sink(name)
	if src || sink {
		return diag.Errorf(pos, "connector '%s' cannot be %s (it can: %s)", name, verb, strings.Join(able, ", "))
	}
	known := map[string]bool{}
	for _, n := range append(b.cfg.Registry.SourceNames(), b.cfg.Registry.SinkNames()...) {
		known[n] = true
	}
	names := make([]string, 0, len(known))
	for n := range known {
		names = append(names, n)
	}
	sort.Strings(names)
	return diag.Errorf(pos, "unknown connector '%s' (known: %s)", name, strings.Join(names, ", "))
}

func capParallelism(want, max int) int {
	if max > 0 && want > max {
		return max
	}
	return want
}

func (b *builder) openSource(scan *plan.Scan) (*SourceSpec, error) {
	t := scan.Table
	name, pos, ok := t.Option("connector")
	if !ok {
		return nil, diag.Errorf(t.Pos, "table %s has no 'connector' option", t.Name)
	}
	f, ok := b.cfg.Registry.Source(name)
	if !ok {
		return nil, b.unknownConnector(pos, name, "read from", b.cfg.Registry.SourceNames())
	}
	// The engine's own options are taken out; the rest is the connector's.
	connOpts := map[string]string{}
	var idle time.Duration
	for k, v := range t.Options {
		switch k {
		case OptionIdleTimeout:
			d, err := ParseDuration(v)
			if err != nil || d < 0 {
				return nil, diag.Errorf(t.OptionPos[k], "table %s: option '%s': want a duration such as '5 s', '500 ms' or '1 min', got '%s'", t.Name, k, v)
			}
			idle = d
		default:
			connOpts[k] = v
		}
	}
	stats := &connectors.SourceStats{}
	src, err := f(connectors.SourceConfig{
		Table:     t.Name,
		Schema:    t.Schema,
		Columns:   scan.Columns,
		Options:   connOpts,
		Metadata:  t.Metadata,
		Dir:       b.cfg.Dir,
		BatchSize: b.cfg.BatchSize,
		Alloc:     b.cfg.Alloc,
		Stats:     stats,
		Logger:    b.cfg.Logger,

		Checkpointing: b.cfg.Checkpoint.Enabled(),
	})
	if err != nil {
		return nil, optionError(t, err)
	}
	spec := &SourceSpec{Table: t.Name, Connector: name, Source: src, Stats: stats, IdleTimeout: idle}
	if scan.Watermark != nil {
		timeCol := -1
		if t.Watermark != nil {
			for i, c := range scan.Columns {
				if c == t.Watermark.Column {
					timeCol = i
				}
			}
		}
		spec.Watermark = &WatermarkSpec{Expr: scan.Watermark, Schema: scan.Out, TimeCol: timeCol}
		if _, err := expr.Compile(scan.Watermark, scan.Out); err != nil {
			return nil, diag.Errorf(t.Watermark.Pos, "table %s: watermark: %v", t.Name, err)
		}
	}
	return spec, nil
}

func (b *builder) openSink(p *sql.Pipeline) (*SinkSpec, error) {
	if p.Sink == nil {
		f, ok := b.cfg.Registry.Sink("stdout")
		if !ok {
			return nil, diag.Errorf(p.Pos, "no stdout connector registered for a bare SELECT")
		}
		s, err := f(connectors.SinkConfig{
			Table: p.Name, Schema: p.Query.Schema(), Options: map[string]string{"connector": "stdout"},
			Dir: b.cfg.Dir, Stdout: b.cfg.Stdout, Alloc: b.cfg.Alloc, Logger: b.cfg.Logger,
			Checkpointing: b.cfg.Checkpoint.Enabled(), Job: b.job,
		})
		if err != nil {
			return nil, diag.Errorf(p.Pos, "%v", err)
		}
		return &SinkSpec{Table: "stdout", Connector: "stdout", Sink: s}, nil
	}
	t := p.Sink
	name, pos, ok := t.Option("connector")
	if !ok {
		return nil, diag.Errorf(t.Pos, "table %s has no 'connector' option", t.Name)
	}
	f, ok := b.cfg.Registry.Sink(name)
	if !ok {
		return nil, b.unknownConnector(pos, name, "written to", b.cfg.Registry.SinkNames())
	}
	// Engine-owned source options may sit on a table that is also written.
	sinkOpts := map[string]string{}
	for k, v := range t.Options {
		if k != OptionIdleTimeout {
			sinkOpts[k] = v
		}
	}
	s, err := f(connectors.SinkConfig{
		Table: t.Name, Schema: p.Query.Schema(), Options: sinkOpts, Metadata: sinkMetadata(t, p.Query.Schema()),
		Dir: b.cfg.Dir, Stdout: b.cfg.Stdout, Alloc: b.cfg.Alloc, Logger: b.cfg.Logger,
		Checkpointing: b.cfg.Checkpoint.Enabled(), Job: b.job,
	})
	if err != nil {
		return nil, optionError(t, err)
	}
	return &SinkSpec{Table: t.Name, Connector: name, Sink: s}, nil
}

// sinkMetadata maps the table's non-virtual METADATA columns to their
// positions in the rows the sink receives (which leave out virtual
// columns), by name.
func sinkMetadata(t *catalog.Table, out *arrow.Schema) map[int]string {
	if len(t.Metadata) == 0 {
		return nil
	}
	m := map[int]string{}
	for col, key := range t.Metadata {
		if t.Virtual[col] {
			continue
		}
		if idx := out.FieldIndices(t.Schema.Field(col).Name); len(idx) == 1 {
			m[idx[0]] = key
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// optionError positions a connector's complaint at the option it is about,
// else at the table.
func optionError(t *catalog.Table, err error) error {
	var oe *connectors.OptionError
	if errors.As(err, &oe) {
		if pos, ok := t.OptionPos[oe.Key]; ok && oe.Key != "" {
			return diag.Errorf(pos, "table %s: %s", t.Name, oe.Error())
		}
	}
	return diag.Errorf(t.Pos, "table %s: %v", t.Name, err)
}

func exprList(es []expr.Expr, out *arrow.Schema) string {
	s := ""
	for i, e := range es {
		if i > 0 {
			s += ", "
		}
		s += e.String()
		if out != nil && out.Field(i).Name != e.String() {
			s += " AS " + out.Field(i).Name
		}
	}
	return s
}

func calcSpec(cond expr.Expr, exprs []expr.Expr, in, out *arrow.Schema) *OpSpec {
	return &OpSpec{
		Kind:   "Calc",
		Detail: fmt.Sprintf("Calc(where=[%s], select=[%s])", cond, exprList(exprs, out)),
		New:    func() (operators.Operator, error) { return operators.NewCalc(cond, exprs, in, out) },
	}
}

func filterSpec(cond expr.Expr, in *arrow.Schema) *OpSpec {
	return &OpSpec{
		Kind:   "Filter",
		Detail: fmt.Sprintf("Filter(%s)", cond),
		New:    func() (operators.Operator, error) { return operators.NewFilter(cond, in) },
	}
}

func projectSpec(exprs []expr.Expr, in, out *arrow.Schema) *OpSpec {
	return &OpSpec{
		Kind:   "Project",
		Detail: fmt.Sprintf("Project(%s)", exprList(exprs, out)),
		New:    func() (operators.Operator, error) { return operators.NewProject(exprs, in, out) },
	}
}

func windowSpec(node *plan.WindowAggregate) *OpSpec {
	in, out, spec := node.Input.Schema(), node.Out, node.Spec
	state := "partial aggregates per (key, window)"
	switch spec.Window.Kind {
	case window.Hop:
		state = "partial aggregates per (key, pane), panes combined when a window fires"
	case window.Session:
		state = "partial aggregates per (key, session), merged as sessions meet"
	}
	if len(spec.Keys) == 0 {
		state = strings.Replace(state, "key, ", "", 1)
	}
	return &OpSpec{
		Kind:        "WindowAggregate",
		Detail:      node.String(),
		StateTables: []string{state + "; released when the watermark passes the window's end"},
		New:         func() (operators.Operator, error) { return window.New(spec, in, out) },
	}
}
