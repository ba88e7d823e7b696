package jsonformat

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

const allNull = `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":null,"t":null,"dt":null}`

func TestDecodeValues(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"all types", `{"b":true,"i":-7,"l":9007199254740993,"f":1.5,"d":-0.25,"m":12.34,"s":"héllo","t":"2024-01-01 00:00:10.123","dt":"2024-02-29"}`,
			`{"b":true,"i":-7,"l":9007199254740993,"f":1.5,"d":-0.25,"m":12.34,"s":"héllo","t":"2024-01-01 00:00:10.123","dt":"2024-02-29"}`},
		{"empty object", `{}`, allNull},
		{"explicit nulls", allNull, allNull},
		{"whitespace", " { \"l\" : 5 , \"s\" :\t\"x\" } \r", `{"b":null,"i":null,"l":5,"f":null,"d":null,"m":null,"s":"x","t":null,"dt":null}`},
		{"unknown fields ignored", `{"zz":{"a":[1,2,{"b":null}]},"l":1,"yy":[true,false,"s"]}`, `{"b":null,"i":null,"l":1,"f":null,"d":null,"m":null,"s":null,"t":null,"dt":null}`},
		{"bigint extremes", `{"l":-9223372036854775808,"i":2147483647}`, `{"b":null,"i":2147483647,"l":-9223372036854775808,"f":null,"d":null,"m":null,"s":null,"t":null,"dt":null}`},
		{"quoted numbers", `{"i":" 42 ","l":"-5","f":"2.5","d":"1e3","m":"7.1","b":"TRUE"}`, `{"b":true,"i":42,"l":-5,"f":2.5,"d":1000,"m":7.10,"s":null,"t":null,"dt":null}`},
		{"varchar from other JSON", `{"s":1.50}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":"1.50","t":null,"dt":null}`},
		{"varchar from bool", `{"s":false}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":"false","t":null,"dt":null}`},
		{"varchar from object", `{"s":{"a": [1, "x"]}}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":"{\"a\": [1, \"x\"]}","t":null,"dt":null}`},
		{"escapes", `{"s":"a\"b\\c\/d\n\u00e9\ud83d\ude00\ud800"}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":"a\"b\\c/d\né😀` + "\uFFFD" + `","t":null,"dt":null}`},
		{"decimal rounding half up", `{"m":1.005}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":1.01,"s":null,"t":null,"dt":null}`},
		{"decimal negative exponent", `{"m":-12345e-4}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":-1.23,"s":null,"t":null,"dt":null}`},
		{"decimal exponent", `{"m":1.5E+3}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":1500.00,"s":null,"t":null,"dt":null}`},
		{"decimal tiny", `{"m":0.004}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":0.00,"s":null,"t":null,"dt":null}`},
		{"decimal max", `{"m":-99999999.99}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":-99999999.99,"s":null,"t":null,"dt":null}`},
		{"timestamp 9 digits truncated", `{"t":"2024-01-01 00:00:10.123999999"}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":null,"t":"2024-01-01 00:00:10.123","dt":null}`},
		{"timestamp no fraction", `{"t":"2024-01-01 00:00:10"}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":null,"t":"2024-01-01 00:00:10.000","dt":null}`},
		{"timestamp one digit", `{"t":"2024-01-01 00:00:10.5"}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":null,"t":"2024-01-01 00:00:10.500","dt":null}`},
		{"timestamp RFC 3339 Z", `{"t":"2024-01-01T00:00:10.123Z"}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":null,"t":"2024-01-01 00:00:10.123","dt":null}`},
		{"timestamp RFC 3339 offset", `{"t":"2024-01-01T01:30:00+02:00"}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":null,"t":"2023-12-31 23:30:00.000","dt":null}`},
		{"timestamp negative offset", `{"t":"2023-12-31T22:00:00.5-02:00"}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":null,"t":"2024-01-01 00:00:00.500","dt":null}`},
		{"timestamp epoch ms", `{"t":1704067210123}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":null,"t":"2024-01-01 00:00:10.123","dt":null}`},
		{"timestamp before 1970", `{"t":-1}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":null,"t":"1969-12-31 23:59:59.999","dt":null}`},
		{"date old", `{"dt":"0001-01-01"}`, `{"b":null,"i":null,"l":null,"f":null,"d":null,"m":null,"s":null,"t":null,"dt":"0001-01-01"}`},
		{"duplicate key last wins", `{"l":1,"l":2,"s":"a","s":null}`, `{"b":null,"i":null,"l":2,"f":null,"d":null,"m":null,"s":null,"t":null,"dt":null}`},
		{"case-insensitive names", `{"L":3,"S":"up"}`, `{"b":null,"i":null,"l":3,"f":null,"d":null,"m":null,"s":"up","t":null,"dt":null}`},
		{"escaped key", `{"\u006c":4}`, `{"b":null,"i":null,"l":4,"f":null,"d":null,"m":null,"s":null,"t":null,"dt":null}`},
		{"float extremes", `{"f":3.4028235e38,"d":5e-324}`, `{"b":null,"i":null,"l":null,"f":3.4028235e+38,"d":5e-324,"m":null,"s":null,"t":null,"dt":null}`},
		{"float special strings", `{"f":"NaN","d":"-Infinity"}`, `{"b":null,"i":null,"l":null,"f":"NaN","d":"-Infinity","m":null,"s":null,"t":null,"dt":null}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			alloc := checkedAlloc(t)
			d := newDecoder(t, alloc, allTypes(), nil, 16)
			if got := decodeLines(t, d, tc.in); got != tc.want {
				t.Errorf("decode %s\n got %s\nwant %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name, in, field, msg string
	}{
		{"not an object", `[1,2]`, "", "expected an object"},
		{"scalar", `42`, "", "expected an object"},
		{"truncated", `{"l":1,"s":"abc`, "", "unterminated string"},
		{"truncated after comma", `{"l":1,`, "", "unexpected end of line"},
		{"missing colon", `{"l" 1}`, "", "want ':'"},
		{"trailing garbage", `{"l":1} x`, "", "after the object"},
		{"two objects", `{"l":1}{"l":2}`, "", "after the object"},
		{"bad literal", `{"b":tru}`, "", "unknown literal"},
		{"leading zero", `{"l":012}`, "", "want ',' or '}'"},
		{"bad number", `{"l":-}`, "", "want a digit"},
		{"control char", "{\"s\":\"a\tb\"}", "", "control character"},
		{"bad escape", `{"s":"\x"}`, "", "bad escape"},
		{"bad unicode escape", `{"s":"\u12"}`, "", "bad \\u escape"},
		{"invalid UTF-8", "{\"s\":\"\xff\"}", "", "invalid UTF-8 at column 7"},
		{"bigint overflow", `{"l":9223372036854775808}`, "l", "out of range for BIGINT"},
		{"bigint huge", `{"l":123456789012345678901234567890}`, "l", "out of range for BIGINT"},
		{"int overflow", `{"i":2147483648}`, "i", "out of range for INT"},
		{"int from fraction", `{"l":1.5}`, "l", "expected an integer for BIGINT"},
		{"int from text", `{"l":"abc"}`, "l", `expected BIGINT, got "abc"`},
		{"int from empty", `{"l":""}`, "l", "expected BIGINT"},
		{"int from bool", `{"l":true}`, "l", "expected BIGINT, got boolean"},
		{"int from object", `{"l":{"a":1}}`, "l", "expected BIGINT, got an object"},
		{"float overflow", `{"f":1e39}`, "f", "out of range for FLOAT"},
		{"double overflow", `{"d":1e309}`, "d", "out of range for DOUBLE"},
		{"decimal overflow", `{"m":123456789.5}`, "m", "out of range for DECIMAL(10, 2)"},
		{"decimal text", `{"m":"1.2.3"}`, "m", "not a number"},
		{"bool from number", `{"b":1}`, "b", "expected BOOLEAN"},
		{"bool from text", `{"b":"yes"}`, "b", "expected BOOLEAN"},
		{"timestamp bad", `{"t":"2024-13-01 00:00:00"}`, "t", "expected TIMESTAMP(3)"},
		{"timestamp bad day", `{"t":"2023-02-29 00:00:00"}`, "t", "expected TIMESTAMP(3)"},
		{"timestamp 10 digits", `{"t":"2024-01-01 00:00:00.1234567890"}`, "t", "expected TIMESTAMP(3)"},
		{"timestamp fraction epoch", `{"t":1.5}`, "t", "expected an integer"},
		{"timestamp epoch range", `{"t":999999999999999999}`, "t", "out of range for TIMESTAMP(3)"},
		{"date bad", `{"dt":"2024-1-1"}`, "dt", "expected DATE"},
		{"date number", `{"dt":20240101}`, "dt", "expected DATE"},
		{"deep nesting", `{"x":` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}`, "", "nested deeper"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			alloc := checkedAlloc(t)
			d := newDecoder(t, alloc, allTypes(), nil, 16)
			if err := d.Append([]byte(`{"l":1,"s":"before"}`)); err != nil {
				t.Fatal(err)
			}
			err := d.Append([]byte(tc.in))
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("decode %s: got %v, want a *FieldError", tc.in, err)
			}
			if fe.Field != tc.field || !strings.Contains(fe.Msg, tc.msg) {
				t.Errorf("decode %s: got field %q msg %q, want field %q msg containing %q", tc.in, fe.Field, fe.Msg, tc.field, tc.msg)
			}
			// The bad line left nothing behind: the next good line
			// follows the first directly.
			got := decodeLines(t, d, `{"l":2,"s":"after"}`)
			want := `{"b":null,"i":null,"l":1,"f":null,"d":null,"m":null,"s":"before","t":null,"dt":null}` + "\n" +
				`{"b":null,"i":null,"l":2,"f":null,"d":null,"m":null,"s":"after","t":null,"dt":null}`
			if got != want {
				t.Errorf("rows after a bad line:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestDecodeBlankLinesSkipped(t *testing.T) {
	alloc := checkedAlloc(t)
	d := newDecoder(t, alloc, allTypes(), []int{2}, 16)
	for _, l := range []string{"", "  ", "\r", "\t \r"} {
		if err := d.Append([]byte(l)); err != nil {
			t.Fatalf("blank line %q: %v", l, err)
		}
	}
	if d.Len() != 0 {
		t.Fatalf("blank lines made %d rows", d.Len())
	}
	if rec := d.Flush(); rec != nil {
		t.Fatal("flush of no rows returned a record")
	}
}

func TestDecodeMaxLineBytes(t *testing.T) {
	alloc := checkedAlloc(t)
	d, err := NewDecoder(DecoderConfig{Schema: allTypes(), Alloc: alloc, Options: Options{MaxLineBytes: 16}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Release()
	if err := d.Append([]byte(`{"l":1}`)); err != nil {
		t.Fatal(err)
	}
	err = d.Append([]byte(`{"s":"` + strings.Repeat("x", 20) + `"}`))
	var fe *FieldError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "over the limit of 16 ('json.max-line-bytes')") {
		t.Fatalf("oversized line: got %v", err)
	}
	if d.Len() != 1 {
		t.Fatalf("rows = %d, want 1", d.Len())
	}
}

func TestDecodeProjection(t *testing.T) {
	alloc := checkedAlloc(t)
	// Only s and l, in that order; the bad BIGINT in unprojected i is not
	// looked at, but the line must still be valid JSON.
	d := newDecoder(t, alloc, allTypes(), []int{6, 2}, 16)
	if got := d.Schema().Field(0).Name + "," + d.Schema().Field(1).Name; got != "s,l" {
		t.Fatalf("schema %s", got)
	}
	got := decodeLines(t, d, `{"i":"not a number","l":7,"s":"x","t":"garbage"}`)
	if want := `{"s":"x","l":7}`; got != want {
		t.Fatalf("got %s want %s", got, want)
	}
	if err := d.Append([]byte(`{"i":[1,2,,3],"l":7}`)); err == nil {
		t.Fatal("malformed unprojected value was accepted")
	}
}

func TestDecodeNoColumns(t *testing.T) {
	alloc := checkedAlloc(t)
	d := newDecoder(t, alloc, allTypes(), []int{}, 16)
	for i := 0; i < 3; i++ {
		if err := d.Append([]byte(`{"l":1}`)); err != nil {
			t.Fatal(err)
		}
	}
	rec := d.Flush()
	defer rec.Release()
	if rec.NumRows() != 3 || rec.NumCols() != 0 {
		t.Fatalf("got %d rows %d cols", rec.NumRows(), rec.NumCols())
	}
}

func TestDecodeExactNameWins(t *testing.T) {
	alloc := checkedAlloc(t)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "Price", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "price", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	d := newDecoder(t, alloc, schema, nil, 4)
	got := decodeLines(t, d, `{"price":1,"Price":2}`, `{"PRICE":3}`)
	if want := `{"Price":2,"price":1}` + "\n" + `{"Price":3,"price":null}`; got != want {
		t.Fatalf("got %s want %s", got, want)
	}
}

func TestDecodeNotNull(t *testing.T) {
	alloc := checkedAlloc(t)
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, nil)
	d := newDecoder(t, alloc, schema, nil, 4)
	for _, l := range []string{`{}`, `{"id":null}`} {
		var fe *FieldError
		if err := d.Append([]byte(l)); !errors.As(err, &fe) || fe.Field != "id" {
			t.Fatalf("%s: got %v", l, err)
		}
	}
	if d.Len() != 0 {
		t.Fatal("rows left behind")
	}
}

func TestDecodeBatches(t *testing.T) {
	alloc := checkedAlloc(t)
	d := newDecoder(t, alloc, allTypes(), []int{2, 6}, 2)
	var lines []string
	for i := 0; i < 5; i++ {
		if err := d.Append([]byte(`{"l":1,"s":"abc"}`)); err != nil {
			t.Fatal(err)
		}
		if d.Full() {
			rec := d.Flush()
			lines = append(lines, encodeAll(t, rec))
			rec.Release()
		}
	}
	rec := d.Flush()
	lines = append(lines, encodeAll(t, rec))
	rec.Release()
	if len(lines) != 3 || strings.Count(strings.Join(lines, ""), "\n") != 5 {
		t.Fatalf("batches %q", lines)
	}
}

func TestDecodeGrowsPastBatchSize(t *testing.T) {
	alloc := checkedAlloc(t)
	d := newDecoder(t, alloc, allTypes(), nil, 1)
	for i := 0; i < 10; i++ {
		if err := d.Append([]byte(`{"l":1,"s":"x","m":1}`)); err != nil {
			t.Fatal(err)
		}
	}
	rec := d.Flush()
	defer rec.Release()
	if rec.NumRows() != 10 {
		t.Fatalf("rows %d", rec.NumRows())
	}
}

func TestNewDecoderRejectsUnsupportedType(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.BinaryTypes.Binary}}, nil)
	if _, err := NewDecoder(DecoderConfig{Schema: schema}); err == nil || !strings.Contains(err.Error(), "column 'x'") {
		t.Fatalf("got %v", err)
	}
}
