package sql

import (
	"fmt"
	"sort"
	"strings"

	"github.com/weir-stream/weir/sql/bind"
	"github.com/weir-stream/weir/sql/diag"
	"github.com/weir-stream/weir/sql/prepass"
	"github.com/weir-stream/weir/sql/rules"
)

// Options tunes CompileWith.
type Options struct {
	// Rules are the rewrite rules applied to each plan, to a fixed point;
	// nil means rules.Default(). An empty non-nil list leaves the bound
	// plans as they are.
	Rules []rules.Rule
}

// Compile parses, binds and optimises a SQL file. On failure the error is
// a diag.List holding every error found, each FILE:LINE:COL: message.
func Compile(file string, src []byte) (*Program, error) {
	return CompileWith(file, src, Options{})
}

// CompileWith is Compile with options.
func CompileWith(file string, src []byte, opts Options) (*Program, error) {
	script, errs := prepass.Run(file, string(src))
	cat := bind.NewCatalog()
	for _, name := range script.Broken {
		cat.MarkBroken(name)
	}
	b := bind.New(script.File, cat)
	ruleList := opts.Rules
	if ruleList == nil {
		ruleList = rules.Default()
	}
	prog := &Program{File: file, Settings: map[string]string{}, SettingPos: map[string]diag.Pos{}}
	inserts := map[string]int{}
	for i, st := range script.Stmts {
		switch st.Kind {
		case prepass.CreateTable:
			if t := b.CreateTable(st); t != nil {
				prog.Tables = append(prog.Tables, t)
			}
		case prepass.Set:
			prog.Settings[st.Set.Key] = st.Set.Value
			prog.SettingPos[st.Set.Key] = script.File.Pos(st.Start)
		case prepass.Query:
			res := b.Statement(st)
			if res == nil {
				continue
			}
			pos := script.File.Pos(st.Start)
			q, err := rules.Optimize(res.Query, ruleList)
			if err != nil {
				errs.Add(pos, "%s", err)
				continue
			}
			p := &Pipeline{Pos: pos, Query: q, Sink: res.Sink}
			if res.Sink != nil {
				key := strings.ToLower(res.Sink.Name)
				inserts[key]++
				p.Name = "insert_into_" + res.Sink.Name
				if n := inserts[key]; n > 1 {
					p.Name += fmt.Sprintf("_%d", n)
				}
			} else {
				p.Name = fmt.Sprintf("select_%d", i+1)
			}
			prog.Pipelines = append(prog.Pipelines, p)
		}
	}
	errs = append(errs, b.Errors()...)
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool {
			a, b := errs[i].Pos, errs[j].Pos
			return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
		})
		return nil, errs
	}
	return prog, nil
}
