package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	gojson "github.com/goccy/go-json"

	"github.com/weir-stream/weir/connectors/nexmark"
	"github.com/weir-stream/weir/engine"
)

// The differential window tests generate event streams, write them as
// JSON lines, run windowed SQL through the engine and compare every sink
// with refWindows, a direct evaluation over all rows.

// evRow is one generated event; nil fields are SQL NULLs.
type evRow struct {
	k  *string  // group key
	g  *int64   // second group key (INT)
	v  *int64   // BIGINT value
	d  *float64 // DOUBLE value, a multiple of 0.25 so sums are exact
	s  *string  // VARCHAR value
	ts int64    // event time, epoch ms
}

func (r evRow) json() string {
	m := map[string]any{"ts": r.ts}
	if r.k != nil {
		m["k"] = *r.k
	}
	if r.g != nil {
		m["g"] = *r.g
	}
	if r.v != nil {
		m["v"] = *r.v
	}
	if r.d != nil {
		m["d"] = *r.d
	}
	if r.s != nil {
		m["s"] = *r.s
	}
	b, err := gojson.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// winKind is a group window in SQL and in the reference.
type winKind struct {
	name             string // TUMBLE, HOP, SESSION
	size, slide, gap int64  // ms
}

// sql renders the window's GROUP BY call (fn "") or one of its helpers
// (fn "_START", "_END").
func (w winKind) sql(fn, col string) string {
	sec := func(ms int64) string { return fmt.Sprintf("INTERVAL '%d' SECOND", ms/1000) }
	switch w.name {
	case "HOP":
		return fmt.Sprintf("HOP%s(%s, %s, %s)", fn, col, sec(w.slide), sec(w.size))
	case "SESSION":
		return fmt.Sprintf("SESSION%s(%s, %s)", fn, col, sec(w.gap))
	}
	return fmt.Sprintf("TUMBLE%s(%s, %s)", fn, col, sec(w.size))
}

// assign returns the [start, end) windows a row at ts belongs to (not
// for SESSION, which the reference merges per key).
func (w winKind) assign(ts int64) [][2]int64 {
	floor := func(a, b int64) int64 {
		q := a / b
		if a%b != 0 && a < 0 {
			q--
		}
		return q * b
	}
	switch w.name {
	case "TUMBLE":
		s := floor(ts, w.size)
		return [][2]int64{{s, s + w.size}}
	case "HOP":
		var out [][2]int64
		for s := floor(ts, w.slide); s > ts-w.size; s -= w.slide {
			out = append(out, [2]int64{s, s + w.size})
		}
		return out
	}
	panic("assign: " + w.name)
}

// late reports whether a row at ts is late at watermark wm when it
// touches no open session: TUMBLE and HOP windows fire once the watermark
// reaches their end, sessions once it passes it (a row at wm may still
// extend a session ending at wm).
func (w winKind) late(ts, wm int64) bool {
	if w.name == "SESSION" {
		return ts+w.gap < wm
	}
	end := int64(0)
	for _, win := range w.assign(ts) {
		end = max(end, win[1])
	}
	return end <= wm
}

var (
	tumble2s  = winKind{name: "TUMBLE", size: 2000}
	hop2s5s   = winKind{name: "HOP", slide: 2000, size: 5000}
	session1s = winKind{name: "SESSION", gap: 1000}
)

// keySets are the GROUP BY key lists the differential test runs.
var keySets = [][]string{nil, {"k"}, {"k", "g"}}

// aggCols are the aggregates every differential query computes.
var aggCols = []struct{ name, sql, typ string }{
	{"cnt", "COUNT(*)", "BIGINT"},
	{"cnt_v", "COUNT(v)", "BIGINT"},
	{"sum_v", "SUM(v)", "BIGINT"},
	{"min_v", "MIN(v)", "BIGINT"},
	{"max_v", "MAX(v)", "BIGINT"},
	{"avg_v", "AVG(v)", "BIGINT"},
	{"cntd_v", "COUNT(DISTINCT v)", "BIGINT"},
	{"sum_d", "SUM(d)", "DOUBLE"},
	{"avg_d", "AVG(d)", "DOUBLE"},
	{"min_s", "MIN(s)", "VARCHAR"},
	{"max_s", "MAX(s)", "VARCHAR"},
	{"cntd_s", "COUNT(DISTINCT s)", "BIGINT"},
	{"max_ts", "MAX(ts)", "TIMESTAMP(3)"},
}

var keyTypes = map[string]string{"k": "VARCHAR", "g": "INT"}

// windowQuery is one windowed INSERT and its sink.
type windowQuery struct {
	sink string
	win  winKind
	keys []string
}

// ddl returns the sink table and the INSERT, reading table src.
func (q windowQuery) ddl(src string) string {
	var cols, sel []string
	for _, k := range q.keys {
		cols = append(cols, k+" "+keyTypes[k])
		sel = append(sel, k)
	}
	cols = append(cols, "ws TIMESTAMP(3)", "we TIMESTAMP(3)")
	sel = append(sel, q.win.sql("_START", "ts")+" AS ws", q.win.sql("_END", "ts")+" AS we")
	for _, a := range aggCols {
		cols = append(cols, a.name+" "+a.typ)
		sel = append(sel, a.sql+" AS "+a.name)
	}
	group := append(append([]string{}, q.keys...), q.win.sql("", "ts"))
	return fmt.Sprintf("CREATE TABLE %s (%s) WITH ('connector' = 'file', 'path' = 'out/%s.jsonl', 'format' = 'json');\n"+
		"INSERT INTO %s SELECT %s FROM %s GROUP BY %s;\n",
		q.sink, strings.Join(cols, ", "), q.sink, q.sink, strings.Join(sel, ", "), src, strings.Join(group, ", "))
}

// sourceDDL declares the event table over path with a watermark delay.
func sourceDDL(name, path string, delayS int) string {
	return fmt.Sprintf(`CREATE TABLE %s (k VARCHAR, g INT, v BIGINT, d DOUBLE, s VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '%d' SECOND
) WITH ('connector' = 'file', 'path' = '%s', 'format' = 'json');
`, name, delayS, path)
}

// aggState accumulates one (key, window) group in the reference.
type aggState struct {
	cnt, cntV, sumV int64
	minV, maxV      *int64
	distinctV       map[int64]bool
	sumD            float64
	cntD            int64
	minS, maxS      *string
	distinctS       map[string]bool
	maxTS           int64
}

func newAggState() *aggState {
	return &aggState{distinctV: map[int64]bool{}, distinctS: map[string]bool{}, maxTS: -1 << 62}
}

func (a *aggState) add(r evRow) {
	a.cnt++
	a.maxTS = max(a.maxTS, r.ts)
	if r.v != nil {
		v := *r.v
		a.cntV++
		a.sumV += v
		if a.minV == nil || v < *a.minV {
			a.minV = &v
		}
		if a.maxV == nil || v > *a.maxV {
			a.maxV = &v
		}
		a.distinctV[v] = true
	}
	if r.d != nil {
		a.cntD++
		a.sumD += *r.d
	}
	if r.s != nil {
		s := *r.s
		if a.minS == nil || s < *a.minS {
			a.minS = &s
		}
		if a.maxS == nil || s > *a.maxS {
			a.maxS = &s
		}
		a.distinctS[s] = true
	}
}

func float(f float64) gojson.Number { return gojson.Number(strconv.FormatFloat(f, 'g', -1, 64)) }

// row renders the group's aggregates as a sink row.
func (a *aggState) row(out map[string]any) {
	ptr := func(p *int64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	sptr := func(p *string) any {
		if p == nil {
			return nil
		}
		return *p
	}
	out["cnt"] = a.cnt
	out["cnt_v"] = a.cntV
	out["sum_v"], out["avg_v"] = nil, nil
	if a.cntV > 0 {
		out["sum_v"] = a.sumV
		out["avg_v"] = a.sumV / a.cntV // truncates toward zero, like Flink
	}
	out["min_v"], out["max_v"] = ptr(a.minV), ptr(a.maxV)
	out["cntd_v"] = int64(len(a.distinctV))
	out["sum_d"], out["avg_d"] = nil, nil
	if a.cntD > 0 {
		out["sum_d"] = float(a.sumD)
		out["avg_d"] = float(a.sumD / float64(a.cntD))
	}
	out["min_s"], out["max_s"] = sptr(a.minS), sptr(a.maxS)
	out["cntd_s"] = int64(len(a.distinctS))
	out["max_ts"] = ts(a.maxTS)
}

// groupKey renders a row's key columns (NULL distinct from any value).
func groupKey(r evRow, keys []string) (string, map[string]any) {
	vals := map[string]any{}
	var sb strings.Builder
	for _, k := range keys {
		switch k {
		case "k":
			if r.k == nil {
				vals[k] = nil
				sb.WriteString("\x00N|")
			} else {
				vals[k] = *r.k
				sb.WriteString(*r.k + "|")
			}
		case "g":
			if r.g == nil {
				vals[k] = nil
				sb.WriteString("\x00N|")
			} else {
				vals[k] = *r.g
				fmt.Fprintf(&sb, "%d|", *r.g)
			}
		}
	}
	return sb.String(), vals
}

// refWindows evaluates q over rows directly: every window with at least
// one row yields one output row per key. Sessions of a key split where
// consecutive event times are more than Gap apart (sessions that touch
// merge, as in Flink).
func refWindows(rows []evRow, q windowQuery) string {
	type group struct {
		key   map[string]any
		start int64
		end   int64
		agg   *aggState
	}
	var groups []*group
	if q.win.name == "SESSION" {
		byKey := map[string][]evRow{}
		keyVals := map[string]map[string]any{}
		for _, r := range rows {
			k, vals := groupKey(r, q.keys)
			byKey[k] = append(byKey[k], r)
			keyVals[k] = vals
		}
		for k, rs := range byKey {
			sort.SliceStable(rs, func(i, j int) bool { return rs[i].ts < rs[j].ts })
			var cur *group
			for _, r := range rs {
				if cur == nil || r.ts > cur.end { // touching sessions merge, as in Flink
					cur = &group{key: keyVals[k], start: r.ts, agg: newAggState()}
					groups = append(groups, cur)
				}
				cur.end = max(cur.end, r.ts+q.win.gap)
				cur.agg.add(r)
			}
		}
	} else {
		byWin := map[string]*group{}
		for _, r := range rows {
			k, vals := groupKey(r, q.keys)
			for _, w := range q.win.assign(r.ts) {
				id := fmt.Sprintf("%s@%d", k, w[0])
				g := byWin[id]
				if g == nil {
					g = &group{key: vals, start: w[0], end: w[1], agg: newAggState()}
					byWin[id] = g
					groups = append(groups, g)
				}
				g.agg.add(r)
			}
		}
	}
	var sb strings.Builder
	for _, g := range groups {
		out := map[string]any{"ws": ts(g.start), "we": ts(g.end)}
		for k, v := range g.key {
			out[k] = v
		}
		g.agg.row(out)
		b, err := gojson.Marshal(out)
		if err != nil {
			panic(err)
		}
		sb.Write(b)
		sb.WriteByte('\n')
	}
	return sb.String()
}

// streamParams shape a generated stream.
type streamParams struct {
	rows      int
	keys      []string // group key values; NULL is added with nullKeyP
	nullKeyP  float64
	nullValP  float64
	stepMaxMS int64   // the clock advances 0..stepMaxMS per row
	jumpP     float64 // with this probability it jumps 1.5-6 s (empty windows, session ends)
	disorder  int64   // a row's time is up to this far behind the clock
}

// genStream generates rows whose event times are never more than
// p.disorder behind the newest earlier row.
func genStream(rng *rand.Rand, p streamParams) []evRow {
	clock := int64(1_704_067_200_000) // 2024-01-01 00:00:00 UTC
	rows := make([]evRow, 0, p.rows)
	strs := []string{"apple", "Banana", "cherry", "date", "", "éclair"}
	for range p.rows {
		clock += rng.Int64N(p.stepMaxMS + 1)
		if rng.Float64() < p.jumpP {
			clock += 1500 + rng.Int64N(4500)
		}
		r := evRow{ts: clock - rng.Int64N(p.disorder+1)}
		if rng.Float64() >= p.nullKeyP {
			k := p.keys[rng.IntN(len(p.keys))]
			r.k = &k
		}
		if rng.Float64() >= p.nullKeyP {
			g := int64(rng.IntN(3))
			r.g = &g
		}
		if rng.Float64() >= p.nullValP {
			v := rng.Int64N(41) - 20 // negatives: AVG truncates toward zero
			r.v = &v
		}
		if rng.Float64() >= p.nullValP {
			d := float64(rng.IntN(801)-400) / 4
			r.d = &d
		}
		if rng.Float64() >= p.nullValP {
			s := strs[rng.IntN(len(strs))]
			r.s = &s
		}
		rows = append(rows, r)
	}
	return rows
}

// writeParts writes rows as JSON lines into n files under dir/in, cut
// at consecutive positions: read one after another they are the stream;
// read in parallel each is a stream with the same disorder bound.
func writeParts(t *testing.T, dir string, rows []evRow, n int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "in"), 0o755); err != nil {
		t.Fatal(err)
	}
	per := (len(rows) + n - 1) / n
	for i := range n {
		var sb strings.Builder
		for _, r := range rows[min(i*per, len(rows)):min((i+1)*per, len(rows))] {
			sb.WriteString(r.json())
			sb.WriteByte('\n')
		}
		if err := os.WriteFile(filepath.Join(dir, "in", fmt.Sprintf("part-%d.jsonl", i)), []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runWindowJob compiles and runs sql in dir and returns the job (for its
// metrics) after checking that no Arrow buffer leaked.
func runWindowJob(t *testing.T, dir, sql string, batch, par int) *engine.Job {
	t.Helper()
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	job, err := engine.Compile("window.sql", []byte(sql), engine.Config{Parallelism: par, BatchSize: batch, Dir: dir, Alloc: alloc})
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, sql)
	}
	if err := job.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	return job
}

func readSink(t *testing.T, dir, sink string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "out", sink+".jsonl"))
	if err != nil {
		t.Fatalf("sink %s: %v", sink, err)
	}
	return string(data)
}

