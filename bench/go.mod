module mvrc/bench

go 1.24
