package main

import (
	"os"
	"slices"
	"strconv"
	"strings"
)

func parsePIDs(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if pid, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// sumRSS returns the summed VmRSS of pids, in KiB.
func sumRSS(pids []int) int64 {
	var sum int64
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kib, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
				sum += kib
			}
		}
	}
	return sum
}

// sumCPU returns the summed user+system CPU time of pids, in nanoseconds
// (clock ticks of 10 ms).
func sumCPU(pids []int) int64 {
	var sum int64
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if len(f) > 13 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			k, _ := strconv.ParseInt(f[12], 10, 64)
			sum += (u + k) * 10_000_000
		}
	}
	return sum
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
