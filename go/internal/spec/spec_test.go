package spec

import (
	"reflect"
	"testing"

	"mvrc/internal/errs"
	"mvrc/internal/vectors"
)

// vector is a case of the shared testdata/unit files: an input, then a want or an error line.
type vector[In, Want any] struct {
	Name  string `json:"name"`
	Flag  string `json:"flag"`
	In    In     `json:"in"`
	Want  Want   `json:"want"`
	Error string `json:"error"`
}

func TestEnvVectors(t *testing.T) {
	type in struct {
		Caller   map[string]string `json:"caller"`
		E        []string          `json:"e"`
		UTS      bool              `json:"uts"`
		Hostname string            `json:"hostname"`
		Host     string            `json:"host"`
	}
	run(t, "env.json", func(v vector[in, []string]) ([]string, error) {
		hostname := v.In.Host
		if v.In.UTS {
			hostname = v.In.Hostname
		}
		return Env(v.In.Caller, v.In.E, hostname)
	})
}

func TestBindVectors(t *testing.T) {
	run(t, "bind.json", func(v vector[string, Bind]) (Bind, error) { return ParseBind(v.In) })
}

func TestTmpfsVectors(t *testing.T) {
	run(t, "tmpfs.json", func(v vector[string, Tmpfs]) (Tmpfs, error) { return ParseTmpfs(v.In) })
}

func TestUserVectors(t *testing.T) {
	run(t, "user.json", func(v vector[string, User]) (User, error) { return ParseUser(v.In) })
}

func TestSizeVectors(t *testing.T) {
	run(t, "size.json", func(v vector[string, float64]) (float64, error) {
		switch v.Flag {
		case "--memory":
			n, err := ParseMemory(v.In)
			return float64(n), err
		case "--pids":
			n, err := ParsePids(v.In)
			return float64(n), err
		case "--cpus":
			return ParseCPUs(v.In)
		}
		t.Fatalf("unknown flag %q", v.Flag)
		return 0, nil
	})
}

// TestMemoryIsExact checks the one value float64 cannot hold exactly.
func TestMemoryIsExact(t *testing.T) {
	if n, err := ParseMemory("9223372036854775807"); err != nil || n != 1<<63-1 {
		t.Fatalf("ParseMemory(max) = %d, %v", n, err)
	}
}

// run loads file and checks parse against each of its cases.
func run[In, Want any](t *testing.T, file string, parse func(vector[In, Want]) (Want, error)) {
	t.Helper()
	for _, v := range vectors.Load[vector[In, Want]](t, file) {
		t.Run(v.Name, func(t *testing.T) {
			got, err := parse(v)
			if v.Error != "" {
				if err == nil {
					t.Fatalf("%v = %v, want error %q", v.In, got, v.Error)
				}
				if lines, code := errs.Report(err); lines[0] != v.Error || code != errs.Failed || len(lines) != 2 {
					t.Fatalf("%v: error %q (code %d), want usage error %q", v.In, lines, code, v.Error)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v: %v", v.In, err)
			}
			if !reflect.DeepEqual(got, v.Want) {
				t.Fatalf("%v = %v, want %v", v.In, got, v.Want)
			}
		})
	}
}
