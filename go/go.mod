module mvrc

go 1.24