func lateRows(job *engine.Job) int64 {
	var n int64
	for _, m := range job.Metrics() {
		n += m.LateRows
	}
	return n
}

func countLines(s string) int { return strings.Count(s, "\n") }

// allWindowQueries is every window kind with every key set.
func allWindowQueries() []windowQuery {
	var qs []windowQuery
	for _, w := range []winKind{tumble2s, hop2s5s, session1s} {
		for _, keys := range keySets {
			name := strings.ToLower(w.name) + "_" + strings.Join(append([]string{"by"}, keys...), "_")
			if len(keys) == 0 {
				name = strings.ToLower(w.name) + "_global"
			}
			qs = append(qs, windowQuery{sink: name, win: w, keys: keys})
		}
	}
	return qs
}

// TestWindowDifferential runs TUMBLE, HOP and SESSION with every
// aggregate, without keys, on one key and on two, over seeded random
// streams with bounded disorder (less than the watermark delay, so no
// row is late), at batch size 1 and the default and parallelism 1 and
// 4, and compares each sink with the reference evaluator.
func TestWindowDifferential(t *testing.T) {
	streams := []struct {
		name string
		seed uint64
		p    streamParams
	}{
		{"dense", 1, streamParams{rows: 1500, keys: []string{"a", "b", "c", "d"}, nullKeyP: 0.1, nullValP: 0.15, stepMaxMS: 40, jumpP: 0.01, disorder: 900}},
		{"sparse", 2, streamParams{rows: 600, keys: []string{"a", "b", "c", "d", "e", "f", "g"}, nullKeyP: 0.2, nullValP: 0.3, stepMaxMS: 700, jumpP: 0.08, disorder: 950}},
		{"skewed_nulls", 3, streamParams{rows: 900, keys: []string{"hot"}, nullKeyP: 0.5, nullValP: 0.6, stepMaxMS: 120, jumpP: 0.03, disorder: 500}},
	}
	queries := allWindowQueries()
	for _, st := range streams {
		rows := genStream(rand.New(rand.NewPCG(st.seed, 42)), st.p)
		var sql strings.Builder
		sql.WriteString(sourceDDL("ev", "in", 1))
		want := map[string]string{}
		for _, q := range queries {
			sql.WriteString(q.ddl("ev"))
			want[q.sink] = refWindows(rows, q)
			if countLines(want[q.sink]) < 5 {
				t.Fatalf("%s/%s: the reference has only %d windows; the stream proves little", st.name, q.sink, countLines(want[q.sink]))
			}
		}
		for _, batch := range []int{1, engine.DefaultBatchSize} {
			for _, par := range []int{1, 4} {
				t.Run(fmt.Sprintf("%s/batch%d_par%d", st.name, batch, par), func(t *testing.T) {
					t.Parallel()
					dir := t.TempDir()
					writeParts(t, dir, rows, 3)
					job := runWindowJob(t, dir, sql.String(), batch, par)
					if n := lateRows(job); n != 0 {
						t.Errorf("%d rows counted late; the stream's disorder is within the watermark delay", n)
					}
					for _, q := range queries {
						compareRows(t, q.sink, readSink(t, dir, q.sink), want[q.sink])
					}
				})
			}
		}
	}
}

