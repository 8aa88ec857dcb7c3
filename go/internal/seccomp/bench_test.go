package seccomp

import "testing"

// What --seccomp default costs the Go twin before the kernel's part: the parent loads and
// encodes the built-in program, the child decodes it.
func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		filter, err := Load(Default)
		if err != nil {
			b.Fatal(err)
		}
		_ = Decode(Encode(filter))
	}
}

// What a policy file costs: read, parse and compile at run time.
func BenchmarkCompileDefaultPolicy(b *testing.B) {
	arch, _ := Native()
	for b.Loop() {
		if _, err := Generate(arch); err != nil {
			b.Fatal(err)
		}
	}
}
