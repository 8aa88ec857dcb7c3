module mvrc/compare

go 1.24