// lateStream builds a stream in bursts: burst j has rows in [6j s,
// 6j+2 s) with less than the watermark delay (1 s) of disorder, then 4 s
// of silence. Once a row of burst j+1 has been read, the watermark is at
// least 6j+5 s, at or past the end of every window burst j's rows open
// (TUMBLE 2 s: 6j+2 s; HOP 2 s/5 s: 6j+5 s; SESSION 1 s: 6j+3 s), and
// no session of burst j+1 reaches back to them; from then on some rows of burst j are replayed: late for every
// window kind whenever the watermark advances after every row (batch
// size 1). It returns the rows and, for each, whether it was replayed.
func lateStream(rng *rand.Rand, bursts int) ([]evRow, []bool) {
	base := int64(1_704_067_200_000)
	var rows []evRow
	var replay []bool
	var prev []evRow
	for j := range bursts {
		start := base + int64(j)*6000
		var cur []evRow
		for n := 0; n < 40; n++ {
			k := []string{"a", "b", "c"}[rng.IntN(3)]
			v := rng.Int64N(100)
			r := evRow{k: &k, v: &v, ts: start + rng.Int64N(1000) + int64(n)*25}
			r.ts = min(r.ts, start+1999)
			cur = append(cur, r)
			rows = append(rows, r)
			replay = append(replay, false)
			if n > 0 && len(prev) > 0 && rng.IntN(4) == 0 {
				old := prev[rng.IntN(len(prev))]
				v := old.v
				big := *v + 1000 // a value that would stand out if counted
				old.v = &big
				rows = append(rows, old)
				replay = append(replay, true)
			}
		}
		prev = cur
	}
	return rows, replay
}

