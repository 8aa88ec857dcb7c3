package runtimes

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

// c-floor is the one × floor; go-floor follows it and is not a floor. A floor the bench
// could not build is a row that says why, never a dropped one.
func TestFloors(t *testing.T) {
	var floors, names []string
	for _, rt := range All {
		names = append(names, rt.Name)
		if rt.Floor {
			floors = append(floors, rt.Name)
		}
	}
	if !slices.Equal(floors, []string{"c-floor"}) {
		t.Errorf("floors %v, want [c-floor]", floors)
	}
	if i := slices.Index(names, "go-floor"); i < 1 || names[i-1] != "c-floor" {
		t.Errorf("line-up %v: want go-floor right after c-floor", names)
	}
	ws := &Workspace{FloorErr: errors.New("gcc: not found"), GoFloorErr: errors.New("go build: exit status 1")}
	for name, want := range map[string]string{"c-floor": "not built: gcc: not found", "go-floor": "not built: go build: exit status 1"} {
		if err := named(name).Probe(ws); err == nil || err.Error() != want {
			t.Errorf("%s: Probe = %v, want %q", name, err, want)
		}
	}
}

func TestFirstErrorLine(t *testing.T) {
	tests := []struct{ name, stderr, want string }{
		{"the error line wins", "starting\ncrun: error: cgroups\n", "crun: error: cgroups"},
		{"else the first line", "\ncgroups in hybrid mode not supported\nsecond\n", "cgroups in hybrid mode not supported"},
		{"warnings are skipped", `time="x" level=warning msg="/ is not a shared mount"` + "\nError: OCI runtime error\n", "Error: OCI runtime error"},
		{"nothing", "", ""},
	}
	for _, tt := range tests {
		if got := FirstErrorLine(tt.stderr); got != tt.want {
			t.Errorf("%s: FirstErrorLine = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// adapt turns `runc spec --rootless` into the common job.
func TestAdapt(t *testing.T) {
	template := `{"process":{"terminal":true,"args":["sh"]},"root":{"path":"rootfs","readonly":true},
		"mounts":[{"destination":"/proc"},{"destination":"/sys/fs/cgroup","type":"cgroup"}],
		"linux":{"uidMappings":[{"containerID":0,"hostID":0,"size":1}],"cgroupsPath":"/x","resources":{},
		"namespaces":[{"type":"pid"},{"type":"user"}]}}`
	var config map[string]any
	if err := json.Unmarshal([]byte(template), &config); err != nil {
		t.Fatal(err)
	}
	adapt(config, "/ws/rootfs", []string{"/bin/true"}, 1001, 1002)
	data, _ := json.Marshal(config)
	var got struct {
		Process struct {
			Terminal bool
			Args     []string
		}
		Root struct {
			Path     string
			Readonly bool
		}
		Mounts []struct{ Destination string }
		Linux  struct {
			UIDMappings []struct{ HostID int } `json:"uidMappings"`
			GIDMappings []struct{ HostID int } `json:"gidMappings"`
			CgroupsPath *string                `json:"cgroupsPath"`
			Resources   any
			Namespaces  []struct{ Type string }
		}
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	var namespaces, mounts []string
	for _, ns := range got.Linux.Namespaces {
		namespaces = append(namespaces, ns.Type)
	}
	for _, m := range got.Mounts {
		mounts = append(mounts, m.Destination)
	}
	switch {
	case got.Process.Terminal || !slices.Equal(got.Process.Args, []string{"/bin/true"}):
		t.Errorf("process = %+v, want no terminal and our args", got.Process)
	case got.Root.Path != "/ws/rootfs" || got.Root.Readonly:
		t.Errorf("root = %+v, want our rootfs, writable", got.Root)
	case got.Linux.UIDMappings[0].HostID != 1001 || got.Linux.GIDMappings[0].HostID != 1002:
		t.Errorf("maps = %+v %+v, want 0 → the caller", got.Linux.UIDMappings, got.Linux.GIDMappings)
	case got.Linux.CgroupsPath != nil || got.Linux.Resources != nil:
		t.Errorf("cgroups settings left: %v %v", *got.Linux.CgroupsPath, got.Linux.Resources)
	case !slices.Equal(namespaces, []string{"user", "mount", "pid", "uts", "ipc", "network"}):
		t.Errorf("namespaces = %v", namespaces)
	case !slices.Equal(mounts, []string{"/proc"}):
		t.Errorf("mounts = %v, want the cgroup mount gone", mounts)
	}
}
