package core

// This file models net/core/fib_rules.c with net/ipv4/fib_rules.c and
// net/ipv6/fib6_rules.c: the policy rules of each family and their
// rtnetlink interface.

// fibRulesNet is the namespace's policy-rule state (rules_ops of each
// family).
type fibRulesNet struct{}