// TestWindowLateRowsDroppedAndCounted replays rows of earlier bursts
// after the watermark passed all their windows, at batch size 1: each
// replayed row is counted late exactly once per window query and never
// reaches a sink. At the default batch size the whole (small) file is
// one batch, read before any watermark, so the same rows are on time:
// the count is 0 and the output includes them.
func TestWindowLateRowsDroppedAndCounted(t *testing.T) {
	rows, replay := lateStream(rand.New(rand.NewPCG(7, 7)), 12)
	const delay = 1000
	var onTime []evRow
	maxTS := int64(-1 << 62)
	replayed := 0
	for i, r := range rows {
		wm := maxTS - delay
		for _, w := range []winKind{tumble2s, hop2s5s, session1s} {
			if late := w.late(r.ts, wm); late != replay[i] {
				t.Fatalf("row %d: late for %s is %v, want %v; fix lateStream", i, w.name, late, replay[i])
			}
		}
		if replay[i] {
			replayed++
		} else {
			onTime = append(onTime, r)
		}
		maxTS = max(maxTS, r.ts)
	}
	if replayed < 20 {
		t.Fatalf("only %d late rows generated", replayed)
	}
	queries := []windowQuery{
		{sink: "tumble_by_k", win: tumble2s, keys: []string{"k"}},
		{sink: "hop_by_k", win: hop2s5s, keys: []string{"k"}},
		{sink: "session_by_k", win: session1s, keys: []string{"k"}},
		{sink: "tumble_global", win: tumble2s},
	}
	var sql strings.Builder
	sql.WriteString(sourceDDL("ev", "in", 1))
	for _, q := range queries {
		sql.WriteString(q.ddl("ev"))
	}
	for _, par := range []int{1, 4} {
		t.Run(fmt.Sprintf("batch1_par%d", par), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeParts(t, dir, rows, 1)
			job := runWindowJob(t, dir, sql.String(), 1, par)
			if got, want := lateRows(job), int64(replayed*len(queries)); got != want {
				t.Errorf("LateRows = %d, want %d (%d late rows x %d window queries)", got, want, replayed, len(queries))
			}
			for _, q := range queries {
				out := readSink(t, dir, q.sink)
				// Replayed rows carry values >= 1000, on-time ones < 100.
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					var m struct {
						MaxV *int64 `json:"max_v"`
					}
					if err := gojson.Unmarshal([]byte(line), &m); err != nil {
						t.Fatalf("%s: output %q: %v", q.sink, line, err)
					}
					if m.MaxV != nil && *m.MaxV >= 1000 {
						t.Errorf("%s: a late row reached the output: %s", q.sink, line)
					}
				}
				compareRows(t, q.sink, out, refWindows(onTime, q))
			}
		})
	}
	t.Run("default_batch_nothing_late", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		writeParts(t, dir, rows, 1)
		job := runWindowJob(t, dir, sql.String(), engine.DefaultBatchSize, 4)
		if got := lateRows(job); got != 0 {
			t.Errorf("LateRows = %d with the whole file in one batch, want 0", got)
		}
		for _, q := range queries {
			compareRows(t, q.sink, readSink(t, dir, q.sink), refWindows(rows, q))
		}
	})
}

