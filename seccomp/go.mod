module mvrc/seccomp

go 1.26.0
