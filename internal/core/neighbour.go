package core

// This file models net/core/neighbour.c: the neighbour tables (arp_tbl,
// nd_tbl) and their rtnetlink interface.

// neighNet is the namespace's neighbour state.
type neighNet struct{}
