package bind

import (
	"strings"

	"github.com/weir-stream/weir/sql/catalog"
	"github.com/weir-stream/weir/sql/diag"
	"github.com/weir-stream/weir/sql/plan"
)

// View is a view declared by CREATE VIEW: a named, bound query.
type View struct {
	// Name as written.
	Name string
	// Query is the view's plan; using the view in FROM inlines it (plans
	// are values, so sharing it is safe).
	Query plan.Node
	// Pos is where the CREATE VIEW statement starts.
	Pos diag.Pos
}

// Catalog holds the tables and views a SQL file has declared so far. Names
// are case-insensitive and shared by tables and views.
type Catalog struct {
	tables map[string]*catalog.Table
	views  map[string]*View
	// declared maps a lower-case name to where it was declared.
	declared map[string]diag.Pos
	// broken holds the lower-case names of tables and views whose
	// declaration had errors: statements using them are not reported again.
	broken map[string]bool
}

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog {
	return &Catalog{
		tables:   map[string]*catalog.Table{},
		views:    map[string]*View{},
		declared: map[string]diag.Pos{},
		broken:   map[string]bool{},
	}
}

// Declared returns where a table or view named name was declared.
func (c *Catalog) Declared(name string) (diag.Pos, bool) {
	p, ok := c.declared[strings.ToLower(name)]
	return p, ok
}

// AddTable registers t; the caller checked that the name is free.
func (c *Catalog) AddTable(t *catalog.Table) {
	c.tables[strings.ToLower(t.Name)] = t
	c.declared[strings.ToLower(t.Name)] = t.Pos
}

// AddView registers v; the caller checked that the name is free.
func (c *Catalog) AddView(v *View) {
	c.views[strings.ToLower(v.Name)] = v
	c.declared[strings.ToLower(v.Name)] = v.Pos
}

// Table looks a table up by name.
func (c *Catalog) Table(name string) (*catalog.Table, bool) {
	t, ok := c.tables[strings.ToLower(name)]
	return t, ok
}

// View looks a view up by name.
func (c *Catalog) View(name string) (*View, bool) {
	v, ok := c.views[strings.ToLower(name)]
	return v, ok
}

// MarkBroken records that the declaration of name had errors.
func (c *Catalog) MarkBroken(name string) { c.broken[strings.ToLower(name)] = true }

// Broken reports whether the declaration of name had errors.
func (c *Catalog) Broken(name string) bool { return c.broken[strings.ToLower(name)] }
