package core

// This file models net/ipv4/fib_frontend.c: the namespace's IPv4 routing
// tables, the rtnetlink route handlers and the routes derived from
// addresses (fib_add_ifaddr, fib_del_ifaddr).

// fibNet is the namespace's IPv4 FIB state (net->ipv4's fib tables).
type fibNet struct{}
