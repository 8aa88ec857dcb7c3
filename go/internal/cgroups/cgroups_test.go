package cgroups

import (
	"reflect"
	"testing"

	"mvrc/internal/spec"
)

func TestWanted(t *testing.T) {
	for _, tc := range []struct {
		name        string
		limits      spec.Limits
		flag        string
		controllers []string
	}{
		{"memory", spec.Limits{Memory: 1}, "--memory", []string{"memory"}},
		{"pids", spec.Limits{Pids: 1}, "--pids", []string{"pids"}},
		{"cpus", spec.Limits{CPUs: 0.5}, "--cpus", []string{"cpu"}},
		{"all: the first flag names the refusal", spec.Limits{Memory: 1, Pids: 1, CPUs: 1}, "--memory", []string{"memory", "pids", "cpu"}},
		{"pids and cpus", spec.Limits{Pids: 1, CPUs: 1}, "--pids", []string{"pids", "cpu"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flag, controllers := wanted(tc.limits)
			if flag != tc.flag || !reflect.DeepEqual(controllers, tc.controllers) {
				t.Fatalf("wanted = %q, %q; want %q, %q", flag, controllers, tc.flag, tc.controllers)
			}
		})
	}
}

func TestParentDir(t *testing.T) {
	for _, tc := range []struct{ name, in, want, err string }{
		{"user slice", "0::/user.slice/user-1000.slice/user@1000.service/app.slice/run.scope\n",
			"/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice", ""},
		{"hybrid: v1 lines first", "12:pids:/x\n1:name=systemd:/x\n0::/a/b\n", "/sys/fs/cgroup/a", ""},
		{"top level", "0::/a\n", "/sys/fs/cgroup", ""},
		{"root cgroup", "0::/\n", "", "mvrc runs in the root cgroup, which has no parent"},
		{"no v2 line", "1:name=systemd:/x\n", "", "no cgroup v2 entry in /proc/self/cgroup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parentDir(tc.in)
			if got != tc.want || (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
				t.Fatalf("parentDir = %q, %v; want %q, %q", got, err, tc.want, tc.err)
			}
		})
	}
}

func TestCPUMax(t *testing.T) {
	for in, want := range map[float64]string{1: "100000 100000", 0.5: "50000 100000", 2.25: "225000 100000", 0.01: "1000 100000"} {
		if got := cpuMax(in); got != want {
			t.Errorf("cpuMax(%v) = %q, want %q", in, got, want)
		}
	}
}
