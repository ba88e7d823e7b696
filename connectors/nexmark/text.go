package nexmark

import (
	"math"
	"math/bits"
	"slices"
	"strconv"
	"sync"
)

var (
	usStates   = []string{"AZ", "CA", "ID", "OR", "WA", "WY"}
	usCities   = []string{"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"}
	firstNames = []string{"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"}
	lastNames  = []string{"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"}
	hotChannel = []string{"Google", "Facebook", "Baidu", "Apple"}
)

const (
	minStringLength = 3
	numChannels     = 10_000
)

// channelTable holds every channel's name and URL, derived from fixed
// seeds so they are the same in every run: the hot channels first, then
// "channel-N", 9 in 10 of whose URLs carry "&channel_id=".
type channelTable struct {
	hotURLs []string
	names   []string
	urls    []string
}

var channels = sync.OnceValue(func() *channelTable {
	t := &channelTable{}
	baseURL := func(r *jrand) []byte {
		u := []byte("https://www.nexmark.com/")
		for i := 0; i < 3; i++ {
			u = appendNextString(u, r, 5, '_')
			u = append(u, '/')
		}
		return append(u, "item.htm?query=1"...)
	}
	for i := range hotChannel {
		r := newJrand(-1 - int64(i))
		t.hotURLs = append(t.hotURLs, string(baseURL(&r)))
	}
	for n := 0; n < numChannels; n++ {
		r := newJrand(1<<40 + int64(n))
		u := baseURL(&r)
		if r.intn(10) > 0 {
			id := int64(int32(bits.Reverse32(uint32(n))))
			if id < 0 {
				id = -id
			}
			u = strconv.AppendInt(append(u, "&channel_id="...), id, 10)
		}
		t.names = append(t.names, "channel-"+strconv.Itoa(n))
		t.urls = append(t.urls, string(u))
	}
	return t
})

// appendNextString appends a random string of 3 to maxLength-1 letters,
// about one in 13 of them special, trimmed of spaces at both ends.
func appendNextString(dst []byte, r *jrand, maxLength int32, special byte) []byte {
	start := len(dst)
	for n := minStringLength + r.intn(maxLength-minStringLength); n > 0; n-- {
		if r.intn(13) == 0 {
			dst = append(dst, special)
		} else {
			dst = append(dst, byte('a'+r.intn(26)))
		}
	}
	if special != ' ' {
		return dst
	}
	s := dst[start:]
	lo, hi := 0, len(s)
	for lo < hi && s[lo] == ' ' {
		lo++
	}
	for hi > lo && s[hi-1] == ' ' {
		hi--
	}
	n := copy(s, s[lo:hi])
	return dst[:start+n]
}

// appendExactString appends length random lowercase letters, six from
// each random number.
func appendExactString(dst []byte, r *jrand, length int) []byte {
	start := len(dst)
	dst = slices.Grow(dst, length)[:start+length]
	out := dst[start:]
	for i := 0; i < length; {
		rnd := r.int31()
		for k := 0; k < 6 && i < length; k++ {
			out[i] = byte('a' + rnd%26)
			rnd /= 26
			i++
		}
	}
	return dst
}

// extraLength picks the 'extra' padding's length so that an event of
// currentSize bytes averages avgSize bytes (uniform within +-20%).
func extraLength(r *jrand, currentSize, avgSize int) int {
	if currentSize > avgSize {
		return 0
	}
	avgSize -= currentSize
	delta := int(math.Round(float64(avgSize) * 0.2))
	n := avgSize - delta
	if delta != 0 {
		n += int(r.intn(int32(2 * delta)))
	}
	return n
}

// nextPrice returns a price in cents, log-uniform from 1.00 to 1000000.00.
func nextPrice(r *jrand) int64 {
	return int64(math.Floor(math.Exp(r.float64()*6*math.Ln10)*100 + 0.5))
}

// appendPad4 appends v (0..9999) as four digits.
func appendPad4(dst []byte, v int32) []byte {
	return append(dst, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}
