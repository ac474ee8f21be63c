// Package redisstate keeps the state of package state in Redis, so that
// the instances that share one Redis and one key prefix act as one
// playground: a sealed request relayed by one is a replay on every other,
// a client address has one rate limit across all of them, and what a client
// writes to the sandbox through one is there on every other.
//
// Every key is under the prefix and has a time to live, so nothing grows
// without bound, but for the epoch, one key of fixed size:
//
//	<prefix>epoch                  when the store started to hold the replay window, ms since 1970, SET if missing (replay.go)
//	<prefix>replay:<id>            "1", SET NX PX: until the request's forget-after time, plus ClockMargin
//	<prefix>limit:<name>:<client>  GCRA's theoretical arrival time, microseconds since 1970, PX until that time
//	<prefix>records:<owner>        an owner's records (records.go), PX until the latest expires
//	<prefix>records                every live record, for the bound on them all, PX likewise
//	<prefix>probe                  the health probe's, PX 10 s
//
// <id> is the hex of the first 16 bytes of the replay id (the SHA-256 of a
// sealed request's enc). 128 bits keep the window exact in practice: a
// chance collision among ten million live entries has probability 10⁻²⁵,
// and aiming one at somebody's request is a second preimage of SHA-256 on
// 128 bits (2¹²⁸ work); each entry takes 32 bytes less than the whole hash.
//
// Clocks. The instances pass their own time to Redis, rather than the
// scripts reading Redis's TIME: one code path serves production and the
// suite of package statetest, whose clock is a test's, and nothing depends
// on a third clock. A limiter's state is one time, so instances whose
// clocks differ by e give one address at most e of extra or lost allowance
// (a fraction of an event at the default 200 ms per event), and nothing
// accumulates. A replay entry lives for the time left until its
// forget-after time by the clock of the instance that checked its Date,
// plus ClockMargin, so that an instance whose clock is up to ClockMargin
// behind still finds it while it would accept a copy.
//
// Failure. Every operation and a probe each second feed a health tracker.
// An operation that fails (a timeout, an OOM at maxmemory) fails alone: its
// caller refuses that one request (fails closed), and the next operation
// tries Redis again. Five operations failing in a row, or two probes, mark
// the store unavailable (one log line); every operation is then refused at
// once without waiting on Redis, and the first probe that succeeds marks
// it available again (one log line). Timeouts are short (a second to dial,
// read or write) and nothing is retried: a retried SET NX whose first
// attempt did reach Redis would call a fresh request a replay, and a
// retried GCRA script would count an event twice. The pool holds a
// connection for every operation the server can run at once, so that none
// waits for a turn under a burst.
package redisstate
