module mvrc/rootfs

go 1.24
