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