// TestWindowIdleSubtaskDoesNotStall runs an unbounded, rate-limited
// Nexmark person source at parallelism 4. Persons are events n with n %
// 50 == 0, and subtask s generates the events n % 4 == s, so subtasks 1
// and 3 never read a row and never advance their watermark. With
// 'scan.watermark.idle-timeout' they are ignored and one-second tumbling
// windows fire while the job runs; without it, the window's watermark
// stays at the idle subtasks' and nothing fires. Each job is stopped as
// soon as the outcome is known (bounded in time by a deadline).
func TestWindowIdleSubtaskDoesNotStall(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for wall-clock windows")
	}
	query := func(idle string) string {
		opt := ""
		if idle != "" {
			opt = fmt.Sprintf(", 'scan.watermark.idle-timeout' = '%s'", idle)
		}
		return fmt.Sprintf(`CREATE TABLE person (id BIGINT, name VARCHAR, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '1' SECOND
) WITH ('connector' = 'nexmark', 'table' = 'person', 'rate-limited' = 'true'%s);
CREATE TABLE res (n BIGINT, ws TIMESTAMP(3), we TIMESTAMP(3))
WITH ('connector' = 'file', 'path' = 'out/res.jsonl', 'format' = 'json');
INSERT INTO res SELECT COUNT(*) AS n, TUMBLE_START(date_time, INTERVAL '1' SECOND) AS ws,
  TUMBLE_END(date_time, INTERVAL '1' SECOND) AS we
FROM person GROUP BY TUMBLE(date_time, INTERVAL '1' SECOND);
`, opt)
	}
	// windowOut is the rows the window vertex has emitted so far.
	windowOut := func(job *engine.Job) (rows int64, wm int64, has bool) {
		for _, m := range job.Metrics() {
			if strings.Contains(m.Name, "Window") {
				return m.RowsOut, m.Watermark, m.HasWatermark
			}
		}
		return 0, 0, false
	}
	run := func(t *testing.T, idle string, wait time.Duration, until func(rows int64) bool) (*engine.Job, int64, string) {
		dir := t.TempDir()
		alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer alloc.AssertSize(t, 0)
		job, err := engine.Compile("idle.sql", []byte(query(idle)), engine.Config{Parallelism: 4, Dir: dir, Alloc: alloc})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- job.Run(context.Background()) }()
		deadline := time.After(wait)
		var rows int64
	poll:
		for {
			select {
			case err := <-done:
				t.Fatalf("unbounded job ended by itself: %v", err)
			case <-deadline:
				break poll
			case <-time.After(20 * time.Millisecond):
				if rows, _, _ = windowOut(job); until(rows) {
					break poll
				}
			}
		}
		job.Stop()
		if err := <-done; err != nil {
			t.Fatalf("run: %v", err)
		}
		return job, rows, readSink(t, dir, "res")
	}
	t.Run("with_idle_timeout", func(t *testing.T) {
		t.Parallel()
		job, rows, out := run(t, "200 ms", 20*time.Second, func(rows int64) bool { return rows >= 2 })
		if rows < 2 {
			t.Fatalf("window vertex emitted %d rows within 20 s; an idle subtask stalls the watermark", rows)
		}
		if _, wm, has := windowOut(job); !has || wm < nexmark.DefaultBaseTime {
			t.Errorf("window vertex reports watermark %d (known %v), want one past the first window", wm, has)
		}
		// Each fired one-second window holds the persons of that second:
		// 10,000 events per second, 1 in 50 a person, so 200 (the first
		// window may be partial).
		full := 0
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var m struct {
				N int64 `json:"n"`
			}
			if err := gojson.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("output %q: %v", line, err)
			}
			if m.N == 200 {
				full++
			}
		}
		if full == 0 {
			t.Errorf("no complete one-second window (200 persons) in output:\n%s", out)
		}
	})
	t.Run("without_idle_timeout_stalls", func(t *testing.T) {
		t.Parallel()
		_, rows, out := run(t, "", 3*time.Second, func(rows int64) bool { return rows > 0 })
		if rows != 0 {
			t.Fatalf("window vertex emitted %d rows while two source subtasks never advanced; the watermark should stall", rows)
		}
		// Stop ends every input, so the held windows fire at the end.
		if countLines(out) == 0 {
			t.Errorf("stopping the job fired no window")
		}
	})
}
