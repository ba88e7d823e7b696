package expr

import (
	"math/big"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// u128 is an unsigned 128-bit magnitude. Decimal kernels work on sign and
// magnitude with a 64-bit fast path and fall back to math/big only for
// values whose intermediate results do not fit 128 bits.
type u128 struct{ hi, lo uint64 }

// pow10u holds 10^0 .. 10^38.
var pow10u = func() [39]u128 {
	var t [39]u128
	t[0] = u128{lo: 1}
	for i := 1; i < len(t); i++ {
		t[i], _ = t[i-1].mulSmall(10)
	}
	return t
}()

func (x u128) mulSmall(m uint64) (u128, bool) {
	h1, lo := bits.Mul64(x.lo, m)
	h2, l2 := bits.Mul64(x.hi, m)
	hi, carry := bits.Add64(l2, h1, 0)
	return u128{hi: hi, lo: lo}, h2 == 0 && carry == 0
}

func (x u128) divSmall(d uint64) (u128, uint64) {
	var q u128
	var r uint64
	q.hi, r = x.hi/d, x.hi%d
	q.lo, r = bits.Div64(r, x.lo, d)
	return q, r
}

func (x u128) less(y u128) bool {
	return x.hi < y.hi || (x.hi == y.hi && x.lo < y.lo)
}

func (x u128) add(y u128) (u128, bool) {
	lo, c := bits.Add64(x.lo, y.lo, 0)
	hi, c2 := bits.Add64(x.hi, y.hi, c)
	return u128{hi: hi, lo: lo}, c2 == 0
}

func (x u128) sub(y u128) u128 {
	lo, b := bits.Sub64(x.lo, y.lo, 0)
	hi, _ := bits.Sub64(x.hi, y.hi, b)
	return u128{hi: hi, lo: lo}
}

func (x u128) isZero() bool { return x.hi == 0 && x.lo == 0 }

// splitDec returns a decimal's sign and magnitude.
func splitDec(n decimal128.Num) (bool, u128) {
	if n.Sign() < 0 {
		m := n.Negate()
		return true, u128{hi: uint64(m.HighBits()), lo: m.LowBits()}
	}
	return false, u128{hi: uint64(n.HighBits()), lo: n.LowBits()}
}

// joinDec builds a decimal from sign and magnitude (which must be below
// 2^127).
func joinDec(neg bool, m u128) decimal128.Num {
	n := decimal128.New(int64(m.hi), m.lo)
	if neg {
		return n.Negate()
	}
	return n
}

// rescaleMag multiplies (shift > 0) or divides with rounding half away
// from zero (shift < 0) by 10^|shift|; ok is false when the fast path
// cannot do it.
func rescaleMag(m u128, shift int32) (u128, bool) {
	switch {
	case shift == 0:
		return m, true
	case shift > 0 && shift <= 19:
		return m.mulSmall(pow10u[shift].lo)
	case shift < 0 && shift >= -19:
		d := pow10u[-shift].lo
		q, r := m.divSmall(d)
		if r >= d-r {
			q, _ = q.add(u128{lo: 1})
		}
		return q, true
	}
	return u128{}, false
}

// fitsPrec reports whether a magnitude has at most prec digits.
func fitsPrec(m u128, prec int32) bool { return m.less(pow10u[prec]) }

// bigOf converts a decimal to a big.Int (slow path only).
func bigOf(n decimal128.Num) *big.Int { return n.BigInt() }

var bigTen = big.NewInt(10)

// bigRescale multiplies or divides v by 10^|shift|, rounding half away
// from zero.
func bigRescale(v *big.Int, shift int32) *big.Int {
	if shift == 0 {
		return v
	}
	p := pow10Big(abs32(shift))
	if shift > 0 {
		return v.Mul(v, p)
	}
	q, r := new(big.Int).QuoRem(v, p, new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(p) >= 0 {
		if v.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// bigToDec converts v to a decimal of the given precision.
func bigToDec(v *big.Int, prec int32) (decimal128.Num, bool) {
	a := new(big.Int).Abs(v)
	lim := pow10Big(prec)
	if a.Cmp(lim) >= 0 {
		return decimal128.Num{}, false
	}
	return decimal128.FromBigInt(v), true
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

// decMul multiplies a (scale sa) by b (scale sb) into scale rs and
// precision rp; ok is false on overflow.
func decMul(a, b decimal128.Num, sa, sb, rs, rp int32) (decimal128.Num, bool) {
	na, ma := splitDec(a)
	nb, mb := splitDec(b)
	if ma.hi == 0 && mb.hi == 0 {
		h, l := bits.Mul64(ma.lo, mb.lo)
		if m, ok := rescaleMag(u128{hi: h, lo: l}, rs-sa-sb); ok {
			if !fitsPrec(m, rp) {
				return decimal128.Num{}, false
			}
			return joinDec(na != nb && !m.isZero(), m), true
		}
	}
	v := new(big.Int).Mul(bigOf(a), bigOf(b))
	return bigToDec(bigRescale(v, rs-sa-sb), rp)
}

// decAddSub adds (or, with sub, subtracts) b from a into scale rs and
// precision rp.
func decAddSub(a, b decimal128.Num, sa, sb, rs, rp int32, sub bool) (decimal128.Num, bool) {
	s := max(sa, sb)
	na, ma := splitDec(a)
	nb, mb := splitDec(b)
	if sub {
		nb = !nb
	}
	ma, ok1 := rescaleMag(ma, s-sa)
	mb, ok2 := rescaleMag(mb, s-sb)
	if ok1 && ok2 {
		var m u128
		neg := na
		ok := true
		if na == nb {
			m, ok = ma.add(mb)
		} else if ma.less(mb) {
			m, neg = mb.sub(ma), nb
		} else {
			m = ma.sub(mb)
		}
		if ok && m.hi>>63 == 0 {
			if r, ok := rescaleMag(m, rs-s); ok {
				if !fitsPrec(r, rp) {
					return decimal128.Num{}, false
				}
				return joinDec(neg && !r.isZero(), r), true
			}
		}
	}
	x := bigRescale(bigOf(a), s-sa)
	y := bigRescale(bigOf(b), s-sb)
	if sub {
		x.Sub(x, y)
	} else {
		x.Add(x, y)
	}
	return bigToDec(bigRescale(x, rs-s), rp)
}

// decDiv divides a by b (b != 0) into scale rs and precision rp, rounding
// half away from zero.
func decDiv(a, b decimal128.Num, sa, sb, rs, rp int32) (decimal128.Num, bool) {
	e := rs - sa + sb
	na, ma := splitDec(a)
	nb, mb := splitDec(b)
	if e >= 0 && e <= 19 && mb.hi == 0 {
		if num, ok := ma.mulSmall(pow10u[e].lo); ok {
			q, r := num.divSmall(mb.lo)
			if r >= mb.lo-r {
				q, _ = q.add(u128{lo: 1})
			}
			if !fitsPrec(q, rp) {
				return decimal128.Num{}, false
			}
			return joinDec(na != nb && !q.isZero(), q), true
		}
	}
	x := bigOf(a)
	y := bigOf(b)
	if e >= 0 {
		x = bigRescale(x, e)
	} else {
		y = bigRescale(y, -e)
	}
	// Round half away from zero: q = (|x| * 2 + |y|) / (2 |y|) with sign.
	neg := (x.Sign() < 0) != (y.Sign() < 0)
	x.Abs(x)
	y.Abs(y)
	x.Lsh(x, 1).Add(x, y)
	y.Lsh(y, 1)
	x.Quo(x, y)
	if neg {
		x.Neg(x)
	}
	return bigToDec(x, rp)
}

// decMod is a MOD b (b != 0) with the sign of a, into scale rs.
func decMod(a, b decimal128.Num, sa, sb, rs, rp int32) (decimal128.Num, bool) {
	s := max(sa, sb)
	x := bigRescale(bigOf(a), s-sa)
	y := bigRescale(bigOf(b), s-sb)
	x.Rem(x, y)
	return bigToDec(bigRescale(x, rs-s), rp)
}

// decRescale converts a decimal from scale s to scale rs and precision
// rp, rounding half away from zero.
func decRescale(a decimal128.Num, s, rs, rp int32) (decimal128.Num, bool) {
	neg, m := splitDec(a)
	if r, ok := rescaleMag(m, rs-s); ok {
		if !fitsPrec(r, rp) {
			return decimal128.Num{}, false
		}
		return joinDec(neg && !r.isZero(), r), true
	}
	return bigToDec(bigRescale(bigOf(a), rs-s), rp)
}

// pow10Big is 10^e as a big.Int.
func pow10Big(e int32) *big.Int {
	return new(big.Int).Exp(bigTen, big.NewInt(int64(e)), nil)
}
