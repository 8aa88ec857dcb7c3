package seccomp

import "testing"

func BenchmarkLoadDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Load(Default); err != nil {
			b.Fatal(err)
		}
	}
}
