package jsonformat

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestEncodeValues(t *testing.T) {
	alloc := checkedAlloc(t)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "d", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "m", Type: &arrow.Decimal128Type{Precision: 38, Scale: 3}, Nullable: true},
		{Name: "t", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
		{Name: "k\"ey", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(alloc, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"q\"\\\n\x01\u2028é", "\xffok", ""}, []bool{true, true, false})
	b.Field(1).(*array.Float64Builder).AppendValues([]float64{math.NaN(), math.Inf(-1), 1e21}, nil)
	big, _ := decimal128.FromString("-12345678901234567890123.456", 38, 3)
	b.Field(2).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(5), big, decimal128.FromI64(-1)}, nil)
	b.Field(3).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{0, -1, 253402300799999}, nil)
	b.Field(4).(*array.Date32Builder).AppendValues([]arrow.Date32{0, -719528, 19723}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	got := encodeAll(t, rec)
	want := `{"s":"q\"\\\n\u0001\u2028é","d":"NaN","m":0.005,"t":"1970-01-01 00:00:00.000","k\"ey":"1970-01-01"}` + "\n" +
		`{"s":"\ufffdok","d":"-Infinity","m":-12345678901234567890123.456,"t":"1969-12-31 23:59:59.999","k\"ey":"0000-01-01"}` + "\n" +
		`{"s":null,"d":1e+21,"m":-0.001,"t":"9999-12-31 23:59:59.999","k\"ey":"2024-01-01"}` + "\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if !utf8.ValidString(got) {
		t.Fatal("output is not valid UTF-8")
	}
}

func TestEncodeNoColumns(t *testing.T) {
	rec := array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 2)
	defer rec.Release()
	if got := encodeAll(t, rec); got != "{}\n{}\n" {
		t.Fatalf("got %q", got)
	}
}

func TestEncodeSlicedStrings(t *testing.T) {
	alloc := checkedAlloc(t)
	sb := array.NewStringBuilder(alloc)
	defer sb.Release()
	sb.AppendValues([]string{"a", "bb", "ccc", "dddd"}, nil)
	arr := sb.NewArray()
	defer arr.Release()
	sl := array.NewSlice(arr, 1, 3)
	defer sl.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{sl}, 2)
	defer rec.Release()
	if got := encodeAll(t, rec); got != "{\"s\":\"bb\"}\n{\"s\":\"ccc\"}\n" {
		t.Fatalf("got %q", got)
	}
}

// randomRecord builds n rows of every type with random values and nulls.
func randomRecord(alloc memory.Allocator, r *rand.Rand, n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(alloc, allTypes())
	defer b.Release()
	null := func() bool { return r.IntN(5) == 0 }
	for i := 0; i < n; i++ {
		for c, fb := range b.Fields() {
			if null() {
				fb.AppendNull()
				continue
			}
			switch c {
			case 0:
				fb.(*array.BooleanBuilder).Append(r.IntN(2) == 0)
			case 1:
				fb.(*array.Int32Builder).Append(int32(r.Uint32()))
			case 2:
				fb.(*array.Int64Builder).Append(int64(r.Uint64()))
			case 3:
				fb.(*array.Float32Builder).Append(float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(60)-30))))
			case 4:
				fb.(*array.Float64Builder).Append(math.Float64frombits(r.Uint64()&^(0x7ff<<52) | uint64(r.IntN(2046)+1)<<52))
			case 5:
				fb.(*array.Decimal128Builder).Append(decimal128.FromI64(r.Int64N(2*9999999999+1) - 9999999999))
			case 6:
				runes := []rune{'a', 'é', '"', '\\', '\n', 0x01, 0x7f, '😀', '\u2028', ' ', '/'}
				var sb strings.Builder
				for k := r.IntN(12); k > 0; k-- {
					sb.WriteRune(runes[r.IntN(len(runes))])
				}
				fb.(*array.StringBuilder).Append(sb.String())
			case 7:
				fb.(*array.TimestampBuilder).Append(arrow.Timestamp(r.Int64N(maxEpochMs-minEpochMs) + minEpochMs))
			case 8:
				fb.(*array.Date32Builder).Append(arrow.Date32(r.Int64N(maxEpochDay-minEpochDay) + minEpochDay))
			}
		}
	}
	return b.NewRecordBatch()
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	alloc := checkedAlloc(t)
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 20; round++ {
		rec := randomRecord(alloc, r, 200)
		var buf bytes.Buffer
		enc, err := NewEncoder(rec.Schema())
		if err != nil {
			t.Fatal(err)
		}
		if err := enc.Encode(&buf, rec); err != nil {
			t.Fatal(err)
		}
		d := newDecoder(t, alloc, allTypes(), nil, 1000)
		for i, line := range bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n")) {
			if err := d.Append(line); err != nil {
				t.Fatalf("line %d %s: %v", i+1, line, err)
			}
		}
		back := d.Flush()
		if !array.RecordEqual(rec, back) {
			for c := 0; c < int(rec.NumCols()); c++ {
				if !array.Equal(rec.Column(c), back.Column(c)) {
					t.Errorf("column %s differs:\n%v\n%v", rec.ColumnName(c), rec.Column(c), back.Column(c))
				}
			}
			t.Fatal("round trip changed the record")
		}
		rec.Release()
		back.Release()
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"b":true,"i":-7,"l":9007199254740993,"f":1.5,"d":-0.25,"m":12.34,"s":"héllo","t":"2024-01-01 00:00:10.123","dt":"2024-02-29"}`,
		`{"s":{"a":[1,"x",null]},"t":1704067210123,"m":"1e-3"}`,
		`{"t":"2024-01-01T01:30:00.123456+02:00","f":"NaN","d":"-Infinity"}`,
		`{"S":"\ud83d\ude00\u2028","L":"  -12 ","b":"FALSE"}`,
		`{"m":-99999999.995}`, `[]`, `{"l":1`, "{\"s\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer alloc.AssertSize(t, 0)
		d, err := NewDecoder(DecoderConfig{Schema: allTypes(), Alloc: alloc, Options: Options{MaxLineBytes: 1 << 16}})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Release()
		if d.Append(line) != nil || d.Len() == 0 {
			return
		}
		rec := d.Flush()
		defer rec.Release()
		enc, _ := NewEncoder(rec.Schema())
		var once, twice bytes.Buffer
		if err := enc.Encode(&once, rec); err != nil {
			t.Fatal(err)
		}
		if err := d.Append(bytes.TrimSuffix(once.Bytes(), []byte("\n"))); err != nil {
			t.Fatalf("re-decoding %s (from %q): %v", once.Bytes(), line, err)
		}
		again := d.Flush()
		defer again.Release()
		if err := enc.Encode(&twice, again); err != nil {
			t.Fatal(err)
		}
		if once.String() != twice.String() {
			t.Fatalf("round trip of %q changed values:\n%s%s", line, once.Bytes(), twice.Bytes())
		}
	})
}
