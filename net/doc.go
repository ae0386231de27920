// Package net is the model kernel as its users see it: kernels, network
// namespaces, netlink sockets that real clients talk to, and packet capture.
//
// A [Kernel] boots with init_net, which like every [Namespace] has a
// loopback device lo (ifindex 1, down until brought up). Sockets come from
// a namespace: [Namespace.Dial] returns a *netlink.Conn of
// github.com/mdlayher/netlink wired to an in-process netlink socket, and
// [Namespace.Socket] a byte-level [Socket] for clients that build their own
// datagrams. Both speak to the model's rtnetlink exactly as to a Linux
// kernel: the same bytes, errnos, extended ack text, notifications and dump
// datagram boundaries.
//
// # Privilege
//
// Sockets carry the credentials of their opener. By default they have
// CAP_NET_ADMIN; [DialConfig.Unprivileged] opens one without it, and every
// mutating rtnetlink request from it fails with EPERM as on Linux.
//
// # Capture
//
// [Namespace.Capture] opens the equivalent of an AF_PACKET ETH_P_ALL socket
// bound to a device: every frame the device transmits arrives as a [Frame]
// with the sockaddr_ll fields a real packet socket reports. On an nlmon
// device those frames are the namespace's netlink traffic.
//
// # Errors
//
// Every failure wraps the kernel's golang.org/x/sys/unix.Errno, so
// errors.Is(err, unix.EINVAL) works; errors from a *netlink.Conn are
// mdlayher's *netlink.OpError with the extack message and offset.
package net
