package jsonformat

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportPerCPUSecond reports rows per CPU-second (not wall time, so
// other load on the machine does not skew it) from a start time taken
// after the benchmark's setup.
func reportPerCPUSecond(b *testing.B, start time.Duration, rows int) {
	if cpu := cpuTime() - start; cpu > 0 {
		b.ReportMetric(float64(rows)/cpu.Seconds(), "rows/cpu-s")
	}
}
